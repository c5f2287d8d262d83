"""Each field's errors in a 422 are a list of messages, also when the message was raised
lazily translated (marshmallow wraps only a plain str in a list: a client iterating a
field's errors got the characters of one message)."""

from __future__ import annotations

import pytest

from lithloop.models import Role
from tests.web.test_routing_api import bearer

# (role, method, path, body, location, field)
REFUSED = [
    (Role.DISPATCHER, "post", "/api/v1/plans/runs", {"date": "9999-12-31"}, "json", "date"),
    (Role.DEALER_STAFF, "get", "/api/v1/calendar?from=9999-01-01", None, "query", "from"),
    (Role.DEALER_STAFF, "post", "/api/v1/sites/", {"name": "A", "lat": 44.5}, "json", "lon"),
    (
        Role.DEALER_STAFF,
        "post",
        "/api/v1/quotes/scrap",
        {"chemistry": "LFP", "form": "pack", "mass_kg": 100},
        "json",
        "distance_km",
    ),
]


@pytest.mark.parametrize(("role", "method", "path", "body", "location", "field"), REFUSED)
@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_fields_errors_are_a_list_of_messages(
    client, role, method, path, body, location, field, language
):
    auth = bearer(client, role)
    call = getattr(client, method)
    response = call(path, json=body, headers={**auth, "Accept-Language": language})
    assert response.status_code == 422, response.json
    messages = response.json["errors"][location][field]
    assert isinstance(messages, list) and messages, messages
    assert all(isinstance(m, str) and len(m) > 5 for m in messages), messages
    assert messages[0] in response.json["message"]
