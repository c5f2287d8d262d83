"""POST /api/v1/webhooks/stripe: Stripe's events (signed; no login, no CSRF token)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from lithloop.extensions import csrf
from lithloop.services.market import webhooks as market_webhooks

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks")


@bp.post("/stripe")
@csrf.exempt
def stripe_webhook():
    """Verify the Stripe-Signature, apply the event once; 400 if the signature fails."""
    outcome = market_webhooks.receive(
        request.get_data(cache=False), request.headers.get("Stripe-Signature", "")
    )
    return jsonify({"received": True, "outcome": outcome}), 200
