"""Batches parked in scratch files between the reader, the workers and the writer.

The input is read and decoded once, by the parent, into numbered batches of raw records
written as Arrow IPC files in the run's staging folder. Workers are sent only a batch's
:class:`ScratchBatch` (a path and the readers' rejects), read the records from the file, and
write the articles they make to a sibling file; the parent gets back ids, keys and signatures
for dedup, never the texts. So the census pass and the main pass share one read of the input,
and no article text is pickled between processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from normnews.model import Article, RawRecord, Reject
from normnews.schema import RAW, SPOOL, read_ipc, table_from_columns, write_ipc

_RAW_FIELDS = tuple(RAW.names)


@dataclass(frozen=True, slots=True)
class ScratchBatch:
    """One batch of input, in input order: raw records in a scratch file, rejects in line.

    Attributes:
        seq: The batch's number in the run (names its files; batches are handled in order).
        path: The IPC file holding the batch's raw records.
        records: How many raw records the file holds.
        rejects: The readers' rejects of this batch and their positions among its items.
    """

    seq: int
    path: str
    records: int
    rejects: tuple[tuple[int, Reject], ...] = ()

    @property
    def items(self) -> int:
        """Records plus rejects: the input items this batch stands for."""
        return self.records + len(self.rejects)

    @property
    def articles_path(self) -> str:
        """Where a worker writes the articles made from this batch."""
        return str(Path(self.path).with_name(f"articles-{self.seq:08d}.arrow"))


def park(items: Sequence[RawRecord | Reject], folder: Path, seq: int) -> ScratchBatch:
    """Write a batch's raw records to a scratch file; keep its rejects (with their places).

    Args:
        items: The batch as read, in input order.
        folder: The scratch folder (inside the run's staging folder).
        seq: The batch's number.

    Returns:
        The batch's descriptor.
    """
    records = [item for item in items if isinstance(item, RawRecord)]
    rejects = tuple((i, item) for i, item in enumerate(items) if isinstance(item, Reject))
    path = folder / f"raw-{seq:08d}.arrow"
    columns = {name: [getattr(r, name) for r in records] for name in _RAW_FIELDS}
    write_ipc(table_from_columns(columns, RAW), path)
    return ScratchBatch(seq, str(path), len(records), rejects)


def unpark(batch: ScratchBatch) -> list[RawRecord | Reject]:
    """The batch's items, in input order (records read back from its file).

    Args:
        batch: A batch written by :func:`park`.

    Returns:
        Raw records and rejects, as they were read.
    """
    table = read_ipc(Path(batch.path))
    columns = [table.column(name).to_pylist() for name in _RAW_FIELDS]
    records: list[RawRecord | Reject] = [
        RawRecord(*values) for values in zip(*columns, strict=True)
    ]
    for position, reject in batch.rejects:
        records.insert(position, reject)
    return records


def census_inputs(batch: ScratchBatch) -> list[tuple[str, str | None, str]]:
    """``(text, url, source)`` of each raw record of a batch (what the line census reads).

    Args:
        batch: A batch written by :func:`park`.

    Returns:
        One tuple per record, in order; a missing text is ``""``.
    """
    table = read_ipc(Path(batch.path), columns=["text", "url", "source"])
    texts, urls, sources = (table.column(i).to_pylist() for i in range(3))
    return [
        (text or "", url, source) for text, url, source in zip(texts, urls, sources, strict=True)
    ]


def write_articles(
    articles: Sequence[Article],
    exact_keys: Sequence[int],
    published: Sequence[int | None],
    path: Path,
) -> None:
    """Write a batch's articles (and their exact keys) to a scratch file of the spool schema.

    Args:
        articles: The articles, in input order.
        exact_keys: Each article's exact-duplicate key.
        published: Each article's publication time in microseconds since the epoch (or None).
        path: Where to write.
    """
    columns: dict[str, Any] = {
        "article_id": [a.article_id for a in articles],
        "source": [a.source for a in articles],
        "record": [a.record for a in articles],
        "title": [a.title for a in articles],
        "text": [a.text for a in articles],
        "url": [a.url for a in articles],
        "published": list(published),
        "guid": [a.guid for a in articles],
        "encoding": [a.encoding for a in articles],
        "edits": [[{"step": e.step, "detail": e.detail} for e in a.edits] for a in articles],
        "exact_key": list(exact_keys),
    }
    write_ipc(table_from_columns(columns, SPOOL), path)
