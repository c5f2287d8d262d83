"""Worlds built once per pytest process and backend, then copied into each module's database.

The authorisation matrix's world (tests/authz_world.py: the demo region with activity, then
other organisations' objects) takes seconds to build, and four modules each need one on a
database of their own. The first module to ask builds it into a template database (an
SQLite file; on PostgreSQL, a database of its own), with a localstripe whose objects are kept
in a state file; every module, the first included, then gets a copy of both: its own
database (a copy of the file; on PostgreSQL, CREATE DATABASE ... TEMPLATE) and its own
localstripe started on a copy of the state file. A module that changes its world changes
no other module's.

A template is reused only for the same world, backend and clock (the frozen moment when a
test froze it, the park's day otherwise: the world seeds today's bookings and plan, or the
coming open day's when today is closed), and only while it is young (TEMPLATE_MAX_AGE_S):
the world holds a buyer's reservation of RESERVATION_MINUTES (30) from the moment it was
built, which a module must find still running, as it did when each module built its own.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from lithloop.payments.localstripe_server import LocalStripe
from tests.demo_copies import clock_key

#: How long a template is copied after it was built (well inside the 30 min reservation).
TEMPLATE_MAX_AGE_S = 10 * 60


@dataclass
class Template:
    """A built world: its database, localstripe's state file, its value, when it was built."""

    url: str
    stripe_state: Path
    value: object
    built_at: float


@dataclass
class Copy:
    """A module's copy: its database URL, its localstripe, the world's value."""

    url: str
    stripe: LocalStripe
    value: object


_templates: dict[tuple, Template] = {}
_pg_templates: list[contextlib.AbstractContextManager] = []  # dropped at the session's end
_numbers = itertools.count()


def world_key(name: str, backend: str) -> tuple:
    """What a world built now depends on: which world, the backend and the clock."""
    return (name, backend, clock_key())


def _build(
    name: str, backend: str, folder: Path, build: Callable[[str, LocalStripe], object]
) -> Template:
    from tests.conftest import fresh_pg_database

    stamp = f"{name}_{next(_numbers)}"
    state = folder / f"{stamp}.stripe.pickle"
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'{stamp}.sqlite3'}"
    else:
        keeper = fresh_pg_database(f"lithloop_tpl_{name}")
        url = keeper.__enter__()
        _pg_templates.append(keeper)
    stripe = LocalStripe(state_file=str(state)).start()
    try:
        value = build(url, stripe)  # every connection to `url` closed when it returns
    finally:
        stripe.stop()
    return Template(url, state, value, time.monotonic())


def template(
    name: str, backend: str, folder: Path, build: Callable[[str, LocalStripe], object]
) -> Template:
    """The young template of this world, built now (into `folder`) if there is none:
    `build(url, stripe)` builds it into the empty database `url` with payments through
    `stripe`, closes every connection to `url`, and returns the world's value (plain data,
    no rows of a session)."""
    key = world_key(name, backend)
    found = _templates.get(key)
    if found is None or time.monotonic() - found.built_at > TEMPLATE_MAX_AGE_S:
        found = _templates[key] = _build(name, backend, folder, build)
    return found


@contextlib.contextmanager
def world_copy(
    name: str,
    backend: str,
    folder: Path,
    build: Callable[[str, LocalStripe], object],
) -> Iterator[Copy]:
    """A database of `backend` and a localstripe, both holding a fresh copy of the world
    `name` (template() builds it once); dropped and stopped on leaving."""
    from tests.conftest import fresh_pg_database

    built = template(name, backend, folder, build)
    with contextlib.ExitStack() as stack:
        stamp = f"{name}_copy_{next(_numbers)}"
        state = folder / f"{stamp}.stripe.pickle"
        shutil.copyfile(built.stripe_state, state)
        if backend == "sqlite":
            target = folder / f"{stamp}.sqlite3"
            shutil.copyfile(sa.make_url(built.url).database, target)
            url = f"sqlite:///{target}"
        else:
            source = sa.make_url(built.url).database
            url = stack.enter_context(fresh_pg_database(f"lithloop_{name}", template=source))
        stripe = LocalStripe(state_file=str(state)).start()
        stack.callback(stripe.stop)
        yield Copy(url, stripe, built.value)


def drop_templates() -> None:
    """Drop the PostgreSQL template databases of this process (at the session's end)."""
    while _pg_templates:
        _pg_templates.pop().__exit__(None, None, None)
    _templates.clear()
