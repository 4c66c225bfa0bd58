"""Crash points for the crash-safety tests: ``NORMNEWS_FAILPOINTS=publish.move:2`` makes the
process SIGKILL itself the 2nd time it reaches ``publish.move``.

A kill from outside at a random moment (the tests do that too) rarely lands inside a step that
takes microseconds, such as one rename of a publish; a failpoint makes those moments testable
with a real process and a real SIGKILL. Unset, a failpoint costs one dict lookup.
"""

from __future__ import annotations

import os
import signal

_ENV = "NORMNEWS_FAILPOINTS"
_hits: dict[str, int] = {}


def _armed() -> dict[str, int]:
    spec = os.environ.get(_ENV, "")
    out: dict[str, int] = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, _, count = item.partition(":")
        out[name] = int(count or 1)
    return out


def failpoint(name: str) -> None:
    """SIGKILL this process if ``name`` is armed and reached its count."""
    armed = _armed()
    if name not in armed:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= armed[name]:
        os.kill(os.getpid(), signal.SIGKILL)
