"""Publication times: every form feeds write, the raw value kept on failure, the run warns."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from normnews.config import load_config
from normnews.dates import parse_date, undated_feed_warnings
from normnews.model import RawRecord
from normnews.pipeline import run
from normnews.process import WorkerSetup, init_worker, process_batch
from normnews.schema import read_ipc
from normnews.scratch import park

REUTERS = Path(__file__).parent.parent / "../shared/corpora/reuters-21578/reuters21578.jsonl.gz"
BODY = "The council approved the plan on Tuesday. Work starts in March next year."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # RFC 2822, with a zone name and with an offset
        ("Thu, 07 Sep 2017 10:00:00 GMT", datetime(2017, 9, 7, 10, tzinfo=UTC)),
        ("Thu, 07 Sep 2017 10:00:00 +0700", datetime(2017, 9, 7, 3, tzinfo=UTC)),
        # ISO 8601: offset, Z, date only, no zone (taken as UTC)
        ("2017-09-07T10:00:00+07:00", datetime(2017, 9, 7, 3, tzinfo=UTC)),
        ("2017-09-07T10:00:00Z", datetime(2017, 9, 7, 10, tzinfo=UTC)),
        ("2017-09-07", datetime(2017, 9, 7, tzinfo=UTC)),
        ("2017-09-07 10:00:00", datetime(2017, 9, 7, 10, tzinfo=UTC)),
        # Reuters-21578 newswire form
        ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC)),
        # epoch seconds, milliseconds, fractional seconds
        ("1504778400", datetime(2017, 9, 7, 10, tzinfo=UTC)),
        ("1504778400000", datetime(2017, 9, 7, 10, tzinfo=UTC)),
        ("1504778400.5", datetime(2017, 9, 7, 10, 0, 0, 500000, tzinfo=UTC)),
        # other spelled-out forms dateutil reads
        ("September 7, 2017 10:00 AM", datetime(2017, 9, 7, 10, tzinfo=UTC)),
    ],
)
def test_each_date_form_parses_to_utc(value: str, expected: datetime):
    """Each form a feed writes becomes the same aware UTC instant."""
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "May 5", "3", "2017", "", "  ", "n/a", "12345"])
def test_values_that_are_no_date_stay_unparsed(value: str):
    """Words, a date without a year and short numbers (years, ids) are not guessed at, so the
    result never depends on today's date."""
    assert parse_date(value) is None


@pytest.fixture
def worker(tmp_path: Path) -> Path:
    init_worker(WorkerSetup(load_config(None, input_dir=tmp_path, out_dir=tmp_path / "out")))
    return tmp_path


def test_an_unparsed_date_is_null_counted_and_kept_raw(worker: Path):
    """A value that does not parse gives a null ``published``, an edit, a count for its file,
    and the raw value under ``published_raw`` in ``extra``; a parsed one keeps ``extra`` null."""
    items = [
        RawRecord("a.jsonl", 0, "One", BODY, published="le 3 brumaire"),
        RawRecord("a.jsonl", 1, "Two", BODY + " Again.", published="26-FEB-1987 15:01:01.79"),
    ]
    result = process_batch(park(items, worker, seq=0))
    assert result.dates_given == {"a.jsonl": 2} and result.dates_failed == {"a.jsonl": 1}
    assert result.articles_path is not None
    table = read_ipc(Path(result.articles_path))
    assert table.column("published").to_pylist()[0] is None
    assert json.loads(table.column("extra").to_pylist()[0]) == {"published_raw": "le 3 brumaire"}
    assert table.column("extra").to_pylist()[1] is None


def test_a_feed_whose_dates_all_fail_is_named_with_the_fallback():
    """Only a file whose every date failed is warned about, and the message names the
    survivor rule that decides instead."""
    warnings = undated_feed_warnings(
        {"a.csv": 3, "b.csv": 3}, {"a.csv": 3, "b.csv": 1}, ("published", "length", "input_order")
    )
    assert len(warnings) == 1 and warnings[0].startswith("a.csv:")
    assert "length then input_order" in warnings[0]


def test_the_run_counts_date_failures_in_the_manifest(tmp_path: Path, caplog):
    """The manifest counts ``date_parse_failures`` and the log warns for the undated feed."""
    inp = tmp_path / "in"
    inp.mkdir()
    rows = [{"title": f"T{i}", "text": f"{BODY} Item {i}.", "date": "soon"} for i in range(3)]
    (inp / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = load_config(None, input_dir=inp, out_dir=tmp_path / "out", workers=1)
    with caplog.at_level("WARNING", logger="normnews"):
        result = run(config)
    manifest = json.loads(Path(str(result.summary()["manifest"])).read_text())
    assert manifest["counts"]["date_parse_failures"] == 3
    assert any("feed.jsonl: none of its 3" in m for m in caplog.messages)


@pytest.mark.skipif(not REUTERS.exists(), reason="Reuters-21578 corpus not present")
def test_reuters_dates_parse_for_99_percent():
    """At least 99% of Reuters-21578's ``date`` values parse (measured: 99.72%)."""
    with gzip.open(REUTERS, "rt") as fh:
        values = [json.loads(line).get("date") or "" for line in fh]
    parsed = sum(parse_date(v) is not None for v in values)
    assert parsed / len(values) >= 0.99
