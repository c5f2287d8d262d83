"""POST /api/v1/auth/token: trade e-mail and password for a bearer token."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint

from lithloop.services.accounts import api_tokens, sign_in
from lithloop.web.api.common import WholeNumber, errors
from lithloop.web.auth import login_limit
from lithloop.web.rate_limits import LOGIN_SCOPE, rate_limited

blp = Blueprint(
    "api_auth",
    __name__,
    url_prefix="/api/v1/auth",
    description="API tokens for organisations' own systems",
)


class TokenRequest(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=254))
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    name = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))
    expires_in_days = WholeNumber(
        load_default=None,
        validate=ma.validate.Range(min=1, max=api_tokens.MAX_DAYS),
        metadata={"description": "Lifetime in days (default API_TOKEN_DAYS, 90)"},
    )


class TokenResponse(ma.Schema):
    token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True)
    expires_at = ma.fields.DateTime(required=True)
    user = ma.fields.Dict(required=True)


@blp.route("/token", methods=["POST"])
@rate_limited(login_limit, scope=LOGIN_SCOPE)  # one count with the login page
@blp.arguments(TokenRequest())
@blp.response(201, TokenResponse)
@errors(blp, 400, 401, 413, 429, s401="Wrong credentials or account not approved yet")
def issue_token(body):
    """Issue a bearer token; it is shown once. It expires (expires_at), and its user can
    list and revoke it on the account page (/account)."""
    user = sign_in.check_credentials(
        body["email"], body["password"], address=request.remote_addr or ""
    )
    token = api_tokens.issue_api_token(user, body["name"], body["expires_in_days"])
    expires_at = api_tokens.expiry_of(token)
    return {
        "token": token,
        "token_type": "Bearer",
        "expires_at": expires_at,
        "user": {
            "id": user.id,
            "email": user.email,
            "role": user.role.value,
            "organisation_id": user.organisation_id,
        },
    }
