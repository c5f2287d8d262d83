"""A plant operator who made several mistakes on the assembly form sees every one at once,
each beside its field; nothing is built, no parent consumed."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackState
from tests import worlds
from tests.conftest import submit
from tests.plant_world import make_pack
from tests.web.test_lines_settlements import assembly_form, text

world = worlds.plant_staff


def _errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'id="err-(\w+)">([^<]+)<', page))


def test_every_mistake_of_the_assembly_form_is_shown_beside_its_field(client, auth, world):
    parent = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    form = {
        **assembly_form(parent),
        "insulation_ok": "1",
        "mass_kg": "heavy",  # not a number: refused as the form is read
        "soh_pct": "140",  # out of range: refused by the rules
        "warranty_months": "999",  # out of range too
    }
    page = submit(client, "/plant/assembly", form)
    found = _errors(text(page))
    assert page.status_code == 422
    assert {"mass_kg", "soh_pct", "warranty_months"} <= set(found), found
    assert db.session.scalar(sa.select(Pack).where(Pack.refurbished.is_(True))) is None
    db.session.refresh(parent)
    assert parent.state is PackState.FINISHED


def test_an_unusable_parent_is_said_beside_the_parents_with_the_other_mistakes(client, auth, world):
    parent = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    form = {
        **assembly_form(parent),
        "insulation_ok": "1",
        "parent_codes": "NO-SUCH-PACK",
        "rated_wh": "0",
        "use_case": "boat",
    }
    found = _errors(text(submit(client, "/plant/assembly", form)))
    assert {"parents", "rated_wh", "use_case"} <= set(found), found
    assert "NO-SUCH-PACK" in found["parents"]
