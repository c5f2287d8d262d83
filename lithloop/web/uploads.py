"""Storing an uploaded file under instance/ (never static/), whole or not at all."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

from flask_babel import lazy_gettext as _l

from lithloop.services.errors import ServiceError

log = logging.getLogger(__name__)


class UploadNotStored(ServiceError):
    """The server could not write the file (disk full, read-only, no permission)."""

    status = 507
    code = "upload_not_stored"


def store(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` to folder/name through a temporary file, synced, then renamed: a reader
    never sees half a file, and a failed write leaves nothing behind."""
    final = folder / name
    part = folder / f".{name}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(part, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, final)
    except OSError as exc:
        part.unlink(missing_ok=True)
        log.error("upload %s not stored in %s: %s", name, folder, exc)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UploadNotStored(
                _l(
                    "The server's disk is full, so your file could not be stored. Nothing was "
                    "saved or imported. Please try again later, or tell the park's "
                    "administrator."
                )
            ) from exc
        raise UploadNotStored(
            _l(
                "The server could not store your file. Nothing was saved or imported. Please "
                "try again later, or tell the park's administrator."
            )
        ) from exc
    return final
