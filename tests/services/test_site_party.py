"""How a document names a site and its organisation: each once, neither lost."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lithloop.services.booking.sites import party


def _site(org: str | None, name: str | None):
    organisation = SimpleNamespace(name=org) if org is not None else None
    return SimpleNamespace(organisation=organisation, name=name)


@pytest.mark.parametrize(
    ("org", "name", "said"),
    [
        ("东安汽车经销店", "东安汽车经销店", "东安汽车经销店"),  # the demo: one name
        ("东安汽车经销店", "东安汽车经销店东安网点", "东安汽车经销店东安网点"),
        ("龙江公交集团", "公交", "龙江公交集团 · 公交"),  # a part of the name is kept
        ("龙江公交集团", "东站停车场", "龙江公交集团 · 东站停车场"),
        ("龙江公交集团", "", "龙江公交集团"),
        (None, "东站停车场", "东站停车场"),
    ],
)
def test_each_name_is_said_once_and_none_is_lost(org, name, said):
    assert party(_site(org, name)) == said
