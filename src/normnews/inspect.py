"""Operator views: one article explained (``normnews explain``) and an output root summarised
(``normnews show``)."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from normnews.clean import normalise, step_counts
from normnews.clean.explain import explain_result
from normnews.config import JobConfig
from normnews.errors import InputError
from normnews.ingest.discover import InputFile
from normnews.ingest.readers import read_file
from normnews.model import Reject
from normnews.schema import dataset_head, dataset_lookup
from normnews.state import STATE_DIR, partition_dates
from normnews.statefiles import LINES_DIR, load_census


@dataclass
class View:
    """An operator view: the text for a person and the counts for the summary line."""

    text: str
    counts: dict[str, Any] = field(default_factory=dict)


def explain_file(path: Path, record: int, config: JobConfig, out: Path | None = None) -> View:
    """Explain how one record of an input file is normalised.

    Args:
        path: The input file.
        record: The 0-based record index inside it.
        config: Supplies the repair and cleaning settings.
        out: An output root whose boilerplate line counts to use (corpus evidence); without
            it only the phrase rules apply. The report's first line says which learned state
            was used, or that none was (then its result can differ from the run's).

    Returns:
        The report text, and the edits per step as counts.

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
    days = partition_dates(out / STATE_DIR / LINES_DIR) if out is not None else []
    if out is None:
        learned = (
            "LEARNED STATE: none. Only the phrase rules apply; a run also removes the lines it "
            "learned repeat across a site's articles, so its result can differ. Give --out OUT "
            "to apply what the runs under OUT learned."
        )
    elif not days:
        learned = (
            f"LEARNED STATE: none: {out} has no {STATE_DIR}/{LINES_DIR} (no run has written "
            "there yet). Only the phrase rules apply."
        )
    else:
        census = load_census(out / STATE_DIR, date.max, include_day=True)
        frequent = census.frequent(config.clean)
        learned = (
            f"LEARNED STATE: {out / STATE_DIR / LINES_DIR}, run dates {days[0]} to {days[-1]} "
            f"({census.size} line counts over {len(census.sites)} site(s)); "
            f"{len(frequent)} line(s) count as learned boilerplate."
        )
    text = item.text or ""
    result = normalise(
        item.title, text, repair=config.repair, clean=config.clean, frequent=frequent
    )
    report = explain_result(item.title, text, result, repair=config.repair, clean=config.clean)
    counts: dict[str, Any] = {"learned_lines": len(frequent), "learned_state": bool(days)}
    counts.update({f"edits_{k}": n for k, n in step_counts(result.edits).items()})
    return View(learned + "\n" + report, counts)


def show_output(out: Path, *, articles: int = 20) -> View:
    """A readable summary of an output root: last manifest, then the datasets' first rows.

    Args:
        out: The output root.
        articles: At most this many rows of each dataset are shown (only those are read).

    Returns:
        The summary text, and each dataset's row count.

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
    totals: dict[str, Any] = {}
    for name in ("articles", "duplicates", "rejects"):
        folder = out / name
        if not folder.is_dir():
            continue
        rows, total = dataset_head(folder, articles)
        totals[name] = total
        lines.append(f"== {name}: {total} row(s) in {folder}")
        kept = _kept_articles(out, rows) if name == "duplicates" else {}
        for row in rows:
            lines.extend(_describe(name, row, kept))
        if total > len(rows):
            lines.append(f"  … and {total - len(rows)} more")
        lines.append("")
    lines.append(
        "Query it with DuckDB: SELECT title, text FROM "
        f"read_parquet('{out}/articles/**/*.parquet', hive_partitioning = true);"
    )
    return View("\n".join(lines), {"run_id": last["run_id"], **totals})


def _where(row: dict[str, object]) -> str:
    """``source#record``, or the bare source when the whole file failed (record null)."""
    return str(row["source"]) if row.get("record") is None else f"{row['source']}#{row['record']}"


def _kept_articles(out: Path, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The kept articles the shown duplicates are copies of, by id (any run's)."""
    ids = sorted({str(r["duplicate_of"]) for r in rows})
    found = dataset_lookup(
        out / "articles", "article_id", ids, ["article_id", "source", "record", "title"]
    )
    return {str(r["article_id"]): r for r in found}


def _describe(
    dataset: str, row: dict[str, object], kept: dict[str, dict[str, Any]] | None = None
) -> list[str]:
    where = _where(row)
    if dataset == "articles":
        steps = sorted({str(e["step"]) for e in row["edits"] or []})  # type: ignore[attr-defined]
        body = textwrap.shorten(str(row["text"]), 160, placeholder=" …")
        return [
            f"- {row['title']!s}  [{where}; edits: {', '.join(steps) or 'none'}]",
            f"    {body}",
        ]
    if dataset == "duplicates":
        original = (kept or {}).get(str(row["duplicate_of"]))
        of = (
            f"{_where(original)} ({original['title']})"
            if original
            else f"article {row['duplicate_of']} (not among the kept articles here)"
        )
        return [
            f"- {where} ({row['title']}) is {'an' if row['method'] == 'exact' else 'a'} "
            f"{row['method']} copy of {of} "
            f"(similarity {float(row['similarity']):.2f})"  # type: ignore[arg-type]
        ]
    return [f"- {where}: {row['reason']}: {row['detail']}"]
