"""``normnews index stats|rebuild|compact``: maintenance of the history index.

Rebuild and compact change state, so they take the run lock, work on a staging copy of
``_state/history`` and publish it with the same journaled rename as a run: a crash leaves the
old index or the new one, never a mix.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from normnews.config import DedupConfig
from normnews.dedup import compact, rebuild_partition_from_texts, stats
from normnews.errors import InputError
from normnews.hashing import stable_id
from normnews.output.publish import Move, pending_publish, publish, recover
from normnews.schema import read_table
from normnews.state import STATE_DIR, RunLock, partition_dates


def _require_out(out: Path) -> Path:
    if not (out / STATE_DIR).is_dir():
        raise InputError(
            f"{out} has no {STATE_DIR}/ folder: it is not a normnews output root "
            "(run `normnews run DIR --out OUT` first)."
        )
    return out / STATE_DIR


def index_stats(out: Path) -> dict[str, Any]:
    """Header, partitions and row counts of the history index under ``out``."""
    return stats(_require_out(out))


def _swap_history(out: Path, label: str, build: Any) -> dict[str, Any]:
    """Build a new ``_state/history`` in staging with ``build(staging_state)``, then publish."""
    state = _require_out(out)
    with RunLock(out):
        recover(out)
        op_id = f"index-{label}-{stable_id(label, str(out.resolve()))[:8]}"
        staging = out / f".staging-{op_id}"
        shutil.rmtree(staging, ignore_errors=True)
        staged_state = staging / STATE_DIR
        staged_state.mkdir(parents=True)
        try:
            result: dict[str, Any] = build(state, staged_state)
            if not (staged_state / "history").exists():
                (staged_state / "history").mkdir()
            publish(
                out,
                staging,
                [Move(f"{STATE_DIR}/history")],
                (out / STATE_DIR / "ops" / f"{op_id}.json", _json({"operation": label, **result})),
            )
        finally:
            if pending_publish(out) != staging.name:
                shutil.rmtree(staging, ignore_errors=True)
    return result


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, default=str).encode() + b"\n"


def rebuild_index(out: Path, cfg: DedupConfig) -> dict[str, Any]:
    """Re-sign every published article with ``cfg`` and replace the history index.

    Use it after changing dedup settings (shingle size, permutations, bands): the old index
    then no longer matches and runs refuse to use it.
    """

    def build(state: Path, staged: Path) -> dict[str, Any]:
        rows = 0
        days = partition_dates(out / "articles")
        for day in days:
            folder = out / "articles" / f"run_date={day.isoformat()}"
            table = read_table(folder, columns=["article_id", "title", "text"])
            ids = table.column("article_id").to_pylist()
            texts = table.column("text").to_pylist()
            titles = table.column("title").to_pylist()
            rebuild_partition_from_texts(staged, day, ids, texts, cfg, titles)
            rows += len(ids)
        return {"partitions": len(days), "rows": rows}

    return _swap_history(out, "rebuild", build)


def compact_index(out: Path) -> dict[str, Any]:
    """Merge each run date's history part files into one; the content does not change."""

    def build(state: Path, staged: Path) -> dict[str, Any]:
        if (state / "history").exists():
            shutil.copytree(state / "history", staged / "history")
        rewritten = compact(staged)
        return {"partitions_rewritten": len(rewritten)}

    return _swap_history(out, "compact", build)
