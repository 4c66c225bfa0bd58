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
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from normnews.model import Article, RawRecord, Reject
from normnews.schema import RAW, SPOOL, read_ipc, table_from_columns, write_ipc

_RECORD_FIELDS = tuple(f.name for f in fields(RawRecord))
_REJECT_FIELDS = ("reason", "detail")
# The file's columns are the record's fields, then what only a reject has.
assert RAW.names == [*_RECORD_FIELDS, *_REJECT_FIELDS], "RAW must mirror RawRecord"


@dataclass(frozen=True, slots=True)
class ScratchBatch:
    """One batch of input, in input order, parked in a scratch file.

    Attributes:
        seq: The batch's number in the run (names its files; batches are handled in order).
        path: The IPC file holding the batch's items (records and the readers' rejects).
        items: How many input items it holds.
    """

    seq: int
    path: str
    items: int

    @property
    def articles_path(self) -> str:
        """Where a worker writes the articles made from this batch."""
        return str(Path(self.path).with_name(f"articles-{self.seq:08d}.arrow"))


def park(items: Sequence[RawRecord | Reject], folder: Path, seq: int) -> ScratchBatch:
    """Write a batch's items (records and rejects, in input order) to a scratch file.

    The rejects go into the file too: the parent keeps nothing per item, so a feed of millions
    of broken lines costs disk, not memory.

    Args:
        items: The batch as read, in input order.
        folder: The scratch folder (inside the run's staging folder).
        seq: The batch's number.

    Returns:
        The batch's descriptor.
    """
    columns: dict[str, list[Any]] = {name: [] for name in RAW.names}
    for item in items:
        if isinstance(item, RawRecord):
            for name in _RECORD_FIELDS:
                columns[name].append(getattr(item, name))
            columns["reason"].append(None)
            columns["detail"].append(None)
        else:
            for name in _RECORD_FIELDS:
                columns[name].append(getattr(item, name, None))
            columns["reason"].append(item.reason)
            columns["detail"].append(item.detail)
    path = folder / f"raw-{seq:08d}.arrow"
    write_ipc(table_from_columns(columns, RAW), path)
    return ScratchBatch(seq, str(path), len(items))


def unpark(batch: ScratchBatch) -> list[RawRecord | Reject]:
    """The batch's items, in input order, as they were read.

    Args:
        batch: A batch written by :func:`park`.

    Returns:
        Raw records and rejects.
    """
    table = read_ipc(Path(batch.path))
    rows = zip(*(table.column(name).to_pylist() for name in RAW.names), strict=True)
    out: list[RawRecord | Reject] = []
    for source, record, title, text, url, published, guid, encoding, extra, reason, detail in rows:
        if reason is None:
            out.append(
                RawRecord(source, record, title, text, url, published, guid, encoding, extra)
            )
        else:
            out.append(Reject(source, record, reason, detail or ""))
    return out


def census_inputs(batch: ScratchBatch) -> list[tuple[str, str | None, str, str | None]]:
    """``(text, url, source, title)`` of each raw record of a batch (what the census reads).

    Args:
        batch: A batch written by :func:`park`.

    Returns:
        One tuple per record (rejects left out), in order; a missing text is ``""``.
    """
    table = read_ipc(Path(batch.path), columns=["text", "url", "source", "reason", "title"])
    texts, urls, sources, reasons, titles = (table.column(i).to_pylist() for i in range(5))
    return [
        (text or "", url, source, title)
        for text, url, source, reason, title in zip(
            texts, urls, sources, reasons, titles, strict=True
        )
        if reason is None
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
        "extra": [a.extra for a in articles],
        "exact_key": list(exact_keys),
    }
    write_ipc(table_from_columns(columns, SPOOL), path)
