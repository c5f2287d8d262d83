"""Identical packs of the catalogue grouped into one listing: the group key (chemistry,
grade, rated Wh, price, refurbished), read back, named in words and selected in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lithloop import i18n, labels
from lithloop.models import Grade, Pack
from lithloop.services.errors import Invalid


def group_id(pack: Pack) -> str:
    """The key of identical packs: chemistry, grade, rated Wh, price, refurbished."""
    return (
        f"{pack.chemistry}.{pack.grade.value if pack.grade else '-'}.{pack.rated_wh}."
        f"{pack.price_fen}.{'R' if pack.refurbished else 'U'}"
    )


@dataclass(frozen=True)
class GroupKey:
    """What a group key says: the packs' chemistry, grade, rated Wh, price, refurbishing."""

    chemistry: str
    grade: Grade
    rated_wh: int
    price_fen: int
    refurbished: bool

    @property
    def rated_kwh(self) -> Decimal:
        """Rated energy in kWh, as a pack shows it."""
        return Decimal(self.rated_wh) / 1000


def parse_group(key: str) -> GroupKey:
    """A group key read back (see group_id); Invalid for a malformed key."""
    try:
        chemistry, grade, rated_wh, price_fen, refurbished = key.split(".")
        return GroupKey(chemistry, Grade(grade), int(rated_wh), int(price_fen), refurbished == "R")
    except ValueError:
        raise Invalid(_l("Unknown group %(g)s.", g=key[:80]), field="group_id") from None


def group_words(key: str) -> str:
    """A group named in words for a message (chemistry, grade, rated kWh), never its key."""
    parts = parse_group(key)
    return str(
        _l(
            "%(chemistry)s, grade %(grade)s, %(kwh)s kWh",
            chemistry=labels.label(labels.CHEMISTRY, parts.chemistry),
            grade=parts.grade.value,
            kwh=i18n.kwh(parts.rated_kwh),
        )
    )


def group_conditions(key: str) -> list:
    """SQL conditions selecting the packs of a group key; Invalid for a malformed key."""
    parts = parse_group(key)
    return [
        Pack.chemistry == parts.chemistry,
        Pack.grade == parts.grade,
        Pack.rated_wh == parts.rated_wh,
        Pack.price_fen == parts.price_fen,
        Pack.refurbished.is_(parts.refurbished),
    ]


@dataclass
class Group:
    """Identical packs on sale, shown as one listing with a quantity."""

    id: str
    packs: list[Pack]

    @property
    def first(self) -> Pack:
        """The pack shown for the group."""
        return self.packs[0]

    @property
    def quantity(self) -> int:
        """How many are in stock."""
        return len(self.packs)

    @property
    def soh_range(self) -> tuple[Decimal, Decimal]:
        """Lowest and highest state of health in the group."""
        values = [p.soh_pct for p in self.packs]
        return min(values), max(values)


def grouped(packs: list[Pack]) -> list[Group]:
    """Packs gathered into groups of identical ones, in the order first seen."""
    groups: dict[str, Group] = {}
    for pack in packs:
        groups.setdefault(group_id(pack), Group(group_id(pack), [])).packs.append(pack)
    return list(groups.values())
