"""Printable documents of a planned route: the manifest and the dangerous-goods document."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/routes")
