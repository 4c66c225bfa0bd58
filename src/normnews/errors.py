"""Job-level errors. Record-level problems never raise: they become reject rows.

The CLI maps each class to an exit code (see ``normnews.cli``); the library never exits.
"""

from __future__ import annotations


class NormnewsError(Exception):
    """Base of every error that stops a whole run. The message says value, cause and fix."""

    exit_code = 1


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
