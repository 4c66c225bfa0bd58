"""Arrow schemas of every dataset normnews writes, and the Parquet I/O around them.

This is the only module that imports pyarrow. Schemas are declared once and passed to every
writer; nothing is inferred from data (a late-appearing field must not change a column type).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pds
import pyarrow.parquet as pq

SCHEMA_VERSION = "2"
"""Bumped whenever a column is added; columns are never renamed or removed."""

EDIT_TYPE = pa.struct([("step", pa.string()), ("detail", pa.string())])

ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("record", pa.int64(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("published", pa.timestamp("us", tz="UTC")),
        pa.field("guid", pa.string()),
        pa.field("encoding", pa.string()),
        pa.field("edits", pa.list_(EDIT_TYPE)),
        # A JSON object of strings (kept fields, an unparsed date): one type whatever the feeds
        # hold, read by DuckDB (->>), Spark (from_json) and pandas (json.loads) alike.
        pa.field("extra", pa.string()),
    ],
    metadata={"normnews.schema_version": SCHEMA_VERSION, "normnews.dataset": "articles"},
)

DUPLICATES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("record", pa.int64(), nullable=False),
        pa.field("duplicate_of", pa.string(), nullable=False),
        pa.field("similarity", pa.float64(), nullable=False),
        pa.field("method", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        # Added in schema version 2 (null in files written before).
        pa.field("reason", pa.string()),
    ],
    metadata={"normnews.schema_version": SCHEMA_VERSION, "normnews.dataset": "duplicates"},
)

REJECTS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("record", pa.int64()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string(), nullable=False),
    ],
    metadata={"normnews.schema_version": SCHEMA_VERSION, "normnews.dataset": "rejects"},
)

LEDGER = pa.schema(
    [
        pa.field("relpath", pa.string(), nullable=False),
        pa.field("size", pa.int64(), nullable=False),
        pa.field("mtime_ns", pa.int64(), nullable=False),
        pa.field("digest", pa.string(), nullable=False),
        pa.field("records", pa.int64(), nullable=False),
    ],
    metadata={"normnews.schema_version": SCHEMA_VERSION, "normnews.dataset": "ledger"},
)

LINES = pa.schema(
    [
        pa.field("key", pa.int64()),
        pa.field("site", pa.string(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
    ],
    metadata={"normnews.schema_version": SCHEMA_VERSION, "normnews.dataset": "lines"},
)
"""Boilerplate line counts per site (``key`` null: the site's article total)."""

LINE_TEXT = pa.schema(
    [
        pa.field("key", pa.int64()),
        pa.field("site", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
    ],
    metadata={"normnews.schema_version": SCHEMA_VERSION, "normnews.dataset": "line_text"},
)
"""The text of the lines a run removed as learned boilerplate, beside their census ``key``
(null when the recorded text was cut short), with the articles it was removed from."""

RAW = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("record", pa.int64()),
        pa.field("title", pa.string()),
        pa.field("text", pa.string()),
        pa.field("url", pa.string()),
        pa.field("published", pa.string()),
        pa.field("guid", pa.string()),
        pa.field("encoding", pa.string()),
        pa.field("extra", pa.string()),
        pa.field("reason", pa.string()),
        pa.field("detail", pa.string()),
    ],
    metadata={"normnews.schema_version": SCHEMA_VERSION, "normnews.dataset": "raw"},
)
"""Input items as read, parked between the reader and the workers (staging only): records,
and the readers' rejects in their places (``reason`` set only on a reject's row)."""

SPOOL = pa.schema(
    [*ARTICLES, pa.field("exact_key", pa.uint64(), nullable=False)],
    metadata={"normnews.schema_version": SCHEMA_VERSION, "normnews.dataset": "spool"},
)
"""Articles of a run before dedup decides which are kept (staging only, never published)."""

ROW_GROUP_ROWS = 64 * 1024
"""Rows per Parquet row group: large enough for good zstd ratios and scan speed."""

Table = pa.Table
Schema = pa.Schema


def table_from_rows(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Build a table of ``schema`` from row dicts (missing keys become nulls)."""
    return pa.Table.from_pylist(list(rows), schema=schema)


def table_from_columns(columns: dict[str, Any], schema: pa.Schema) -> pa.Table:
    """Build a table of ``schema`` from column sequences or arrays."""
    return pa.Table.from_pydict(columns, schema=schema)


class ParquetSink:
    """Append tables of one schema to one Parquet file (zstd, dictionary off for text)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(
            path,
            schema,
            compression="zstd",
            compression_level=3,
            use_dictionary=["source", "reason", "method", "encoding"],
            write_statistics=True,
        )

    def write(self, table: pa.Table) -> None:
        """Append ``table`` (cast to the sink's schema; a mismatch raises)."""
        if table.num_rows:
            self._writer.write_table(table.cast(self.schema), row_group_size=ROW_GROUP_ROWS)
            self.rows += table.num_rows

    def close(self) -> None:
        """Finish the file (footer written)."""
        self._writer.close()


def write_ipc(table: pa.Table, path: Path) -> None:
    """Write a scratch table as an uncompressed Arrow IPC file: the cheapest format to write
    and read back (staging only; nothing published is IPC).

    Args:
        table: The table.
        path: Where to write it.
    """
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def read_ipc(path: Path, columns: Sequence[str] | None = None) -> pa.Table:
    """Read a scratch Arrow IPC file written by :func:`write_ipc`.

    Args:
        path: The file.
        columns: Only these columns, if given.

    Returns:
        The table.
    """
    with pa.OSFile(str(path), "rb") as source:
        table = pa.ipc.open_file(source).read_all()
    return table.select(list(columns)) if columns is not None else table


def iter_ipc_windows(paths: Sequence[Path], rows: int) -> Iterator[pa.Table]:
    """The rows of several scratch files, in order, as tables of exactly ``rows`` rows (the
    last one shorter): how the files were cut does not show in what is written from them.

    Args:
        paths: IPC files of one schema, in order.
        rows: Rows per table.

    Yields:
        Tables of ``rows`` rows, each one contiguous chunk.
    """
    pending: list[pa.Table] = []
    held = 0
    for path in paths:
        table = read_ipc(path)
        offset = 0
        while offset < table.num_rows:
            piece = table.slice(offset, rows - held)
            pending.append(piece)
            held += piece.num_rows
            offset += piece.num_rows
            if held == rows:
                yield pa.concat_tables(pending).combine_chunks()
                pending, held = [], 0
    if held:
        yield pa.concat_tables(pending).combine_chunks()


def write_table(table: pa.Table, path: Path) -> None:
    """Write one table to one Parquet file (used for small state files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def read_table(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read a Parquet file or a directory of them."""
    return pq.read_table(path, columns=columns)


def read_metadata(path: Path) -> dict[bytes, bytes]:
    """The key/value metadata of a Parquet file's schema."""
    return dict(pq.read_schema(path).metadata or {})


def iter_parquet_batches(source: Any, batch_rows: int = 1024) -> Iterator[pa.RecordBatch]:
    """Stream record batches from a Parquet file path or binary file object."""
    pf = pq.ParquetFile(source)
    yield from pf.iter_batches(batch_size=batch_rows)


def take_rows(
    batch: pa.RecordBatch | pa.Table,
    indices: Sequence[int],
    schema: pa.Schema | None,
    *,
    columns: Sequence[str] | None = None,
) -> pa.Table:
    """Rows ``indices`` of ``batch``, restricted to ``schema``'s (or ``columns``') columns."""
    names = (
        list(columns) if columns is not None else (schema.names if schema else batch.schema.names)
    )
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    picked = table.select(names).take(pa.array(indices, type=pa.int64()))
    return picked.cast(schema) if schema is not None else picked


def dataset_head(path: Path, rows: int) -> tuple[list[dict[str, Any]], int]:
    """The first ``rows`` rows of a hive-partitioned dataset folder, and its total row count,
    without reading the rest."""
    dataset = pds.dataset(path, format="parquet", partitioning="hive")
    return dataset.head(rows).to_pylist(), int(dataset.count_rows())


def dataset_lookup(
    path: Path, column: str, values: Sequence[str], columns: list[str]
) -> list[dict[str, Any]]:
    """Rows of a hive-partitioned dataset folder whose ``column`` is one of ``values``."""
    if not values or not path.is_dir():
        return []
    dataset = pds.dataset(path, format="parquet", partitioning="hive")
    return dataset.to_table(  # type: ignore[no-any-return]
        columns=columns, filter=pds.field(column).isin(list(values))
    ).to_pylist()


def first_sorted(paths: Sequence[Path], keys: Sequence[str], rows: int) -> list[dict[str, Any]]:
    """The first ``rows`` rows of Parquet files taken together, in ascending order of ``keys``
    (sorted in Arrow: no Python object per row)."""
    tables = [pq.read_table(path) for path in paths]
    if not tables:
        return []
    table = pa.concat_tables(tables).sort_by([(key, "ascending") for key in keys])
    return table.slice(0, rows).to_pylist()  # type: ignore[no-any-return]


def history_schema(
    band_columns: Sequence[str], signature_columns: Sequence[str], metadata: dict[str, str]
) -> pa.Schema:
    """Schema of a dedup history partition (``_state/history/run_date=.../part-0.parquet``).

    One row per kept article: its id, exact key, one uint64 column per LSH band key and one
    uint32 column per MinHash value (columns, not a list, so a probe can read the band keys
    alone). ``metadata`` carries the history header (``normnews.dedup.history``).
    """
    fields = [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("exact_key", pa.uint64(), nullable=False),
    ]
    fields += [pa.field(name, pa.uint64(), nullable=False) for name in band_columns]
    fields += [pa.field(name, pa.uint32(), nullable=False) for name in signature_columns]
    return pa.schema(fields, metadata={**metadata, "normnews.dataset": "dedup_history"})


def iter_parquet_columns(
    path: Path, columns: Sequence[str], batch_rows: int = 64 * 1024
) -> Iterator[dict[str, Any]]:
    """Stream only ``columns`` of a Parquet file as dicts of numpy arrays (strings as objects).

    Memory stays at one batch of the selected columns, whatever the file size.
    """
    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=batch_rows, columns=list(columns)):
        yield {
            name: batch.column(i).to_numpy(zero_copy_only=False)
            for i, name in enumerate(batch.schema.names)
        }


def parquet_num_rows(path: Path) -> int:
    """Rows in a Parquet file, from its footer."""
    return int(pq.ParquetFile(path).metadata.num_rows)
