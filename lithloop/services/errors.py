"""Errors raised by services; the web layer turns each into a 4xx with its message.

ServiceError
 ├── Invalid      (422)  input a person can correct; names the field
 ├── NotFound     (404)  absent, or belongs to another organisation
 ├── Forbidden    (403)  the role may not do this
 ├── Conflict     (409)  the state changed under you (taken e-mail, full day, sold pack)
 ├── TooMany      (429)  a limit on how often reached (invitations an organisation sends)
 └── AuthError    (401)  bad credentials or an account that may not log in yet
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Codes shared by every domain; each domain's errors.Code holds its own."""

    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"


class ServiceError(Exception):
    """A failure a person can act on, with a stable code and a message."""

    status = 400
    code = "error"

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code

    def to_dict(self) -> dict:
        """The JSON body the API answers with."""
        body = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        return body


class Invalid(ServiceError):
    status = 422
    code = "invalid"


class FieldsRefused(Invalid):
    """Several fields refused at once, each with its reason (`fields`, in the form's order):
    the person corrects them all, not one a submit. The message is the first one."""

    def __init__(self, fields: dict[str, object]):
        field, message = next(iter(fields.items()))
        super().__init__(message, field=field)
        self.fields = fields


class FieldChecks:
    """Checks of a form's fields run one after another, each refusal kept by its field, so
    that all of them are named at once (`done` raises FieldsRefused if any)."""

    def __init__(self):
        self.refused: dict[str, object] = {}

    def __call__(self, parse, *args):
        """parse(*args), or None when it refuses (Invalid): the refusal is kept."""
        try:
            return parse(*args)
        except Invalid as exc:
            self.refused[exc.field or "_form"] = exc.message
            return None

    def done(self) -> None:
        """FieldsRefused naming every refusal kept, if any."""
        if self.refused:
            raise FieldsRefused(self.refused)


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class TooMany(ServiceError):
    status = 429
    code = "too_many"


class AuthError(ServiceError):
    status = 401
    code = "unauthorised"
