"""Crash points for the crash-safety tests: ``NORMNEWS_FAILPOINTS=publish.move:2`` makes the
process SIGKILL itself the 2nd time it reaches ``publish.move``; ``publish.move:2:raise``
raises ``OSError`` there instead (a full disk, say: an error the process survives).

A kill from outside at a random moment (the tests do that too) rarely lands inside a step that
takes microseconds, such as one rename of a publish; a failpoint makes those moments testable
with a real process and a real SIGKILL. Unset, a failpoint costs one dict lookup.
"""

from __future__ import annotations

import os
import signal

_ENV = "NORMNEWS_FAILPOINTS"
_hits: dict[str, int] = {}


def _armed() -> dict[str, tuple[int, str]]:
    spec = os.environ.get(_ENV, "")
    out: dict[str, tuple[int, str]] = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, _, rest = item.partition(":")
        count, _, mode = rest.partition(":")
        out[name] = (int(count or 1), mode or "kill")
    return out


def failpoint(name: str) -> None:
    """SIGKILL this process (or raise ``OSError``) if ``name`` is armed and reached its count."""
    armed = _armed()
    if name not in armed:
        return
    count, mode = armed[name]
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] == count and mode == "raise":
        raise OSError(28, f"failpoint {name}: no space left on device")
    if _hits[name] >= count and mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
