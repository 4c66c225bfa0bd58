"""Write articles, duplicates and rejects as hive-partitioned Parquet under a staging root.

Files are named ``<dataset>/run_date=YYYY-MM-DD/part-<run_id>-NNNNN.parquet`` and roll over to a
new part every ``rows_per_file`` rows, so one huge run does not make one huge file. A dataset
with no rows still gets one empty part: readers that discover the schema from files (DuckDB's
``hive_partitioning``, Spark) then see every column of every dataset from the first run on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from normnews.model import Article, Duplicate, Reject
from normnews.schema import (
    ARTICLES,
    DUPLICATES,
    REJECTS,
    ParquetSink,
    Schema,
    Table,
    table_from_rows,
)

ROWS_PER_FILE = 1_000_000


def partition_dir(root: Path, dataset: str, run_date: date) -> Path:
    """The folder of one dataset's partition for ``run_date``.

    >>> partition_dir(Path("out"), "articles", date(2026, 11, 24)).as_posix()
    'out/articles/run_date=2026-11-24'
    """
    return root / dataset / f"run_date={run_date.isoformat()}"


def article_row(article: Article) -> dict[str, Any]:
    """One ``articles`` row."""
    return {
        "article_id": article.article_id,
        "source": article.source,
        "record": article.record,
        "title": article.title,
        "text": article.text,
        "url": article.url,
        "published": article.published,
        "guid": article.guid,
        "encoding": article.encoding,
        "edits": [{"step": e.step, "detail": e.detail} for e in article.edits],
        "extra": article.extra,
    }


def duplicate_row(dup: Duplicate, title: str | None = None) -> dict[str, Any]:
    """One ``duplicates`` row."""
    return {
        "article_id": dup.article_id,
        "source": dup.source,
        "record": dup.record,
        "duplicate_of": dup.duplicate_of,
        "similarity": dup.similarity,
        "method": dup.method,
        "title": title,
        "reason": dup.reason or dup.method,
    }


def reject_row(reject: Reject) -> dict[str, Any]:
    """One ``rejects`` row."""
    return {
        "source": reject.source,
        "record": reject.record,
        "reason": reject.reason,
        "detail": reject.detail,
    }


class DatasetWriter:
    """Append rows of one dataset to rolling Parquet parts in one partition."""

    def __init__(
        self,
        root: Path,
        dataset: str,
        schema: Schema,
        *,
        run_date: date,
        run_id: str,
        rows_per_file: int = ROWS_PER_FILE,
    ) -> None:
        self.folder = partition_dir(root, dataset, run_date)
        self.schema = schema
        self.run_id = run_id
        self.rows_per_file = rows_per_file
        self.files: list[Path] = []
        self.rows = 0
        self._sink: ParquetSink | None = None

    def _open_next(self) -> ParquetSink:
        path = self.folder / f"part-{self.run_id}-{len(self.files):05d}.parquet"
        self.files.append(path)
        self._sink = ParquetSink(path, self.schema)
        return self._sink

    def write_table(self, table: Table) -> None:
        """Append a table of this dataset's schema, rolling over to new parts as needed."""
        offset = 0
        while offset < table.num_rows:
            sink = self._sink or self._open_next()
            room = self.rows_per_file - sink.rows
            if room <= 0:
                sink.close()
                self._sink = None
                continue
            piece = table.slice(offset, room)
            sink.write(piece)
            offset += piece.num_rows
            self.rows += piece.num_rows

    def write_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append row dicts."""
        if rows:
            self.write_table(table_from_rows(rows, self.schema))

    def close(self) -> list[Path]:
        """Finish the last part (an empty one if nothing was written) and list the files."""
        if self._sink is None and not self.files:
            self._open_next()
        if self._sink is not None:
            self._sink.close()
            self._sink = None
        return self.files


def open_writers(root: Path, *, run_date: date, run_id: str) -> dict[str, DatasetWriter]:
    """One writer per output dataset, all under ``root``."""
    return {
        name: DatasetWriter(root, name, schema, run_date=run_date, run_id=run_id)
        for name, schema in (
            ("articles", ARTICLES),
            ("duplicates", DUPLICATES),
            ("rejects", REJECTS),
        )
    }
