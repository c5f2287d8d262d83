"""Reading a fleet CSV's cells: the file's encoding, header names (English or Chinese
aliases), numbers, dates and chemistry names as people type them."""

from __future__ import annotations

import codecs
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from lithloop import vocab
from lithloop.batteries.codes import fold_full_width

CHEMISTRIES = vocab.CHEMISTRIES

_HEADER_ALIASES = {
    "vehicleplate": "vehicle_plate",
    "plate": "vehicle_plate",
    "车牌号": "vehicle_plate",
    "车牌": "vehicle_plate",
    "车牌号码": "vehicle_plate",
    "packcode": "pack_code",
    "电池编码": "pack_code",
    "电池包编码": "pack_code",
    "chemistry": "chemistry",
    "化学体系": "chemistry",
    "电池类型": "chemistry",
    "ratedkwh": "rated_kwh",
    "ratedenergyinkwh": "rated_kwh",  # the English page's name for it (web/fleet_text.py)
    "额定电量kwh": "rated_kwh",
    "额定电量": "rated_kwh",
    "masskg": "mass_kg",
    "massinkg": "mass_kg",
    "质量kg": "mass_kg",
    "质量": "mass_kg",
    "质量千克": "mass_kg",  # the preview table's own heading, 质量（千克）
    "重量kg": "mass_kg",
    "重量": "mass_kg",
    "inservicesince": "in_service_since",
    "投运日期": "in_service_since",
    "sohpct": "soh_pct",
    "stateofhealth": "soh_pct",
    "soh": "soh_pct",
    "健康度": "soh_pct",  # the import page's own word for soh_pct
    "健康状态": "soh_pct",
}
_CHEM_ALIASES = {
    "LIFEPO4": "LFP",
    "磷酸铁锂": "LFP",
    "LMO": "LMO",
    "锰酸锂": "LMO",
    "钴酸锂": "LCO",
    "NMC523": "NCM523",
    "NMC622": "NCM622",
    "NMC811": "NCM811",
    "镍钴铝": "NCA",
} | {c: c for c in CHEMISTRIES}
_HEADER_STRIP = re.compile(r"[\s_\-()\[\]%（）【】]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
    r"|^(\d{4})(\d\d)(\d\d)$"
)


def decode(data: bytes) -> tuple[str, str] | None:
    """The text and the encoding name, or None when neither UTF-8/16 nor GB18030 fits."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        attempts = ["utf-8-sig"]
    elif b"\x00" in data:
        return None  # binary, e.g. an .xlsx workbook
    else:
        attempts = ["utf-8", "gb18030"]  # GB18030 is a superset of GBK and GB2312
    for name in attempts:
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    return None


def header_key(name: str) -> str | None:
    """The canonical column for a header cell (English or Chinese alias), or None."""
    norm = _HEADER_STRIP.sub("", unicodedata.normalize("NFKC", name).casefold())
    return _HEADER_ALIASES.get(norm)


def parse_decimal(text: str) -> Decimal | None:
    """A finite Decimal from '1,234.5', full-width digits, or None (⁵⁰⁰ and ٣ too)."""
    s = fold_full_width(text).strip()
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(s):  # no exponent (1e999999), NaN, inf or 5,000 digits
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_date(text: str) -> date | None:
    """A date from 2018-03-05, 2018/3/5, 2018.3.5, 2018年3月5日, 20180305 (time part ignored)."""
    m = _DATE.match(fold_full_width(text).strip())
    if not m:
        return None
    y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
    try:
        return date(y, mo, d)
    except ValueError:
        return None


#: Names written beside a chemistry's code, as lithloop's own labels show it ("磷酸铁锂 LFP",
#: "三元 NCM523", "NCM523 (nickel cobalt manganese 523)"): normalised like parse_chemistry.
_CHEM_NAMES = {
    "LFP": ("磷酸铁锂", "LITHIUMIRONPHOSPHATE", "LIFEPO4"),
    "NCM523": ("三元", "三元锂", "NICKELCOBALTMANGANESE523"),
    "NCM622": ("三元", "三元锂", "NICKELCOBALTMANGANESE622"),
    "NCM811": ("三元", "三元锂", "NICKELCOBALTMANGANESE811"),
    "NCA": ("镍钴铝", "NICKELCOBALTALUMINIUM", "NICKELCOBALTALUMINUM"),
    "LMO": ("锰酸锂", "LITHIUMMANGANESEOXIDE"),
    "LCO": ("钴酸锂", "LITHIUMCOBALTOXIDE"),
}
#: The codes and their ASCII aliases, longest first (NCM523 before NCA's shorter letters).
_CHEM_TOKENS = sorted((a for a in _CHEM_ALIASES if a.isascii()), key=len, reverse=True)
#: Ternary (NCM) written without its type: which NCM it is changes the recycling value.
_UNSPECIFIED_NCM = frozenset(
    {"三元", "三元锂", "三元锂电", "三元锂电池", "三元电池", "三元材料", "镍钴锰", "镍钴锰酸锂"}
    | {"NCM", "NMC", "TERNARY", "TERNARYLITHIUM"}
)


def _chem_key(text: str) -> str:
    return re.sub(r"[\s\-_/()（）]", "", unicodedata.normalize("NFKC", text)).upper()


def parse_chemistry(text: str) -> str | None:
    """One of CHEMISTRIES from a name or alias (LiFePO4, 磷酸铁锂, NMC811...), or a label
    naming one code and that code's name ("磷酸铁锂 LFP", "三元 NCM523"), or None."""
    s = _chem_key(text)
    if s in _CHEM_ALIASES:
        return _CHEM_ALIASES[s]
    for token in _CHEM_TOKENS:
        rest = s.removeprefix(token) if s.startswith(token) else s.removesuffix(token)
        if rest != s and rest in _CHEM_NAMES[_CHEM_ALIASES[token]]:
            return _CHEM_ALIASES[token]
    return None


def is_unspecified_ncm(text: str) -> bool:
    """True for a ternary chemistry without its NCM type (三元, 三元锂, NCM, ...)."""
    return _chem_key(text) in _UNSPECIFIED_NCM
