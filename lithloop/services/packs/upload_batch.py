"""The national platform's upload file, a batch at a time: the oldest deadlines first.

Unreported handovers pile up when the park falls behind; one file of all of them grows
with history (1.5 MB at ten years in bench/data_growth.py). So the upload file holds at most
TRACE_UPLOAD_BATCH handovers, the oldest deadline first (overdue ones before any other),
the traceability page says how many are left and how many of those are overdue, and marking
the batch reported (all of it, as downloaded) brings the next batch up. The batch is named by
its last handover (`through`) and a digest of its handovers' ids, so that what is marked is
exactly what the page offered for download, or nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import PackEvent, User
from lithloop.services.accounts import policies
from lithloop.services.errors import Conflict
from lithloop.services.packs import traceability
from lithloop.services.packs.errors import Code

#: Handovers in one upload file unless TRACE_UPLOAD_BATCH says otherwise (about 160 KB).
DEFAULT_BATCH = 1000
ORDER = (PackEvent.report_due, PackEvent.at, PackEvent.id)


@dataclass(frozen=True)
class UploadBatch:
    """The next upload file: its handovers' count, deadlines and name, and what is left."""

    count: int
    unreported: int  # every unreported handover (of the organisation, if one is chosen)
    overdue: int  # every overdue unreported handover (idem)
    first_due: date | None = None
    last_due: date | None = None
    through: int | None = None  # the batch's last handover: its end in the deadline order
    digest: str = ""

    @property
    def remaining(self) -> int:
        """Unreported handovers that are not in this batch."""
        return self.unreported - self.count

    @property
    def overdue_in_batch(self) -> int:
        """Overdue handovers in the batch: all of them come first in deadline order."""
        return min(self.count, self.overdue)

    @property
    def overdue_after(self) -> int:
        """Overdue handovers that wait for a later batch."""
        return self.overdue - self.overdue_in_batch


def batch_size() -> int:
    """Handovers per upload file (TRACE_UPLOAD_BATCH)."""
    return max(1, int(current_app.config.get("TRACE_UPLOAD_BATCH", DEFAULT_BATCH)))


def digest_of(ids: list[int]) -> str:
    """A short fingerprint of a batch's handover ids (in order)."""
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]


def batch_where(organisation_id: int | None = None, through: int | None = None) -> list:
    """The unreported handovers (of an organisation) up to the handover `through` in deadline
    order; `through` no longer unreported (marked meanwhile) matches nothing."""
    where = traceability.unreported_where(organisation_id)
    if through is not None:
        end = sa.select(*ORDER).where(PackEvent.id == through, *traceability.unreported_where())
        where.append(sa.tuple_(*ORDER) <= end.scalar_subquery())
    return where


def is_unreported(event_id: int) -> bool:
    """Whether a handover still waits to be reported (a batch ending there can be downloaded)."""
    where = (PackEvent.id == event_id, *traceability.unreported_where())
    return bool(db.session.scalar(sa.select(sa.exists().where(*where))))


def _rows(organisation_id: int | None, through: int | None = None) -> list[sa.Row]:
    query = (
        sa.select(PackEvent.id, PackEvent.report_due)
        .where(*batch_where(organisation_id, through))
        .order_by(*ORDER)
        .limit(batch_size())
    )
    return list(db.session.execute(query))


def next_batch(groups: traceability.DueGroups) -> UploadBatch:
    """The next upload file of the handovers `groups` counts (its organisation): one query
    over at most a batch of index entries, whatever the history."""
    counts = (groups.total, groups.counts.get("overdue", 0))
    rows = _rows(groups.organisation_id) if groups.total else []
    if not rows:
        return UploadBatch(0, *counts)
    ids = [r.id for r in rows]
    return UploadBatch(
        len(rows), *counts, rows[0].report_due, rows[-1].report_due, ids[-1], digest_of(ids)
    )


def mark_batch_reported(
    user: User, through: int, digest: str, organisation_id: int | None = None
) -> list[PackEvent]:
    """Mark the batch the page offered (up to `through`, with this digest) as uploaded, all
    or none; a batch that changed since (handovers marked or added) is a Conflict."""
    policies.require(user, policies.ADMINS, _l("Only administrators do this."))
    ids = [r.id for r in _rows(organisation_id, through)]
    if not ids or ids[-1] != through or digest_of(ids) != digest:
        raise Conflict(
            _l(
                "The upload batch changed since this page was shown (handovers were marked or "
                "added). Nothing was marked: download the batch shown now and upload that."
            ),
            code=Code.BATCH_CHANGED,
        )
    return traceability.mark_reported(user, ids)
