"""The mass one pack, module or cell can weigh: the one table of these ranges, read by the
booking lots' check and the fleet register's import."""

from __future__ import annotations

from decimal import Decimal

from lithloop.batteries.codes import ProductType

#: The mass of one item each form can weigh, in kg (lowest, highest), generous on purpose:
#: FACTS.md puts a car's pack at about 350-550 kg and a 12 m bus's at 2-3 t (estimates);
#: the lower bound leaves room for the small packs of low-speed vehicles and e-bikes. A
#: module is part of a pack. Small cells are 500 g or less (ADR SP636); the largest prismatic
#: and blade cells weigh a few kg (estimate). Black mass has no item to weigh.
MASS_PER_ITEM: dict[str, tuple[Decimal, Decimal]] = {
    "pack": (Decimal(5), Decimal(5000)),
    "module": (Decimal("0.5"), Decimal(1000)),
    "cell": (Decimal("0.01"), Decimal(50)),
}
#: The form of each GB/T 34014 product type (character 4 of a code).
FORM_OF_PRODUCT_TYPE = {
    ProductType.PACK: "pack",
    ProductType.MODULE: "module",
    ProductType.CELL: "cell",
}


def form_of(product_type: str | None) -> str:
    """The form ("pack", "module", "cell") a code's product type names; a pack when unknown."""
    for kind, form in FORM_OF_PRODUCT_TYPE.items():
        if product_type == kind.value:
            return form
    return "pack"
