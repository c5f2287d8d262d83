"""An order is named by its number in one form everywhere: "#14" / "订单 #14", never
"order 14", "订单 14" or "订单号 14" (pages, refusals and letters alike)."""

from __future__ import annotations

import re

import flask
import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from lithloop.services.market import checkout
from lithloop.services.market.checkout import PaymentUnavailable
from tests.market.support import list_packs, make_buyer
from tests.source_messages import CATALOG, source_messages

#: An order's number written without its "#": "order 14", "order number 14", "订单 14",
#: "订单号 14" (a count such as "一个订单最多 %(n)s 个" names no order).
_ENGLISH = re.compile(r"\border(?: number| no\.?)?\s+%\((\w+)\)[sd]", re.IGNORECASE)
_CHINESE = re.compile(r"订单(?:号|编号)?\s*%\((\w+)\)[sd](?!\s*个)")


def order_numbers_without_hash(text: str) -> list[str]:
    """The places in `text` that name an order by number without the '#'."""
    return [m.group(0) for m in (*_ENGLISH.finditer(text), *_CHINESE.finditer(text))]


def test_the_check_finds_each_old_form_and_passes_the_new_one():
    assert order_numbers_without_hash("order %(id)s keeps your packs") == ["order %(id)s"]
    assert order_numbers_without_hash("Give order number %(id)s at the gate") != []
    assert order_numbers_without_hash("未扣任何款项；订单 %(id)s 为您保留") == ["订单 %(id)s"]
    assert order_numbers_without_hash("出示订单号 %(id)s 和") == ["订单号 %(id)s"]
    assert order_numbers_without_hash("order #%(id)s keeps; 订单 #%(id)s 为您") == []
    assert order_numbers_without_hash("一个订单最多 %(n)s 个电池包") == []


def test_every_message_names_an_order_as_hash_number_in_both_languages():
    # Before: the checkout refusal with Stripe down ("订单 14 为您保留…"), an accepted
    # quote's refusal ("（订单 14）") and the pickup instruction ("订单号 14").
    used = source_messages()
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not message.id or ids[0] not in used:
            continue
        texts = ids + (message.string if isinstance(message.string, tuple) else (message.string,))
        found += [(ids[0], hit) for text in texts for hit in order_numbers_without_hash(text)]
    assert found == []


@pytest.fixture
def stripe_down(app):
    """Stripe configured at an address where nothing answers (connection refused), in the
    app whose context the test body runs in."""
    here = flask.current_app._get_current_object()
    here.config.update(
        STRIPE_SECRET_KEY="sk_test_down",
        STRIPE_API_BASE="http://127.0.0.1:9",
        STRIPE_MAX_NETWORK_RETRIES=0,
    )
    here.extensions.pop("lithloop_payments", None)
    return here


@pytest.mark.parametrize(
    ("lang", "said", "old"),
    [("zh_CN", "订单 #{id} 为您保留", "订单 {id} "), ("en", "order #{id} keeps", "order {id} ")],
)
def test_the_refusal_when_stripe_is_down_writes_hash_number(stripe_down, lang, said, old):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    with pytest.raises(PaymentUnavailable) as refused:
        checkout.checkout(buyer, [{"pack_id": pack.id}])
    order_id = refused.value.order_id
    with force_locale(lang):
        text = str(refused.value.message)
    assert said.format(id=order_id) in text and old.format(id=order_id) not in text
