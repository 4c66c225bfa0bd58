"""The library does what the CLI does, without the CLI."""

from __future__ import annotations

from datetime import date

import pyarrow.parquet as pq
import pytest

import normnews
from normnews.errors import NothingToDo


def test_run_from_python_matches_the_contract(tmp_path, sample_dir):
    """normnews.run(config) publishes the same datasets and reports the same counts."""
    config = normnews.load_config(
        None, input_dir=sample_dir, out_dir=tmp_path / "out", run_date="2026-11-24", workers=1
    )
    assert config.run_date == date(2026, 11, 24)
    result = normnews.run(config)
    assert result.status == "ok"
    counts = result.counts
    assert counts["records_in"] == counts["articles"] + counts["duplicates"] + counts["rejects"]
    table = pq.read_table(tmp_path / "out" / "articles")
    assert table.num_rows == counts["articles"]
    with pytest.raises(NothingToDo):
        normnews.run(config)
