"""Accounts: people, organisations, signing in, API tokens, the audit log, policies.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "api_tokens",
    "approvals",
    "audit",
    "buyer_company",
    "colleagues",
    "lockout",
    "org_admin",
    "park_contact",
    "park_people",
    "login_sessions",
    "password_reset",
    "passwords",
    "policies",
    "registration",
    "registration_confirm",
    "sign_in",
    "user_admin",
    "errors",
]
