"""``normnews run --dry-run``: what a run would read, skip and reprocess, without running it.

A dry run writes nothing and takes no lock: it does not create OUT, finish an interrupted
publish or touch ``_state/``. It reads the ledger as it is at that moment, so while another
run holds the lock the answer describes the state before that run publishes (the preview says
so). The choice of files is the run's own (the same planning function), so a dry run
and the run after it agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from normnews.config import JobConfig
from normnews.ingest.discover import discover
from normnews.output.publish import pending_publish
from normnews.pipeline import _plan
from normnews.state import LOCK_NAME, STATE_DIR, load_ledger


@dataclass
class Preview:
    """What ``normnews run`` would do with this config now.

    Attributes:
        read: Input files no earlier run has processed (relative paths, input order).
        reprocess: Files an earlier run processed that this run would process again: their
            content changed, or ``--reprocess`` rebuilds their run date.
        skip: Files the ledger records with the same content (left alone).
        pending_publish: The staging folder of an interrupted publish the run would finish
            first, if any.
        lock_holder: What the lock file says about a run holding it now (pid, host), if any.
    """

    read: list[str] = field(default_factory=list)
    reprocess: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)
    pending_publish: str | None = None
    lock_holder: str | None = None

    def counts(self) -> dict[str, int]:
        """Counts for the summary line."""
        return {
            "would_read": len(self.read),
            "would_reprocess": len(self.reprocess),
            "would_skip": len(self.skip),
        }

    def text(self) -> str:
        """The listing for a person: one line per file, grouped."""
        lines: list[str] = []
        for verb, paths in (("read", self.read), ("reprocess", self.reprocess)):
            lines += [f"would {verb}: {p}" for p in paths]
        lines += [f"would skip (already processed): {p}" for p in self.skip]
        if self.pending_publish:
            lines.append(f"would first finish the interrupted publish {self.pending_publish}")
        if self.lock_holder:
            lines.append(
                f"note: a run may hold the lock now ({self.lock_holder}); this preview reads "
                "the state from before it publishes"
            )
        if not self.read and not self.reprocess:
            lines.append("nothing new to do: the run would exit 99")
        return "\n".join(lines)


def preview(config: JobConfig) -> Preview:
    """List what :func:`normnews.pipeline.run` would do, writing nothing.

    Args:
        config: The effective configuration.

    Returns:
        The files the run would read, reprocess and skip.

    Raises:
        InputError: The input directory is unusable.
    """
    files = discover(config.input_dir)
    out = config.out_dir
    ledger = load_ledger(out) if (out / STATE_DIR).is_dir() else []
    plan = _plan(files, ledger, config)
    seen = {e.relpath for e in ledger}
    todo = {f.relpath for f, _ in plan.todo}
    result = Preview(pending_publish=pending_publish(out) if out.is_dir() else None)
    for f in files:
        if f.relpath not in todo:
            result.skip.append(f.relpath)
        elif f.relpath in seen:
            result.reprocess.append(f.relpath)
        else:
            result.read.append(f.relpath)
    result.lock_holder = _lock_holder(out / STATE_DIR / LOCK_NAME)
    return result


def _lock_holder(path: Path) -> str | None:
    """The holder a lock file names (a released lock file is empty)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    if not text:
        return None
    try:
        info: dict[str, Any] = json.loads(text)
    except ValueError:
        return text[:80]
    return f"pid {info.get('pid')} on {info.get('host')}"
