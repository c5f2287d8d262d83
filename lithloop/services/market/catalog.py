"""The catalog: packs for sale in the finished-product warehouse, filtered, sorted, grouped."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import labels
from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import Grade, Pack, PackState, PackTest
from lithloop.services.errors import Invalid, NotFound
from lithloop.services.market.catalog_groups import group_conditions, group_id
from lithloop.services.strict_input import (
    MAX_MONEY_FEN,
    known_chemistry,
    optional_decimal,
    optional_int,
    optional_money_fen,
)

USE_CASES = labels.USE_CASE
SORTS = {
    "price": (Pack.price_fen, Pack.id),
    "-price": (Pack.price_fen.desc(), Pack.id),
    "soh": (Pack.soh_pct, Pack.id),
    "-soh": (Pack.soh_pct.desc(), Pack.id),
    "-kwh": ((Pack.rated_wh * Pack.soh_pct).desc(), Pack.id),
    "cycles": (Pack.cycle_count.asc().nulls_last(), Pack.id),  # unknown counts last
    "-warranty": (Pack.warranty_months.desc(), Pack.id),
}
MAX_LISTED = 2000
#: The grades a pack on sale has (for_sale leaves scrap, S, out).
SALE_GRADES = frozenset(g.value for g in Grade if g is not Grade.S)
_DECIMALS = {"min_kwh": 10**6, "max_kwh": 10**6, "min_soh": 100, "max_soh": 100}
_INTEGERS = {
    "max_cycles": 10**6,
    "min_warranty": 1200,
    "min_price_fen": MAX_MONEY_FEN,
    "max_price_fen": MAX_MONEY_FEN,
}


@dataclass(frozen=True)
class Filters:
    """What a buyer asks the catalog for (every field optional)."""

    chemistry: str = ""
    grade: str = ""
    use_case: str = ""
    numbers: dict = field(default_factory=dict)
    sort: str = "price"


def parse_filters(args: Mapping) -> Filters:
    """Filters from query arguments; Invalid names a field that is not a number."""
    numbers = {}
    for name, most in _DECIMALS.items():
        numbers[name] = optional_decimal(args.get(name), name, minimum=0, maximum=most)
    for name, most in _INTEGERS.items():
        numbers[name] = optional_int(args.get(name), name, minimum=0, maximum=most)
    for name in ("min_price", "max_price"):  # the page's prices are in yuan, like its labels
        fen = optional_money_fen(args.get(name), name, allow_zero=True)
        if fen is not None:
            numbers[f"{name}_fen"] = fen
    numbers = {k: v for k, v in numbers.items() if v is not None}
    _check_ranges(numbers, args)
    grade = str(args.get("grade") or "").strip().upper()
    if grade and grade not in SALE_GRADES:  # S is scrap: never on sale, so never a filter
        raise Invalid(_l("Choose grade A, B or C."), field="grade")
    use_case = str(args.get("use_case") or "").strip()
    if use_case and use_case not in USE_CASES:  # a tampered link: it would list nothing
        raise Invalid(
            _l("Choose one of: %(choices)s.", choices=listed(USE_CASES.values())),
            field="use_case",
        )
    sort = str(args.get("sort") or "price")
    return Filters(
        chemistry=known_chemistry(args.get("chemistry")),
        grade=grade,
        use_case=use_case,
        numbers=numbers,
        sort=sort if sort in SORTS else "price",
    )


#: The catalogue's ranges: the lower and upper filter (the page types prices in yuan as
#: min_price and max_price, the API in fen as min_price_fen and max_price_fen).
_RANGES = (("min_kwh", "max_kwh"), ("min_soh", "max_soh"), ("min_price_fen", "max_price_fen"))


def _check_ranges(numbers: dict, args: Mapping) -> None:
    """Invalid beside the upper filter of a range whose upper bound is below its lower one:
    nothing could match, and "widen the filters" would not say which."""
    for low, high in _RANGES:
        if low in numbers and high in numbers and numbers[high] < numbers[low]:
            page = low.removesuffix("_fen")  # the field the page typed it in, if it did
            low_field = page if str(args.get(page) or "").strip() else low
            high_field = high.removesuffix("_fen") if low_field == page else high
            raise Invalid(
                _l(
                    "This is below the lower limit (%(low)s), so no pack can match: "
                    "swap them or change one.",
                    low=str(args.get(low_field)).strip(),
                ),
                field=high_field,
            )


def filter_problems(args: Mapping) -> dict[str, str]:
    """Every filter parse_filters refuses, by field (its first refusal alone hid the others)."""
    found: dict[str, str] = {}
    for name in (
        *_DECIMALS,
        *_INTEGERS,
        "min_price",
        "max_price",
        "grade",
        "chemistry",
        "use_case",
    ):
        if str(args.get(name) or "").strip():
            try:
                parse_filters({name: args.get(name)})
            except Invalid as exc:
                found[exc.field or name] = str(exc.message)
    return found


def kept_filters(args: Mapping) -> tuple[Filters, dict[str, str]]:
    """The filters that parse, applied, and each refused one's message by field: a refused
    filter is left out alone (one bad box used to drop every filter with it)."""
    problems = filter_problems(args)
    kept = {k: v for k, v in args.items() if k not in problems}
    for _ in range(len(_RANGES) + 1):  # a range refused as a pair: its upper end left out
        try:
            return parse_filters(kept), problems
        except Invalid as exc:
            problems.setdefault(exc.field or "_form", str(exc.message))
            if kept.pop(exc.field or "", None) is None:
                break
    return Filters(), problems


def for_sale():
    """The query of every pack on sale now (finished, graded, priced)."""
    return sa.select(Pack).where(
        Pack.state == PackState.FINISHED,
        Pack.price_fen.is_not(None),
        Pack.grade.is_not(None),
        Pack.grade != Grade.S,
    )


def search(filters: Filters) -> list[Pack]:
    """Packs on sale matching the filters, sorted (at most MAX_LISTED)."""
    query, n = for_sale(), filters.numbers
    usable_wh = Pack.rated_wh * Pack.soh_pct / 100
    conditions = {
        "min_kwh": lambda v: usable_wh >= v * 1000,
        "max_kwh": lambda v: usable_wh <= v * 1000,
        "min_soh": lambda v: Pack.soh_pct >= v,
        "max_soh": lambda v: Pack.soh_pct <= v,
        "max_cycles": lambda v: Pack.cycle_count <= v,  # an unknown count (NULL) never matches
        "min_warranty": lambda v: Pack.warranty_months >= v,
        "min_price_fen": lambda v: Pack.price_fen >= v,
        "max_price_fen": lambda v: Pack.price_fen <= v,
    }
    for name, value in n.items():
        query = query.where(conditions[name](value))
    if filters.chemistry:
        query = query.where(Pack.chemistry == filters.chemistry)
    if filters.grade:
        query = query.where(Pack.grade == Grade(filters.grade))
    if filters.use_case:
        query = query.where(Pack.use_case == filters.use_case)
    return list(db.session.scalars(query.order_by(*SORTS[filters.sort]).limit(MAX_LISTED)))


def filters_key(filters: Filters) -> tuple:
    """A hashable key of the filters (for caches)."""
    return (
        filters.chemistry,
        filters.grade,
        filters.use_case,
        tuple(sorted(filters.numbers.items())),
        filters.sort,
    )


def cached_listing(filters: Filters, render: Callable[[list[dict]], object]):
    """render(the JSON views of the packs search(filters) finds), briefly cached.

    The catalog changes when a pack's row does (table `pack`): see read_cache.
    """
    return read_cache.cached(
        "catalog",
        filters_key(filters),
        ("pack",),
        lambda: render([pack_summary(p) for p in search(filters)]),
    )


def chemistries() -> list[str]:
    """The chemistries of the packs on sale now, sorted (for the catalog's filter)."""
    query = for_sale().with_only_columns(Pack.chemistry).distinct()
    return sorted(db.session.scalars(query))


def stock_of(key: str) -> int:
    """How many packs of a group are on sale now."""
    query = for_sale().where(*group_conditions(key)).with_only_columns(sa.func.count(Pack.id))
    return db.session.scalar(query)


LISTED_STATES = frozenset({PackState.FINISHED, PackState.RESERVED, PackState.SOLD})


def is_listed(pack: Pack | None) -> bool:
    """True for a pack that has a listing: on sale, reserved or sold, and priced."""
    return pack is not None and pack.state in LISTED_STATES and pack.price_fen is not None


def listing(pack_id: int) -> Pack:
    """A pack for its listing page: on sale, reserved or sold (NotFound otherwise)."""
    pack = db.session.get(Pack, pack_id)
    if not is_listed(pack):
        raise NotFound(_l("No such pack for sale."))
    return pack


def on_sale(pack_id: int) -> Pack:
    """A pack a buyer may put in the cart now (NotFound otherwise, as for any other pack)."""
    pack = db.session.scalar(for_sale().where(Pack.id == pack_id))
    if pack is None:
        raise NotFound(_l("No such pack for sale."))
    return pack


def latest_test(pack: Pack) -> PackTest | None:
    """The pack's most recent test (its test report)."""
    return pack.tests[-1] if pack.tests else None


def pack_summary(pack: Pack) -> dict:
    """The JSON view of a listed pack."""
    return {
        "id": pack.id,
        "code": pack.code,
        "chemistry": pack.chemistry,
        "usable_kwh": str(pack.usable_kwh) if pack.usable_kwh is not None else None,
        "rated_wh": pack.rated_wh,
        "soh_pct": str(pack.soh_pct) if pack.soh_pct is not None else None,
        "grade": pack.grade.value if pack.grade else None,
        "price_fen": pack.price_fen,
        "price_index_version": pack.price_index_version,
        "status": pack.state.value,
        "cycle_count": pack.cycle_count,
        "warranty_months": pack.warranty_months,
        "use_case": pack.use_case,
        "refurbished": pack.refurbished,
        "group_id": group_id(pack),
    }
