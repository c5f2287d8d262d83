"""PostgreSQL's covering set: the chosen tests send every shape, and the report's arithmetic."""

from __future__ import annotations

from types import SimpleNamespace

from tests.sql_shapes import split_id, uncovered
from tools.pg_selection import choose


def _row(base, shapes, seconds=1.0, backend="sqlite"):
    return [base, backend, shapes, seconds]


def test_the_cover_sends_every_shape_and_keeps_no_test_the_others_cover():
    rows = [
        _row("t.py::slow_all", ["a", "b", "c"]),
        _row("t.py::slow_all", ["a", "b", "c"], seconds=30.0, backend="postgresql"),
        _row("t.py::quick_ab", ["a", "b"]),
        _row("t.py::quick_ab", ["a", "b"], seconds=0.1, backend="postgresql"),
        _row("t.py::quick_c", ["c"]),
        _row("t.py::quick_c", ["c"], seconds=0.1, backend="postgresql"),
        _row("t.py::quick_b", ["b", "s"]),  # "s": SQLite's own, never sent on PostgreSQL
        _row("t.py::quick_b", ["b"], seconds=0.1, backend="postgresql"),
        _row("t.py::shared", ["e"]),  # sends "e" on SQLite, "f" on PostgreSQL
        _row("t.py::shared", ["f"], seconds=0.1, backend="postgresql"),
        _row("t.py::other_e", ["e"]),
        _row("t.py::other_e", ["e"], seconds=5.0, backend="postgresql"),
        _row("tests/test_migrations.py::up", ["d"]),
        _row("tests/test_migrations.py::up", ["d"], seconds=9.0, backend="postgresql"),
    ]
    taken, needed = choose(rows)
    assert taken == ["t.py::other_e", "t.py::quick_ab", "t.py::quick_c"]
    assert needed == 4  # a, b, c, e; "d" is sent by a test always run there, "s" never


def test_a_shape_sent_only_on_sqlite_is_reported_with_its_tests_unless_known():
    merged = {
        "rows": [
            _row("t.py::one", ["a", "b"]),
            _row("t.py::two", ["b"]),
            _row("t.py::one", ["a"], backend="postgresql"),
        ]
    }
    assert uncovered(merged) == {"b": ["t.py::one", "t.py::two"]}
    assert uncovered(merged, frozenset({"b"})) == {}


def test_the_backend_is_taken_out_of_a_tests_id():
    def item(nodeid, **params):
        return SimpleNamespace(nodeid=nodeid, callspec=SimpleNamespace(params=params))

    assert split_id(item("t.py::f[sqlite]", backend="sqlite")) == ("t.py::f", "sqlite")
    assert split_id(item("t.py::f[x-postgresql]", backend="postgresql")) == (
        "t.py::f[x]",
        "postgresql",
    )
    assert split_id(SimpleNamespace(nodeid="t.py::g")) == ("t.py::g", None)
