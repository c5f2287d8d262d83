"""Fragments pages poll into themselves (htmx): a browser opening one gets its page."""

from __future__ import annotations

from flask import make_response, redirect, request


def asked_by_htmx() -> bool:
    """True when htmx asked (it sends "HX-Request: true"; a typed address or link does not)."""
    return request.headers.get("HX-Request", "").strip().lower() == "true"


def page_instead(page_url: str):
    """A redirect to the page that shows the fragment (a bare fragment has no layout, styles
    or navigation), varying on HX-Request so that no cache serves one for the other."""
    response = redirect(page_url)
    response.vary.add("HX-Request")
    return response


def for_htmx(body: str):
    """The fragment's response, varying on HX-Request (see page_instead)."""
    response = make_response(body)
    response.vary.add("HX-Request")
    return response
