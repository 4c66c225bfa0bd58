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
    status = "config_error"


class InputError(NormnewsError):
    """The input directory itself is unusable (missing, not a directory, unreadable)."""

    exit_code = 2
    status = "input_error"


class EmptyInput(NormnewsError):
    """The input directory holds no file at all (a feed that did not arrive).

    Exit 65, like a feed whose records are mostly bad: the input is unusable for this run, and
    Airflow must fail the task rather than skip it (99) as if the day had been done. Runs that
    expect empty days pass ``--allow-empty`` (then the run exits 99, nothing to do).
    """

    exit_code = 65
    status = "empty_input"


class TooManyRejects(NormnewsError):
    """More input records were rejected than ``max_error_rate`` allows."""

    exit_code = 65
    status = "too_many_rejects"


class LockHeld(NormnewsError):
    """Another live run holds the lock on this output root."""

    exit_code = 75
    status = "lock_held"


class NothingToDo(NormnewsError):
    """Every input file was already processed by an earlier run."""

    exit_code = 99
    status = "nothing_to_do"


class StateMismatch(NormnewsError):
    """The history index under ``_state/`` was built with incompatible settings."""

    exit_code = 2
    status = "state_mismatch"


class EnvironmentFailure(NormnewsError):
    """The machine, not the data or the code, stopped the run: the output disk is full or
    read-only, a quota is exhausted, permissions were taken away. Nothing was published.

    Exit 74 (``EX_IOERR`` in sysexits.h): an operator fixes the environment and reruns; the
    message names the path and the fix. Retrying without a fix fails the same way.
    """

    exit_code = 74
    status = "environment_error"


class StateCorrupt(EnvironmentFailure):
    """A file under ``OUT/_state/`` (ledger, history, census, publish journal) cannot be
    trusted: unreadable, truncated, or naming paths outside the output root. The message names
    the file and how to recover."""

    status = "corrupt_state"


class AlreadyPublished(NormnewsError):
    """This run's id already has a published manifest or part files, though the ledger does not
    know its inputs (the ledger was deleted or restored from an older copy). Rerunning would
    overwrite or duplicate published data; ``--reprocess`` rebuilds the day on purpose."""

    exit_code = 74
    status = "already_published"


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
