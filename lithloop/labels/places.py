"""What a place is called: a bus company's sites are depots (停保场), a dealer's and
everyone else's are sites (网点). The one rule every page uses to pick the word."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop.vocab import OrgKind, SiteKind

#: Each wording as (a site's, a depot's).
PLACE_WORDS = {
    "one": (_l("Site"), _l("Depot")),
    "many": (_l("Sites"), _l("Depots")),
    "add": (_l("Add a site"), _l("Add a depot")),
    "name": (_l("Site name"), _l("Depot name")),
    "name_missing": (_l("Enter the site's name."), _l("Enter the depot's name.")),
    "name_taken": (  # %(name)s: filled in by the caller (services.booking.sites)
        _l("You have a site named %(name)s already: book at it, or name this one otherwise."),
        _l("You have a depot named %(name)s already: book at it, or name this one otherwise."),
    ),
    "edit": (_l("Edit site"), _l("Edit depot")),
    "saved": (_l("Site saved."), _l("Depot saved.")),
    "add_first": (
        _l("Add a site first: the park needs to know where to pick up."),
        _l("Add a depot first: the park needs to know where to pick up."),
    ),
    "place_pin": (_l("Click to place the site"), _l("Click to place the depot")),
    "yours": (_l("Your sites"), _l("Your depots")),
    "none_yet": (
        _l("No sites yet. Add the place where the park should pick up your packs."),
        _l("No depots yet. Add the depot where the park should pick up your packs."),
    ),
    "the_map": (_l("Map of the sites"), _l("Map of the depots")),
    "place_it": (  # the site form's hint when no position is set
        _l(
            "Place the site: press \u201cLocate the address on the map\u201d or click the map "
            "where it is."
        ),
        _l(
            "Place the depot: press \u201cLocate the address on the map\u201d or click the map "
            "where it is."
        ),
    ),
    "window_unreachable": (  # why a plan left a booking out (labels.dispatch)
        _l("No truck can reach the site within its time window during a shift."),
        _l("No truck can reach the depot within its time window during a shift."),
    ),
    "out_of_range": (
        _l("The site is beyond the trucks' range in a working day."),
        _l("The depot is beyond the trucks' range in a working day."),
    ),
    "map": (_l("Map of your sites"), _l("Map of your depots")),
}


def is_depot(subject: object) -> bool:
    """True for a bus company's place: a bus depot, a bus company, or one of its users."""
    if subject is None:
        return False
    kind = getattr(subject, "kind", None)
    if kind is None and getattr(subject, "organisation", None) is not None:
        kind = subject.organisation.kind  # a user: the kind of their organisation
    return kind in (SiteKind.BUS_DEPOT, OrgKind.BUS_COMPANY)


def place_word(key: str, subject: object) -> str:
    """The wording `key` of PLACE_WORDS for the subject's places, in the current language."""
    site_word, depot_word = PLACE_WORDS[key]
    return str(depot_word if is_depot(subject) else site_word)
