"""Fuzzing every reader: format × compression × damage, read alone and through a whole run.

``NORMNEWS_FUZZ_EXAMPLES`` raises the number of examples for a long campaign (recorded in
``benchmarks/results/reliability.md``); the default keeps the suite fast.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normnews.config import LimitsConfig
from normnews.ingest.discover import discover
from normnews.ingest.readers import read_file
from normnews.model import RawRecord, Reject

from .common import rows, run_job
from .strategies import HostileFile, hostile_files

EXAMPLES = int(os.environ.get("NORMNEWS_FUZZ_EXAMPLES", "150"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_files())
def test_a_reader_never_raises_and_loses_nothing_intact(file: HostileFile):
    """Whatever the damage, reading yields records and rejects and never raises; keys are
    unique; an undamaged file gives exactly its records, all of them articles."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / file.name).write_bytes(file.data)
        (found,) = discover(Path(tmp))
        items = list(read_file(found))
    assert items, "every file yields at least one item"
    assert all(isinstance(i, RawRecord | Reject) for i in items)
    keys = [(i.source, i.record) for i in items]
    assert len(set(keys)) == len(keys)
    if file.damage == "none":
        assert [type(i).__name__ for i in items] == ["RawRecord"] * file.records, items


@pytest.mark.slow
@settings(
    max_examples=max(10, EXAMPLES // 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(hostile_files(), min_size=1, max_size=3))
def test_records_in_equal_articles_duplicates_and_rejects(files: list[HostileFile]):
    """Through a whole run, counted from the Parquet rows: records in = articles + duplicates +
    rejects, and no run fails with a traceback; intact files lose no record."""
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in", Path(tmp) / "out"
        for i, file in enumerate(files):
            (inp / str(i)).mkdir(parents=True)
            (inp / str(i) / file.name).write_bytes(file.data)
        result = run_job(inp, out, max_error_rate=1.0)
        found = {name: rows(out, name) for name in ("articles", "duplicates", "rejects")}
    records_in = result.counts["records_in"]
    assert records_in == sum(len(r) for r in found.values())
    intact = [f"{i}/{f.name}" for i, f in enumerate(files) if f.damage == "none"]
    for source in intact:
        expected = next(f.records for i, f in enumerate(files) if f"{i}/{f.name}" == source)
        got = sum(1 for rs in found.values() for r in rs if r["source"] == source)
        assert got == expected, source


_texts = st.text(
    st.characters(categories=("L", "N", "P", "S", "Zs"), include_characters='"\\,[]{}\n'),
    min_size=1,
    max_size=60,
).filter(lambda s: bool(s.strip()))


@settings(max_examples=max(50, EXAMPLES // 3), deadline=None)
@given(
    st.lists(st.fixed_dictionaries({"title": _texts, "text": _texts}), min_size=2, max_size=8),
    st.sampled_from(["array", "container", "lines"]),
    st.sampled_from([None, 1, 2]),
)
def test_a_streamed_json_gives_the_records_of_a_whole_one(
    records: list[dict[str, str]], shape: str, indent: int | None
):
    """A ``.json`` larger than ``max_record_bytes`` is streamed value by value; whatever its
    shape (array, container object, JSON lines in a .json), it gives the same records as the
    same file read whole."""
    if shape == "array":
        doc = json.dumps(records, indent=indent)
    elif shape == "container":
        doc = json.dumps({"source": "feed", "articles": records}, indent=indent)
    else:
        doc = "\n".join(json.dumps(r) for r in records)
    longest = max(len(json.dumps(r, indent=indent).encode()) for r in records) + 64
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "doc.json").write_text(doc, encoding="utf-8")
        (found,) = discover(Path(tmp))
        whole = list(read_file(found))
        limit = min(longest, len(doc.encode()) - 1)
        streamed = list(read_file(found, LimitsConfig(max_record_bytes=limit)))

    def key(items: list[RawRecord | Reject]) -> list[tuple[object, ...]]:
        return [
            (i.record, i.title, i.text) if isinstance(i, RawRecord) else (i.record, i.reason)
            for i in items
        ]

    assert key(streamed) == key(whole)
