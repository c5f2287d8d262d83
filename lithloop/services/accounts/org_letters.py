"""Letters to an organisation's people when the park suspends or reactivates it, to
a colleague removed from it (or who left it), and to one whose account the park disabled
or enabled again.

Each is mailed in the recipient's own language through the outbox (lithloop.letters), in
the transaction that makes the change (the caller commits): the reason as typed, and whom
to call (the park's phone: park_contact).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop import letters
from lithloop.models import Organisation, Role, User
from lithloop.services.accounts.park_contact import call_the_park


def status_changed(org: Organisation, *, suspended: bool, reason: str) -> int:
    """Tell the organisation's enabled users it was suspended or reactivated; returns how
    many letters were queued."""
    recipients = [user for user in org.users if user.enabled]
    for user in recipients:
        if suspended:
            letters.send_letter(
                user,
                _l("%(org)s: suspended by the park"),
                _l(
                    "Your organisation %(org)s has been suspended by the park.\n"
                    "Reason: %(reason)s\n\n"
                    "While it is suspended, its people cannot sign in, its API tokens are "
                    "refused and its open bookings are not planned. Orders not yet paid are "
                    "cancelled; orders already paid are not. Nothing is deleted.\n\n%(call)s\n"
                ),
                org=org.name,
                reason=reason,
                call=call_the_park(),
            )
        else:
            letters.send_letter(
                user,
                _l("%(org)s: reactivated by the park"),
                _l(
                    "Your organisation %(org)s has been reactivated by the park.\n"
                    "Reason: %(reason)s\n\n"
                    "Its people can sign in again, its API tokens work again and its open "
                    "bookings are planned again. Log in: %(link)s\n\n%(call)s\n"
                ),
                org=org.name,
                reason=reason,
                link=letters.link("auth.login"),
                call=call_the_park(),
            )
    return len(recipients)


def removed(colleague: User, by: User, reason: str, *, invited: bool) -> None:
    """Tell a colleague removed from their organisation (by `by`, or themselves when they
    left; `invited`: their invitation was still open), or whose account an administrator
    (`by`) disabled, that their account is disabled, and why when a reason was given (the
    caller commits)."""
    params = {
        "org": colleague.organisation.name,
        "name": by.name,
        "reason": _l("Reason: %(reason)s", reason=reason) if reason else "",
        "call": call_the_park(),
    }
    if by.role is Role.ADMIN and by.id != colleague.id:
        subject = _l("Your lithloop account was disabled")
        body = _l(
            "The park disabled your lithloop account %(email)s: it can no longer log in or "
            "use its API tokens. What it booked or ordered stays with %(org)s.\n%(reason)s"
            "\n\nOnly the park can enable the account again. %(call)s\n"
        )
        params["email"] = colleague.email
    elif by.id == colleague.id:
        subject = _l("You left %(org)s")
        body = _l(
            "You left %(org)s on lithloop: this account can no longer log in or use its API "
            "tokens. Only the park can enable it again.\n\n%(call)s\n"
        )
    elif invited:
        subject = _l("%(org)s: your invitation was withdrawn")
        body = _l(
            "%(name)s withdrew your invitation to %(org)s on lithloop: the link in the "
            "invitation e-mail no longer works.\n%(reason)s\n\n%(call)s\n"
        )
    else:
        subject = _l("%(org)s: you were removed")
        body = _l(
            "%(name)s removed you from %(org)s on lithloop: this account can no longer log in "
            "or use its API tokens. What it booked or ordered stays with the organisation.\n"
            "%(reason)s\n\nOnly the park can enable the account again. %(call)s\n"
        )
    letters.send_letter(colleague, subject, body, **params)


def enabled_again(user: User) -> None:
    """Tell one whose account the park enabled again that it can log in (the caller
    commits)."""
    letters.send_letter(
        user,
        _l("Your lithloop account is enabled again"),
        _l(
            "The park enabled your lithloop account %(email)s again. Log in: %(link)s\n"
            "If you do not know the password, use 'Forgot your password?' there.\n\n%(call)s\n"
        ),
        email=user.email,
        link=letters.link("auth.login"),
        call=call_the_park(),
    )
