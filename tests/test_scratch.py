"""Batches parked in scratch files between the reader and the workers."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from normnews.model import RawRecord, Reject
from normnews.scratch import park, unpark

_TEXT = st.one_of(st.none(), st.text(max_size=40))
_RECORD = st.builds(
    RawRecord,
    source=st.text(min_size=1, max_size=10),
    record=st.integers(min_value=0, max_value=2**40),
    title=_TEXT,
    text=_TEXT,
    url=_TEXT,
    published=_TEXT,
    guid=_TEXT,
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
)
_REJECT = st.builds(
    Reject,
    source=st.text(min_size=1, max_size=10),
    record=st.one_of(st.none(), st.integers(min_value=0, max_value=99)),
    reason=st.sampled_from(["bad_json", "decode_error"]),
    detail=st.text(max_size=20),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_RECORD, _REJECT), max_size=12))
def test_a_parked_batch_reads_back_as_it_was_read(items):
    """It gives back every record and reject of a batch, unchanged and in input order
    (nothing lost, nothing reordered: the round trip the workers rely on)."""
    with tempfile.TemporaryDirectory() as tmp:
        batch = park(items, Path(tmp), seq=7)
        assert batch.items == len(items)
        assert unpark(batch) == items
