"""Run state under ``OUT/_state/``: the lock and the ledger of processed input files.

The ledger is partitioned by ``run_date`` like the datasets (``_state/ledger/run_date=D/``), so a
rerun of day D replaces exactly D's entries in the same atomic publish as D's articles.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

from normnews.errors import LockHeld, StateCorrupt
from normnews.schema import LEDGER, parquet_num_rows, read_table, table_from_rows, write_table

STATE_DIR = "_state"
LOCK_NAME = "lock"


class RunLock:
    """An exclusive lock on an output root, held for the whole run.

    It is a POSIX record lock (``lockf``) on ``_state/lock``: the kernel drops it when the holding
    process dies, so a lock left by a killed run is stale by construction and the next run
    simply takes it. Unlike ``flock``, a record lock is not inherited by forked worker
    processes, so workers orphaned by a killed run cannot keep holding it. The file holds the
    holder's pid and host, for the message the loser prints.

    Deleting ``_state/lock`` while a run holds it would let a second run lock a new file of the
    same name, so the output root directory itself is locked too (``flock``, which a deleted
    name cannot undo). Forked workers close their copy of that descriptor at once
    (:func:`os.register_at_fork`), so it dies with the run like the record lock.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out / STATE_DIR / LOCK_NAME
        self._fd: int | None = None
        self._dir_fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`LockHeld` at once (never waits)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        dir_fd = os.open(self.out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(dir_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(dir_fd)
            raise LockHeld(
                f"another normnews run holds the lock on {self.out}; retry when it has finished."
            ) from None
        try:
            self._lock_file()
        except BaseException:
            os.close(dir_fd)
            raise
        self._dir_fd = dir_fd
        _HELD_DIR_FDS.add(dir_fd)

    def _lock_file(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 512).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise LockHeld(
                f"another normnews run holds the lock on {self.path.parent.parent} "
                f"({holder}); retry when it has finished."
            ) from None
        os.ftruncate(fd, 0)
        info = {"pid": os.getpid(), "host": socket.gethostname()}
        os.write(fd, json.dumps(info).encode())
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (the file stays; an unlocked file is not a lock)."""
        if self._fd is not None:
            # A full or read-only disk must not keep the lock held.
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            fcntl.lockf(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._dir_fd is not None:
            _HELD_DIR_FDS.discard(self._dir_fd)
            os.close(self._dir_fd)
            self._dir_fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


_HELD_DIR_FDS: set[int] = set()


def _close_inherited_locks() -> None:
    """In a forked child: drop the copies of the root-directory lock descriptors, so only the
    run itself holds the lock (the lock lives as long as any copy is open)."""
    for fd in _HELD_DIR_FDS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_DIR_FDS.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One processed input file."""

    relpath: str
    size: int
    mtime_ns: int
    digest: str
    records: int
    run_date: date


def partition_dates(folder: Path) -> list[date]:
    """The ``run_date=`` partitions present in ``folder``, oldest first."""
    out = []
    if folder.is_dir():
        for child in folder.iterdir():
            if child.is_dir() and child.name.startswith("run_date="):
                try:
                    out.append(date.fromisoformat(child.name.removeprefix("run_date=")))
                except ValueError:
                    continue
    return sorted(out)


def load_ledger(out: Path) -> list[LedgerEntry]:
    """Every ledger entry of every run date."""
    folder = out / STATE_DIR / "ledger"
    entries: list[LedgerEntry] = []
    for day in partition_dates(folder):
        for path in sorted((folder / f"run_date={day.isoformat()}").glob("*.parquet")):
            try:
                rows = read_table(path).to_pylist()
            except (OSError, ValueError) as exc:
                raise corrupt_state(path, exc) from None
            entries.extend(_entry(row, day) for row in rows)
    return entries


STATE_PARTS = ("ledger", "lines", "history")
"""Folders under ``_state/`` that hold Parquet parts partitioned by ``run_date``."""


def corrupt_state(path: Path, exc: BaseException) -> StateCorrupt:
    """The error for a state file that cannot be read, naming it and the way out."""
    return StateCorrupt(
        f"state file {path} cannot be read ({type(exc).__name__}: {exc}); it is damaged "
        "(truncated copy, disk error). Move it out of _state/ (or restore it from a backup), "
        "then rerun with --reprocess for its run_date so the state is rebuilt."
    )


def check_state_files(out: Path) -> None:
    """Read the footer of every Parquet part under ``_state/`` before any is trusted.

    Raises:
        StateCorrupt: A part cannot be read (the message names it and the fix).
    """
    for name in STATE_PARTS:
        folder = out / STATE_DIR / name
        for day in partition_dates(folder):
            for path in sorted((folder / f"run_date={day.isoformat()}").glob("*.parquet")):
                try:
                    parquet_num_rows(path)
                except (OSError, ValueError) as exc:
                    raise corrupt_state(path, exc) from None


def _entry(row: dict[str, Any], day: date) -> LedgerEntry:
    return LedgerEntry(
        relpath=row["relpath"],
        size=row["size"],
        mtime_ns=row["mtime_ns"],
        digest=row["digest"],
        records=row["records"],
        run_date=day,
    )


def write_ledger(root: Path, run_date: date, run_id: str, entries: list[LedgerEntry]) -> Path:
    """Write this run's ledger part of ``run_date`` under ``root`` (a staging ``_state``)."""
    path = root / "ledger" / f"run_date={run_date.isoformat()}" / f"part-{run_id}.parquet"
    rows = [
        {
            "relpath": e.relpath,
            "size": e.size,
            "mtime_ns": e.mtime_ns,
            "digest": e.digest,
            "records": e.records,
        }
        for e in sorted(entries, key=lambda e: e.relpath)
    ]
    write_table(table_from_rows(rows, LEDGER), path)
    return path
