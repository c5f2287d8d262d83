"""Geocoders behind one registry: the offline gazetteer and geopy's Nominatim.

    geocoder = get_geocoder("gazetteer")
    geocoder = get_geocoder("nominatim", domain="nominatim.example.cn", scheme="https",
                            user_agent="lithloop/0.1 (ops@example.cn)")
    result = geocoder.geocode("黑龙江省牡丹江市阳明区")   # GeocodeResult or None

Precision of a result: "address" (a house or building), "street", "place" (a district,
county, town or city) or "area" (anything coarser or unknown).
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from lithloop.geo.gazetteer import Place, load_places


@dataclass(frozen=True)
class GeocodeResult:
    """A geocoded point with a label, a precision flag and the geocoder that found it."""

    lat: float
    lon: float
    label: str
    precision: str
    source: str


class GeocodingUnavailable(RuntimeError):
    """The geocoding service could not be reached or failed; the message says why."""


class UnknownGeocoder(LookupError):
    """No geocoder is registered under that name."""


class Geocoder(Protocol):
    """What every registered geocoder offers."""

    name: str

    def geocode(self, address: str, chinese: bool | None = None) -> GeocodeResult | None:
        """The best match for an address, or None (its label in Chinese or English when the
        geocoder knows both: `chinese`, else the address's own script)."""

    def suggest(self, address: str, limit: int = 5, chinese: bool | None = None) -> tuple[str, ...]:
        """Names close to an address that did not match (may be empty), named as geocode's."""


_REGISTRY: dict[str, Callable[..., Geocoder]] = {}


def register(name: str, factory: Callable[..., Geocoder] | None = None):
    """Register a geocoder factory under a name; usable as a decorator."""

    def add(f: Callable[..., Geocoder]) -> Callable[..., Geocoder]:
        _REGISTRY[name] = f
        return f

    return add(factory) if factory is not None else add


def get_geocoder(name: str, **config: Any) -> Geocoder:
    """A new geocoder of the registered kind, built with `config`."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownGeocoder(f"no geocoder named {name!r} (known: {known})") from None
    return factory(**config)


def available_geocoders() -> tuple[str, ...]:
    """Registered geocoder names, sorted."""
    return tuple(sorted(_REGISTRY))


# ---------------------------------------------------------------- gazetteer (offline)

_ZH_SUFFIX = re.compile(r"(市|县)$")  # not 区: 西安区 would match 西安市 (Shaanxi)
_EN_SUFFIX = re.compile(r"\s+(county|district)$")
_KIND_RANK = {"district": 2, "county": 2, "park": 2, "city": 1}


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _en_names(place: Place) -> list[str]:
    base = _fold(re.sub(r"\s*\(.*?\)", "", place.name_en))
    short = _EN_SUFFIX.sub("", base)
    return [base, short] if short != base and len(short) >= 3 else [base]


def _zh_names(place: Place) -> list[str]:
    short = _ZH_SUFFIX.sub("", place.name_zh)
    if short != place.name_zh and len(short) >= 2:
        return [place.name_zh, short]
    return [place.name_zh]


def _window_ratio(name: str, text: str) -> float:
    size = len(name)
    if len(text) <= size:
        return difflib.SequenceMatcher(None, name, text).ratio()
    return max(
        difflib.SequenceMatcher(None, name, text[i : i + size]).ratio()
        for i in range(len(text) - size + 1)
    )


def _name(place: Place, text: str, chinese: bool | None) -> str:
    """The place's Chinese or English name: as asked, else in the script of the text typed."""
    return place.name_zh if (_is_cjk(text) if chinese is None else chinese) else place.name_en


@register("gazetteer")
class GazetteerGeocoder:
    """Offline: finds one of the region's places named in the address (Chinese or English)."""

    name = "gazetteer"

    def __init__(self, places: tuple[Place, ...] | None = None) -> None:
        self.places = places if places is not None else load_places()

    def _score(self, place: Place, text: str) -> tuple[int, int, int] | None:
        # Specificity first (a district beats its city), then position (Chinese addresses
        # run large to small, so the later match wins; English small to large, the earlier).
        best = None
        rank = _KIND_RANK.get(place.kind, 1)
        for zh in _zh_names(place):
            if (at := text.rfind(zh)) >= 0:
                best = max(best or (0, 0, 0), (rank, at + len(zh), len(zh)))
        for en in _en_names(place):
            if m := re.search(rf"(?<![a-z]){re.escape(en)}(?![a-z])", text):
                best = max(best or (0, 0, 0), (rank, -m.start(), len(en)))
        return best

    def geocode(self, address: str, chinese: bool | None = None) -> GeocodeResult | None:
        """The most specific place named in the address, or None."""
        text = _fold(address or "")
        scored = [(k, -i, p) for i, p in enumerate(self.places) if (k := self._score(p, text))]
        if not text or not scored:
            return None
        place = max(scored, key=lambda s: s[:2])[2]
        return GeocodeResult(place.lat, place.lon, _name(place, text, chinese), "place", self.name)

    def suggest(self, address: str, limit: int = 5, chinese: bool | None = None) -> tuple[str, ...]:
        """Place names closest to the address, best first (ratio ≥ 0.5 on the best window)."""
        text = _fold(address or "")
        if not text:
            return ()
        ranked: list[tuple[float, str]] = []
        for place in self.places:
            names = _zh_names(place) + _en_names(place)
            ratio = max(_window_ratio(n, text) for n in names)
            if ratio >= 0.5:
                ranked.append((ratio, _name(place, text, chinese)))
        ranked.sort(key=lambda r: -r[0])
        return tuple(dict.fromkeys(label for _, label in ranked))[:limit]


# ---------------------------------------------------------------- Nominatim (geopy)

_PRECISION = {
    "house": "address",
    "building": "address",
    "house_number": "address",
    "road": "street",
    "street": "street",
    "residential": "street",
    "city": "place",
    "town": "place",
    "village": "place",
    "suburb": "place",
    "city_district": "place",
    "district": "place",
    "county": "place",
    "quarter": "place",
    "neighbourhood": "place",
    "hamlet": "place",
    "municipality": "place",
}


def _precision(raw: dict) -> str:
    kind = raw.get("addresstype") or raw.get("type") or ""
    return _PRECISION.get(kind, "area")


@register("nominatim")
class NominatimGeocoder:
    """geopy's Nominatim at a configured domain, LRU-cached and limited to 1 request/s."""

    name = "nominatim"

    def __init__(
        self,
        *,
        domain: str,
        user_agent: str,
        scheme: str = "https",
        timeout: float = 10,
        min_delay_seconds: float = 1.0,
        cache_size: int = 1024,
        country_codes: str | None = "cn",
        language: str | None = "zh-CN",
        proxies: dict | None = None,
    ) -> None:
        from geopy.adapters import RequestsAdapter
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        def one_try(*, proxies, ssl_context):  # geopy's default retries twice: 3 × timeout
            return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)

        self._nominatim = Nominatim(
            domain=domain,
            scheme=scheme,
            user_agent=user_agent,
            timeout=timeout,
            proxies=proxies,
            adapter_factory=one_try,
        )
        self._limited = RateLimiter(
            self._nominatim.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )
        self._options = {
            "country_codes": country_codes,
            "language": language,
            "addressdetails": True,
        }
        self._cache: OrderedDict[str, GeocodeResult | None] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.requests = 0  # requests sent (cache misses), for monitoring and tests

    def geocode(self, address: str, chinese: bool | None = None) -> GeocodeResult | None:
        """The first Nominatim hit, or None; GeocodingUnavailable on network/service errors.
        The label is Nominatim's own (in its configured language), whatever `chinese` says."""
        from geopy.exc import GeopyError

        key = _fold(address or "")
        if not key:
            return None
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        self.requests += 1
        try:
            location = self._limited(address.strip(), exactly_one=True, **self._options)
        except GeopyError as exc:
            raise GeocodingUnavailable(
                f"Nominatim at {self._nominatim.api} is unavailable: {exc}"
            ) from exc
        result = None
        if location is not None:
            result = GeocodeResult(
                float(location.latitude),
                float(location.longitude),
                location.address,
                _precision(location.raw),
                self.name,
            )
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def suggest(self, address: str, limit: int = 5, chinese: bool | None = None) -> tuple[str, ...]:
        """Nominatim gives no suggestions: always empty."""
        return ()
