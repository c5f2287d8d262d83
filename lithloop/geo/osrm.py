"""The OSRM adapter: road distances and durations from an OSRM-compatible `/table` service."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import numpy as np


class OsrmError(RuntimeError):
    """The OSRM /table service could not be used."""


def osrm_table(url: str, lonlat, timeout_s: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """Query an OSRM-compatible /table service; returns (distances m, durations s)."""
    pts = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in np.asarray(lonlat, dtype=float))
    full = f"{url.rstrip('/')}/table/v1/driving/{pts}?annotations=duration,distance"
    if not full.startswith(("http://", "https://")):
        raise OsrmError(f"OSRM URL must be http(s): {url!r}")
    try:
        with urllib.request.urlopen(full, timeout=timeout_s) as resp:  # noqa: S310
            body = json.loads(resp.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise OsrmError(f"OSRM at {url} unavailable: {exc}") from exc
    if body.get("code") != "Ok":
        raise OsrmError(f"OSRM at {url} answered code {body.get('code')!r}: {body.get('message')}")
    n = len(pts.split(";"))
    try:
        dur = np.array(body["durations"], dtype=float)
        dist = np.array(body["distances"], dtype=float)
    except (KeyError, TypeError, ValueError) as exc:
        raise OsrmError(f"OSRM at {url}: malformed table ({exc})") from exc
    if dur.shape != (n, n) or dist.shape != (n, n) or np.isnan(dur).any() or np.isnan(dist).any():
        raise OsrmError(f"OSRM at {url}: table is not {n}x{n} or has unroutable pairs")
    return dist, dur
