"""Hypothesis strategies for hostile input files: format × compression × damage.

A :class:`HostileFile` is a small, valid file of generated articles in one of the supported
formats, optionally compressed, then optionally damaged (cut, bytes flipped, bytes inserted,
garbage glued on either end). The fuzz tests and the long campaign
(``NORMNEWS_FUZZ_EXAMPLES=…``) draw from here.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import strategies as st

from normnews.ingest.compression import COMPRESSIONS, compress

FORMATS = ("jsonl", "json", "csv", "tsv", "txt", "md", "parquet")
DAMAGES = ("none", "truncate", "flip", "insert", "append", "prepend")

_TEXT_CHARS = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x00")
_words = st.text(_TEXT_CHARS, min_size=1, max_size=40).filter(lambda s: bool(s.strip()))
_body = st.lists(_words, min_size=1, max_size=6).map(" ".join)
_paragraphs = st.lists(_body, min_size=1, max_size=3).map("\n\n".join)


@dataclass(frozen=True)
class HostileFile:
    """A generated input file.

    Attributes:
        name: File name with its suffixes (``feed.csv.gz``).
        data: The bytes on disk.
        records: How many records the undamaged file holds.
        damage: Which damage was applied (``none`` for an intact file).
    """

    name: str
    data: bytes
    records: int
    damage: str


def _serialise(fmt: str, records: list[dict[str, str]]) -> bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False).encode()
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(["title", "text"])
        writer.writerows([r["title"], r["text"]] for r in records)
        return buf.getvalue().encode()
    if fmt in ("txt", "md"):
        record = records[0]
        return f"{record['title']}\n\n{record['text']}\n".encode()
    table = pa.table({"title": [r["title"] for r in records], "text": [r["text"] for r in records]})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


@st.composite
def hostile_files(draw: st.DrawFn, *, damages: tuple[str, ...] = DAMAGES) -> HostileFile:
    """A file of 1-6 generated articles in a random format and compression, maybe damaged."""
    fmt = draw(st.sampled_from(FORMATS))
    compression = draw(st.sampled_from((None, *COMPRESSIONS)))
    n = 1 if fmt in ("txt", "md") else draw(st.integers(1, 6))
    records = [{"title": draw(_body), "text": draw(_paragraphs)} for _ in range(n)]
    data = _serialise(fmt, records)
    if compression is not None:
        data = compress(data, compression)
    damage = draw(st.sampled_from(damages))
    if damage == "truncate":
        data = data[: draw(st.integers(0, max(0, len(data) - 1)))]
    elif damage == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif damage == "insert":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    elif damage == "append":
        data += draw(st.binary(min_size=1, max_size=64))
    elif damage == "prepend":
        data = draw(st.binary(min_size=1, max_size=64)) + data
    name = f"feed.{fmt}" + (f".{compression}" if compression else "")
    return HostileFile(name, data, n, damage)
