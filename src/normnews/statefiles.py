"""Persistence of the boilerplate line census under ``_state/lines/run_date=D/``.

Each run writes the counts of the articles it processed as its own part; a run on day D reads
the parts of earlier days (and of earlier runs of day D unless it rebuilds the day), so the
evidence that a line is boilerplate accumulates across runs with the same as-of rule as the
history index.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from normnews.clean.census import LineCensus
from normnews.schema import LINES, read_table, table_from_columns, write_table
from normnews.state import partition_dates

LINES_DIR = "lines"


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
