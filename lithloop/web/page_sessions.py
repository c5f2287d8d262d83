"""Cookie sessions for the pages only: the JSON API authenticates by bearer token alone.

An API request gets Flask's null session, so it neither reads, verifies nor re-signs a
session cookie (the browser may send one: it means nothing there). Writing to it raises,
which keeps session state out of the API. The API's own HTML page (its documentation)
keeps the visitor's session, for the navigation and the language.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface

API_PREFIX = "/api/"
PAGES_UNDER_API = frozenset({"/api/v1/docs"})


def is_api_request(request: Request) -> bool:
    """True for the JSON API's paths (not its documentation page)."""
    return request.path.startswith(API_PREFIX) and request.path not in PAGES_UNDER_API


class PageSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions, except on the JSON API."""

    def open_session(self, app: Flask, request: Request):
        if is_api_request(request):
            return self.make_null_session(app)
        return super().open_session(app, request)
