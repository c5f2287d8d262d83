"""Race tests' tools: hold sessions at their commit until the other request is there too,
and run calls in threads at once."""

from __future__ import annotations

import threading

import sqlalchemy as sa


class CommitGate:
    """Hold each session about to commit a new (or, with `dirty`, changed) `model` until
    `parties` are there. With `patience`, a party that waited that long goes on (the other
    request is waiting for this one's lock); without it, a broken wait fails the test. With
    `at="before_flush"` the sessions are held at the flush that writes the row instead: for
    code whose own statements (an autoflushing query) write the row before its commit."""

    def __init__(
        self,
        model: type,
        parties: int = 2,
        *,
        patience: float | None = None,
        dirty: bool = False,
        at: str = "before_commit",
    ):
        self.model, self.dirty, self.patient, self.event = model, dirty, patience is not None, at
        self.barrier = threading.Barrier(parties, timeout=patience or 20)
        self.held, self.parties = 0, parties

    def __call__(self, session, *_flush_args) -> None:
        pending = (*session.new, *session.dirty) if self.dirty else session.new
        if any(isinstance(obj, self.model) for obj in pending):
            self.held += 1
            try:
                self.barrier.wait()
            except threading.BrokenBarrierError:
                if not self.patient:
                    raise

    def __enter__(self) -> CommitGate:
        sa.event.listen(sa.orm.Session, self.event, self)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(sa.orm.Session, self.event, self)
        if exc[0] is None and not self.patient and self.held < self.parties:
            raise AssertionError(f"the gate held {self.held} of {self.parties}: no race was run")


def together(*calls) -> list:
    """Run the calls in threads, started at once; their results in order."""
    results: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i, call):
        start.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def together_as(app, user_id: int, *calls, said: bool = False) -> list:
    """Each call(user) in its own thread, app context and connection, all at once; their
    results in order, or the ServiceError (or database error) each raised; with `said`, its
    (code, message) instead, the message read in the thread (it is translated there)."""
    from lithloop.extensions import db
    from lithloop.models import User
    from lithloop.services.errors import ServiceError

    def in_context(call):
        def run():
            with app.app_context():
                try:
                    return call(db.session.get(User, user_id))
                except (ServiceError, sa.exc.SQLAlchemyError) as exc:
                    if not said:
                        return exc
                    return (getattr(exc, "code", None), str(getattr(exc, "message", exc)))
                finally:
                    db.session.remove()

        return run

    return together(*(in_context(c) for c in calls))
