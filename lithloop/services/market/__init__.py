"""Market: catalogue, checkout and stock holds, orders, payments, invoices, requests for quotation.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "cart",
    "catalog",
    "catalog_groups",
    "checkout",
    "delivery",
    "expiry",
    "invoices",
    "order_list",
    "order_letters",
    "orders",
    "order_cancel",
    "payments",
    "refunds",
    "refund_status",
    "refund_payback",
    "refund_shares",
    "repricing",
    "rfq",
    "rfq_admin",
    "rfq_spec",
    "webhooks",
    "errors",
]
