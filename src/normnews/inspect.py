"""Operator views: one article explained (``normnews explain``) and an output root summarised
(``normnews show``)."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

from normnews.clean.explain import explain
from normnews.config import JobConfig
from normnews.errors import InputError
from normnews.ingest.discover import InputFile
from normnews.ingest.readers import read_file
from normnews.model import Reject
from normnews.schema import dataset_head
from normnews.state import STATE_DIR
from normnews.statefiles import load_census


def explain_file(path: Path, record: int, config: JobConfig, out: Path | None = None) -> str:
    """Explain how one record of an input file is normalised.

    Args:
        path: The input file.
        record: The 0-based record index inside it.
        config: Supplies the repair and cleaning settings.
        out: An output root whose boilerplate line counts to use (corpus evidence); without
            it only the phrase rules apply.

    Returns:
        The report text.

    Raises:
        InputError: The file does not exist or has no such record, or the record was rejected.
    """
    if not path.is_file():
        raise InputError(f"{path} is not a file; give the path of one input file.")
    stat = path.stat()
    item = None
    for found in read_file(InputFile(path, path.name, stat.st_size, stat.st_mtime_ns)):
        if found.record == record or (isinstance(found, Reject) and found.record is None):
            item = found
            break
    if item is None:
        raise InputError(f"{path} has no record {record}; records are numbered from 0.")
    if isinstance(item, Reject):
        raise InputError(f"{path} record {item.record} is rejected: {item.reason}: {item.detail}")
    frequent: frozenset[int] = frozenset()
    if out is not None and (out / STATE_DIR).is_dir():
        frequent = load_census(out / STATE_DIR, date.max, include_day=True).frequent(config.clean)
    return explain(
        item.title, item.text or "", repair=config.repair, clean=config.clean, frequent=frequent
    )


def show_output(out: Path, *, articles: int = 20) -> str:
    """A readable summary of an output root: last manifest, then the datasets' first rows.

    Args:
        out: The output root.
        articles: At most this many rows of each dataset are shown (only those are read).

    Returns:
        The summary text.

    Raises:
        InputError: ``out`` holds no normnews output.
    """
    manifests = sorted((out / "_runs").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    if not manifests:
        raise InputError(f"{out} has no run manifests; run `normnews run DIR --out {out}` first.")
    last = json.loads(manifests[-1].read_text(encoding="utf-8"))
    lines = [
        f"Last run {last['run_id']} (run_date {last['run_date']}): {last['status']}",
        "Counts: " + json.dumps(last["counts"], ensure_ascii=False),
        "",
    ]
    for name in ("articles", "duplicates", "rejects"):
        folder = out / name
        if not folder.is_dir():
            continue
        rows, total = dataset_head(folder, articles)
        lines.append(f"== {name}: {total} row(s) in {folder}")
        for row in rows:
            lines.extend(_describe(name, row))
        if total > len(rows):
            lines.append(f"  … and {total - len(rows)} more")
        lines.append("")
    lines.append(
        "Query it with DuckDB: SELECT title, text FROM "
        f"read_parquet('{out}/articles/**/*.parquet', hive_partitioning = true);"
    )
    return "\n".join(lines)


def _describe(dataset: str, row: dict[str, object]) -> list[str]:
    where = f"{row['source']}#{row['record']}"
    if dataset == "articles":
        steps = sorted({str(e["step"]) for e in row["edits"] or []})  # type: ignore[attr-defined]
        body = textwrap.shorten(str(row["text"]), 160, placeholder=" …")
        return [
            f"- {row['title']!s}  [{where}; edits: {', '.join(steps) or 'none'}]",
            f"    {body}",
        ]
    if dataset == "duplicates":
        return [
            f"- {where} ({row['title']}) is {'an' if row['method'] == 'exact' else 'a'} "
            f"{row['method']} copy of {row['duplicate_of']} "
            f"(similarity {float(row['similarity']):.2f})"  # type: ignore[arg-type]
        ]
    return [f"- {where}: {row['reason']}: {row['detail']}"]
