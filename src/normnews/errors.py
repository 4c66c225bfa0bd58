"""Job-level errors. Record-level problems never raise: they become reject rows.

The CLI maps each class to an exit code and a ``status`` word (see ``normnews.cli``); the
library never exits. ``status`` is the snake_case word the summary line carries: a subclass
that sets none gets its class name in snake_case (``LockHeld`` → ``lock_held``), so every error
has one, and the README's status table is generated from these classes.
"""

from __future__ import annotations

import re
from typing import Any

_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """``TooManyRejects`` → ``too_many_rejects``.

    >>> snake_case("TooManyRejects"), snake_case("HTTPError")
    ('too_many_rejects', 'http_error')
    """
    return _CAMEL_RE.sub("_", name).lower()


class NormnewsError(Exception):
    """Base of every error that stops a whole run. The message says value, cause and fix."""

    exit_code = 1
    status = "error"
    counts: dict[str, Any]
    """Counts known when the error stopped the run (empty when there are none)."""

    def __init__(self, *args: object, counts: dict[str, Any] | None = None) -> None:
        super().__init__(*args)
        self.counts = dict(counts or {})

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "status" not in cls.__dict__:
            cls.status = snake_case(cls.__name__)


class ConfigError(NormnewsError):
    """The configuration or a command-line value is invalid."""

    exit_code = 2


class InputError(NormnewsError):
    """The input directory itself is unusable (missing, not a directory, unreadable)."""

    exit_code = 2


class TooManyRejects(NormnewsError):
    """More input records were rejected than ``max_error_rate`` allows."""

    exit_code = 65


class LockHeld(NormnewsError):
    """Another live run holds the lock on this output root."""

    exit_code = 75


class NothingToDo(NormnewsError):
    """Every input file was already processed by an earlier run."""

    exit_code = 99


class StateMismatch(NormnewsError):
    """The history index under ``_state/`` was built with incompatible settings."""

    exit_code = 2


def error_classes() -> list[type[NormnewsError]]:
    """:class:`NormnewsError` and every subclass defined so far, by exit code then name."""
    found: list[type[NormnewsError]] = []
    todo: list[type[NormnewsError]] = [NormnewsError]
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.append(cls)
            todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: (c.exit_code, c.status))
