"""Atomic publication of a staged run: a journal of renames, rolled forward after a crash.

A run writes everything into ``OUT/.staging-<run_id>/`` (hidden: DuckDB, Spark and pandas skip
dot-folders). Publishing moves each staged partition folder into place with ``os.replace``-style
renames on one filesystem. Several folders have to move (three datasets and the state), so the
list of moves is written first as a journal; a crash between two renames is finished by the next
run (:func:`recover`), never undone. A reader sees the old partition or the new one, never a
half-written one. Replacing an existing partition (a rerun of the same ``run_date``) first moves
the old folder aside into ``OUT/.trash-<run_id>/``, then moves the new one in.

The journal is state, and state is validated before it is trusted (:func:`read_journal`): the
staging name must match ``.staging-<run_id>``, every move a relative path inside OUT without
``..``, under one of the published folders, and the manifest ``_runs/<run_id>.json``. A journal
that fails the check is refused with its path and the fix (exit 74); nothing is moved or deleted.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from normnews.errors import NormnewsError, StateCorrupt
from normnews.failpoints import failpoint

log = logging.getLogger("normnews")

JOURNAL_NAME = "publish-journal.json"


@dataclass(frozen=True)
class Move:
    """Move ``OUT/<staging>/<rel>`` to ``OUT/<rel>``."""

    rel: str


def fsync_dir(path: Path) -> None:
    """Flush a directory entry so a rename survives a power cut."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    fsync_dir(path.parent)


def _journal_path(out: Path) -> Path:
    return out / "_state" / JOURNAL_NAME


class PublishError(NormnewsError):
    """A publish cannot be completed from its journal (staged data missing)."""

    status = "publish_error"


_STAGING_NAME = re.compile(r"\.staging-(?P<run_id>[0-9]{8}-[0-9a-f]{12})")
_MOVE_ROOTS = frozenset({"articles", "duplicates", "rejects", "_state"})
_JOURNAL_KEYS = {"staging": str, "moves": list, "manifest": str, "manifest_bytes": str}


def _bad_journal(path: Path, why: str) -> StateCorrupt:
    return StateCorrupt(
        f"publish journal {path} cannot be trusted: {why}. normnews writes it only with its own "
        "staging names and paths inside the output root, so it was edited or damaged. Nothing "
        "was moved or deleted. Look at it, then delete it; if a publish was interrupted, rerun "
        "with --reprocess for that run_date."
    )


def _safe_rel(rel: object) -> bool:
    """A relative ``/``-separated path without ``..``, under a published folder."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        return False
    parts = PurePosixPath(rel).parts
    return (
        not rel.startswith("/")
        and all(p not in ("", ".", "..") for p in parts)
        and parts[0] in _MOVE_ROOTS
    )


def read_journal(out: Path) -> dict[str, object] | None:
    """The publish journal under ``out``, validated; ``None`` when there is none.

    An unreadable (half-written) journal is removed: a journal is only ever replaced atomically,
    so one that does not parse was never complete, and nothing had been moved yet.

    Raises:
        StateCorrupt: The journal parses but is not one normnews wrote (see module docstring).
    """
    path = _journal_path(out)
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return None
    if not isinstance(journal, dict):
        raise _bad_journal(path, "it is not a JSON object")
    for key, kind in _JOURNAL_KEYS.items():
        if not isinstance(journal.get(key), kind):
            raise _bad_journal(path, f"{key!r} is missing or not a {kind.__name__}")
    staging = _STAGING_NAME.fullmatch(journal["staging"])
    if staging is None:
        raise _bad_journal(path, f"staging {journal['staging']!r} is not a staging folder name")
    bad = [m for m in journal["moves"] if not _safe_rel(m)]
    if bad:
        raise _bad_journal(path, f"moves {bad[:3]!r} are not paths inside the output root")
    if journal["manifest"] != f"_runs/{staging['run_id']}.json":
        raise _bad_journal(path, f"manifest {journal['manifest']!r} is not this run's manifest")
    return journal


def pending_publish(out: Path) -> str | None:
    """The staging folder name of a publish whose journal is written but not finished."""
    try:
        journal = read_journal(out)
    except StateCorrupt:
        return None
    return None if journal is None else str(journal["staging"])


def publish(out: Path, staging: Path, moves: list[Move], manifest: tuple[Path, bytes]) -> None:
    """Move every staged folder into place, then write the manifest last.

    Args:
        out: The output root.
        staging: The staging folder (inside ``out``).
        moves: Folders to move, relative to both roots.
        manifest: Where the run manifest goes and its bytes; written after every move.
    """
    # State last: if a publish stops half-way (a full disk), the ledger still says the input
    # is new, so nothing is skipped on the next run even before the journal is rolled forward.
    ordered = sorted(moves, key=lambda m: (m.rel.startswith("_state/ledger"), m.rel))
    journal = {
        "staging": staging.name,
        "moves": [m.rel for m in ordered],
        "manifest": str(manifest[0].relative_to(out)),
        "manifest_bytes": manifest[1].decode("utf-8"),
    }
    write_atomic(_journal_path(out), json.dumps(journal, indent=1).encode())
    failpoint("publish.journal")
    _roll_forward(out, journal)


def _roll_forward(out: Path, journal: Mapping[str, object]) -> None:
    staging = out / str(journal["staging"])
    trash = out / str(journal["staging"]).replace(".staging-", ".trash-", 1)
    moves = journal["moves"]
    assert isinstance(moves, list)
    for rel in moves:
        source = staging / rel
        target = out / rel
        if not source.exists():
            if target.exists():
                continue  # moved before the crash
            # Neither here nor there: the staged data is gone. Stop, and keep the journal and
            # the old data set aside, rather than record a publish that did not happen.
            raise PublishError(
                f"cannot finish publishing {journal['staging']}: {rel} is missing from both "
                f"the staging folder and {out}. The previous data of replaced folders is in "
                f"{trash}; restore it, delete {_journal_path(out)}, and rerun with --reprocess."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            aside = trash / rel
            aside.parent.mkdir(parents=True, exist_ok=True)
            if aside.exists():
                shutil.rmtree(aside)
            target.rename(aside)
        failpoint("publish.aside")
        source.rename(target)
        fsync_dir(target.parent)
        failpoint("publish.move")
    write_atomic(out / str(journal["manifest"]), str(journal["manifest_bytes"]).encode("utf-8"))
    failpoint("publish.manifest")
    _journal_path(out).unlink(missing_ok=True)
    fsync_dir(_journal_path(out).parent)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def recover(out: Path) -> str | None:
    """Finish a publish that a crash interrupted, and remove abandoned staging folders.

    Returns:
        The staging folder name of the publish that was finished, or ``None``.

    Raises:
        StateCorrupt: The journal is not one normnews wrote (see :func:`read_journal`).
    """
    finished: str | None = None
    journal = read_journal(out)
    if journal is not None:
        log.warning("finishing an interrupted publish of %s", journal["staging"])
        _roll_forward(out, journal)
        finished = str(journal["staging"])
    for leftover in sorted(out.glob(".staging-*")) + sorted(out.glob(".trash-*")):
        log.info("removing abandoned %s", leftover.name)
        shutil.rmtree(leftover, ignore_errors=True)
    return finished
