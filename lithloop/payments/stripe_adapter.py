"""Every call lithloop makes to Stripe: PaymentIntents in CNY (fen), refunds, webhooks.

The only module that imports `stripe` (its refund calls are in stripe_refunds.py). Stripe
objects never leave it: callers get `Intent` dataclasses and plain dicts, and `PaymentError`
instead of the SDK's exceptions."""

from __future__ import annotations

from dataclasses import dataclass

import requests
import stripe

from lithloop.payments.stripe_refunds import RefundCalls

CURRENCY = "cny"


class PaymentError(Exception):
    """Stripe refused or could not be reached; `declined` when the card was refused.

    `unreachable`: no answer from Stripe (refused connection or timeout); `timed_out`: the
    request was sent but no answer came in time, so Stripe may have acted on it."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        declined: bool = False,
        unreachable: bool = False,
        timed_out: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.declined = declined
        self.unreachable = unreachable or timed_out
        self.timed_out = timed_out


class SignatureError(Exception):
    """A webhook payload whose signature does not verify."""


@dataclass(frozen=True)
class Intent:
    """What lithloop keeps of a PaymentIntent."""

    id: str
    client_secret: str
    status: str
    amount_fen: int
    next_action: dict | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        """True when the money was taken."""
        return self.status == "succeeded"


def _intent(obj) -> Intent:
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    error = data.get("last_payment_error") or None
    return Intent(
        id=data["id"],
        client_secret=data.get("client_secret") or "",
        status=data.get("status") or "",
        amount_fen=int(data.get("amount") or 0),
        next_action=data.get("next_action") or None,
        error=(error or {}).get("message") if error else None,
    )


def _call(work, timeout_s: float = 0):
    try:
        return work()
    except stripe.APIConnectionError as exc:
        if isinstance(exc.__cause__, requests.exceptions.ReadTimeout):
            raise PaymentError(
                f"Stripe did not answer within {timeout_s:g} s", code="timeout", timed_out=True
            ) from exc
        if isinstance(exc.__cause__, requests.exceptions.Timeout):
            raise PaymentError(
                f"Stripe could not be reached within {timeout_s:g} s",
                code="unreachable",
                unreachable=True,
            ) from exc
        raise PaymentError(
            exc.user_message or str(exc), code="unreachable", unreachable=True
        ) from exc
    except stripe.CardError as exc:
        raise PaymentError(
            exc.user_message or str(exc), code=exc.code or "card_declined", declined=True
        ) from exc
    except stripe.StripeError as exc:
        raise PaymentError(exc.user_message or str(exc), code=exc.code or "stripe_error") from exc


class StripeGateway(RefundCalls):
    """A configured Stripe client (real Stripe, or a local fake server at `api_base`).

    Each try of a call waits at most `timeout_s` for Stripe (to connect, and between bytes
    of the answer); a call is tried `max_retries` more times after a network error."""

    def __init__(
        self,
        secret_key: str,
        api_base: str = "",
        *,
        local: bool = False,
        timeout_s: float = 5.0,
        max_retries: int = 1,
    ):
        options = {
            "max_network_retries": max_retries,
            "http_client": stripe.RequestsClient(timeout=timeout_s),
        }
        if api_base:
            options["base_addresses"] = {"api": api_base}
        self.client = stripe.StripeClient(secret_key, **options)
        self.timeout_s = timeout_s
        self.local = local or bool(api_base)
        self.test_mode = secret_key.startswith("sk_test_") or self.local

    def _call(self, work):
        return _call(work, self.timeout_s)

    def create_intent(
        self,
        amount_fen: int,
        *,
        idempotency_key: str,
        metadata: dict | None = None,
        wallets: tuple[str, ...] = (),
    ) -> Intent:
        """A PaymentIntent for `amount_fen` fen in CNY, awaiting a payment method.

        `wallets` ("alipay", "wechat_pay") are offered besides cards where the account has
        them; the local fake server knows cards only, so it never gets them."""
        params = {
            "amount": int(amount_fen),
            "currency": CURRENCY,
            "metadata": {k: str(v) for k, v in (metadata or {}).items()},
        }
        if not self.local:
            params["payment_method_types"] = ["card", *wallets]
            if "wechat_pay" in wallets:
                params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        return self._call(
            lambda: _intent(
                self.client.v1.payment_intents.create(
                    params=params, options={"idempotency_key": idempotency_key}
                )
            )
        )

    def confirm(
        self,
        intent_id: str,
        payment_method: str,
        *,
        idempotency_key: str,
        return_url: str | None = None,
    ) -> Intent:
        """Set the payment method, then confirm (a declined card raises PaymentError)."""
        intents = self.client.v1.payment_intents
        self._call(
            lambda: intents.update(
                intent_id,
                params={"payment_method": payment_method},
                options={"idempotency_key": f"{idempotency_key}-pm"},
            )
        )
        params = {} if self.local or not return_url else {"return_url": return_url}
        return self._call(
            lambda: _intent(
                intents.confirm(
                    intent_id, params=params, options={"idempotency_key": idempotency_key}
                )
            )
        )

    def create_setup(self, *, idempotency_key: str, metadata: dict | None = None) -> str:
        """A SetupIntent for one card entered in Stripe.js; returns its client secret."""
        params = {"metadata": {k: str(v) for k, v in (metadata or {}).items()}}
        if not self.local:
            params["payment_method_types"] = ["card"]
        setup = self._call(
            lambda: self.client.v1.setup_intents.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        )
        return setup.client_secret

    def retrieve(self, intent_id: str) -> Intent:
        """The PaymentIntent as Stripe has it now."""
        return self._call(lambda: _intent(self.client.v1.payment_intents.retrieve(intent_id)))

    def cancel(self, intent_id: str) -> Intent:
        """Cancel a PaymentIntent that has not succeeded."""
        return self._call(lambda: _intent(self.client.v1.payment_intents.cancel(intent_id)))

    def unrefunded(self, intent_id: str) -> int:
        """What Stripe has not refunded yet of a PaymentIntent's charge, in fen (0 when it
        has no charge): refunds made elsewhere (Stripe's dashboard) already taken off."""

        def work():
            intent = self.client.v1.payment_intents.retrieve(
                intent_id, params={"expand": ["latest_charge"]}
            )
            charge = intent.to_dict().get("latest_charge")
            if isinstance(charge, str):  # not expanded
                charge = self.client.v1.charges.retrieve(charge).to_dict()
            if not charge:
                return 0
            captured = charge.get("amount_captured", charge.get("amount")) or 0
            return max(int(captured) - int(charge.get("amount_refunded") or 0), 0)

        return self._call(work)

    def card_method(self, number: str) -> str:
        """A card PaymentMethod from a test card number (test mode only)."""
        if not self.test_mode:
            raise PaymentError("Card numbers are only accepted in test mode.", code="live_mode")
        card = {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
        return self._call(
            lambda: self.client.v1.payment_methods.create(params={"type": "card", "card": card})
        ).id

    def test_authenticate(self, intent: Intent, success: bool) -> Intent:
        """Complete (or fail) a 3-D Secure challenge on the local fake server."""
        if not self.local:
            raise PaymentError(
                "Simulated 3-D Secure needs the local test server.", code="live_mode"
            )
        raw = self._call(
            lambda: self.client.raw_request(
                "post",
                f"/v1/payment_intents/{intent.id}/_authenticate",
                client_secret=intent.client_secret,
                success="true" if success else "false",
            )
        )
        return _intent(self.client.deserialize(raw, api_mode="V1"))


def verify_event(payload: bytes, signature_header: str, secret: str) -> dict:
    """The event of a webhook request, after checking its Stripe-Signature header."""
    if not secret:
        raise SignatureError("no webhook secret configured")
    try:
        event = stripe.Webhook.construct_event(payload, signature_header or "", secret)
        return event.to_dict()
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise SignatureError(str(exc)) from exc
    except (AttributeError, TypeError, RecursionError) as exc:  # signed, but not an event
        raise SignatureError(f"malformed event: {type(exc).__name__}") from exc
