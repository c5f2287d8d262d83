"""Accounts: people, organisations, signing in, API tokens, the audit log, policies.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "api_tokens",
    "audit",
    "buyer_company",
    "lockout",
    "login_sessions",
    "passwords",
    "policies",
    "registration",
    "user_admin",
    "errors",
]
