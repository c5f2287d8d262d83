"""Geocoding for sites: the offline gazetteer by default, Nominatim when configured."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.geo.geocoders import Geocoder, GeocodeResult, GeocodingUnavailable, get_geocoder
from lithloop.i18n import current_language, listed
from lithloop.services.errors import Invalid, ServiceError
from lithloop.services.strict_input import check_direction

_CACHE_KEY = "lithloop.geocoder"


class GeocoderDown(ServiceError):
    status = 503
    code = "geocoder_unavailable"


def geocoder() -> Geocoder:
    """The configured geocoder, built once per app (it keeps its own cache)."""
    app = current_app._get_current_object()
    if _CACHE_KEY not in app.extensions:
        cfg = app.config
        if cfg["GEOCODER"] == "nominatim":
            app.extensions[_CACHE_KEY] = get_geocoder(
                "nominatim",
                domain=cfg["NOMINATIM_DOMAIN"],
                scheme=cfg["NOMINATIM_SCHEME"],
                user_agent=cfg["NOMINATIM_USER_AGENT"],
                timeout=cfg["NOMINATIM_TIMEOUT_S"],
            )
        else:
            app.extensions[_CACHE_KEY] = get_geocoder("gazetteer")
    return app.extensions[_CACHE_KEY]


#: City, district and address fields together (SiteForm: 100 + 100 + 300, and spaces).
MAX_ADDRESS_CHARS = 510


def locate(address: str) -> GeocodeResult:
    """Coordinates for an address, or Invalid(field='address') suggesting close names."""
    address = (address or "").strip()
    if not address:
        raise Invalid(_l("Enter an address or a place to locate."), field="address")
    check_direction(address, "address")  # reversed text names no place: say so, as saving does
    if len(address) > MAX_ADDRESS_CHARS:  # fuzzy suggestions grow with the length: ~1 min for 20k
        raise Invalid(
            _l("An address to locate has at most %(n)s characters.", n=MAX_ADDRESS_CHARS),
            field="address",
        )
    coder = geocoder()
    chinese = current_language() == "zh_CN"  # place names in the reader's language
    try:
        result = coder.geocode(address, chinese=chinese)
    except GeocodingUnavailable as exc:
        raise GeocoderDown(
            _l(
                "The map service is not answering; type the coordinates instead or try again later."
            ),
            field="address",
        ) from exc
    if result is None:
        close = list(coder.suggest(address, chinese=chinese))
        if not close:  # nothing to ask "did you mean" about: say what to do instead
            raise Invalid(
                _l("No place found for this address. Check it and name its city or county."),
                field="address",
            )
        suggestions = listed(close)  # "a, b" in English, "a、b" in Chinese
        raise Invalid(
            _l("No place found for this address. Did you mean: %(s)s?", s=suggestions),
            field="address",
        )
    return result
