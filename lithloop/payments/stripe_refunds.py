"""StripeGateway's refund calls: refund a PaymentIntent, find a refund made before under a
key, list a PaymentIntent's or a charge's refunds. Stripe objects never leave: callers get
plain values and dicts (stripe_adapter.py's `_call` turns the SDK's errors into PaymentError)."""

from __future__ import annotations


class RefundCalls:
    """Mixed into StripeGateway, whose `client` and `_call` (with its timeout) these use."""

    def refund(
        self, intent_id: str, amount_fen: int, *, idempotency_key: str, metadata: dict | None = None
    ) -> str:
        """Refund `amount_fen` of a succeeded PaymentIntent; returns the refund id."""
        return self.create_refund(
            intent_id, amount_fen, idempotency_key=idempotency_key, metadata=metadata
        )[0]

    def create_refund(
        self, intent_id: str, amount_fen: int, *, idempotency_key: str, metadata: dict | None = None
    ) -> tuple[str, str]:
        """Refund `amount_fen` of a succeeded PaymentIntent: (refund id, Stripe's status, e.g.
        `pending` until the money is on its way). The key goes in the refund's metadata too
        (Stripe shows no key): refund_made finds it again."""
        metadata = {**(metadata or {}), "idempotency_key": idempotency_key}
        params = {
            "payment_intent": intent_id,
            "amount": int(amount_fen),
            "metadata": {k: str(v) for k, v in metadata.items()},
        }
        refund = self._call(
            lambda: self.client.v1.refunds.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        )
        return refund.id, str(refund.status or "succeeded")

    def refund_made(self, intent_id: str, idempotency_key: str) -> tuple[str, int, str] | None:
        """The refund of a PaymentIntent that refund() made under `idempotency_key` (one whose
        answer was kept but not booked): (id, amount in fen, Stripe's status), or None."""

        def work():
            for data in self._listed({"payment_intent": intent_id}):
                key = (data.get("metadata") or {}).get("idempotency_key")
                if key == idempotency_key and data.get("status") not in ("failed", "canceled"):
                    return data["id"], int(data["amount"]), str(data.get("status") or "")
            return None

        return self._call(work)

    def intent_refunds(self, intent_id: str) -> list[dict]:
        """Every refund of a PaymentIntent, newest first, as plain dicts (`id`, `amount`,
        `created`, `status`)."""
        return self._call(lambda: self._listed({"payment_intent": intent_id}))

    def charge_refunds(self, charge_id: str) -> list[dict]:
        """Every refund of a charge, newest first, as plain dicts (`id`, `amount`, `created`,
        `status`): newer API versions leave them out of the charge unless expanded."""
        return self._call(lambda: self._listed({"charge": charge_id}))

    def _listed(self, params: dict) -> list[dict]:
        """Every refund Stripe lists for `params` (a PaymentIntent or a charge), newest first,
        as plain dicts; the caller wraps it in `_call`."""
        made = self.client.v1.refunds.list(params={**params, "limit": 100})
        return [refund.to_dict() for refund in made.auto_paging_iter()]
