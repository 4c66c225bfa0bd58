"""Persistence of the boilerplate line census under ``_state/lines/run_date=D/``.

Each run writes the counts of the articles it processed as its own part; a run on day D reads
the parts of earlier days (and of earlier runs of day D unless it rebuilds the day), so the
evidence that a line is boilerplate accumulates across runs with the same as-of rule as the
history index.

Beside the counts (hashes only), ``_state/line_text/run_date=D/`` keeps the text of the lines
each run removed as learned boilerplate, so a person can read what the job decided to delete:
at most :data:`normnews.runstats.LINES_KEPT` lines per run, the most removed first.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from normnews.clean.census import LineCensus, line_key
from normnews.schema import LINE_TEXT, LINES, read_table, table_from_columns, write_table
from normnews.state import partition_dates

LINES_DIR = "lines"
LINE_TEXT_DIR = "line_text"
_SIGNED_LIMIT = 1 << 63


def load_census(state: Path, day: date, *, include_day: bool) -> LineCensus:
    """The census of every part before ``day`` (and of ``day`` itself if ``include_day``)."""
    census = LineCensus()
    folder = state / LINES_DIR
    for d in partition_dates(folder):
        if d > day or (d == day and not include_day):
            continue
        for path in sorted((folder / f"run_date={d.isoformat()}").glob("*.parquet")):
            census.merge(LineCensus.from_columns(read_table(path).to_pydict()))
    return census


def write_census(state: Path, day: date, run_id: str, census: LineCensus) -> Path:
    """Write this run's census as a part of ``day`` under ``state`` (a staging ``_state``)."""
    path = state / LINES_DIR / f"run_date={day.isoformat()}" / f"part-{run_id}.parquet"
    write_table(table_from_columns(census.to_columns(), LINES), path)
    return path


def write_line_text(state: Path, day: date, run_id: str, lines: list[dict[str, Any]]) -> Path:
    """Write the text of this run's learned lines (``text``, ``site``, ``count`` dicts)."""
    keys: list[int | None] = []
    for line in lines:
        key = None if line["text"].endswith("…") else line_key(line["text"])
        keys.append(key - (1 << 64) if key is not None and key >= _SIGNED_LIMIT else key)
    path = state / LINE_TEXT_DIR / f"run_date={day.isoformat()}" / f"part-{run_id}.parquet"
    columns = {
        "key": keys,
        "site": [line["site"] for line in lines],
        "text": [line["text"] for line in lines],
        "articles": [line["count"] for line in lines],
    }
    write_table(table_from_columns(columns, LINE_TEXT), path)
    return path


def load_line_text(state: Path) -> list[dict[str, Any]]:
    """Every run's learned lines, summed by (site, text), the most removed first."""
    totals: dict[tuple[str, str], int] = {}
    folder = state / LINE_TEXT_DIR
    for d in partition_dates(folder):
        for path in sorted((folder / f"run_date={d.isoformat()}").glob("*.parquet")):
            table = read_table(path, columns=["site", "text", "articles"]).to_pydict()
            for site, text, n in zip(table["site"], table["text"], table["articles"], strict=True):
                totals[(site, text)] = totals.get((site, text), 0) + int(n)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))
    return [{"text": text, "site": site, "count": n} for (site, text), n in ranked]
