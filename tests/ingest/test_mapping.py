"""Feeds with their own field names: per-feed mappings, header-less CSV, kept extra fields."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from normnews.config import FeedMapping, load_config
from normnews.errors import ConfigError, TooManyRejects
from normnews.ingest.readers import read_file
from normnews.model import RawRecord, Reject
from normnews.pipeline import run

from .conftest import CORPORA, write_input

AG_NEWS = CORPORA / "ag-news-test" / "test.csv.gz"
BODY = "The council approved the plan on Tuesday. Work starts in March next year."


def records(tmp_path: Path, relpath: str, data: str, mapping: FeedMapping | None) -> list:
    return list(read_file(write_input(tmp_path, relpath, data), mapping=mapping))


def test_a_mapped_field_is_the_text_title_url_date_and_id(tmp_path: Path):
    """Mapped names win over the built-in ones, in JSON lines as in CSV, case-insensitively."""
    mapping = FeedMapping(
        text="Description", title="heading", url="href", published="when", id="key"
    )
    row = {
        "Description": BODY,
        "text": "not this",
        "heading": "Plan approved",
        "href": "https://x.test/a",
        "when": "2017-09-07",
        "key": "k1",
    }
    (rec,) = records(tmp_path, "a.jsonl", json.dumps(row) + "\n", mapping)
    assert isinstance(rec, RawRecord)
    assert (rec.text, rec.title, rec.url, rec.published, rec.guid) == (
        BODY,
        "Plan approved",
        "https://x.test/a",
        "2017-09-07",
        "k1",
    )
    csv_data = "heading,Description\nPlan approved,The plan.\n"
    (rec,) = records(tmp_path, "b.csv", csv_data, mapping)
    assert isinstance(rec, RawRecord) and (rec.title, rec.text) == ("Plan approved", "The plan.")


def test_a_mapped_field_that_is_missing_falls_back_to_the_built_in_names(tmp_path: Path):
    """A record without the mapped field still finds its text under a built-in name."""
    (rec,) = records(tmp_path, "a.jsonl", json.dumps({"body": BODY}) + "\n", FeedMapping(text="x"))
    assert isinstance(rec, RawRecord) and rec.text == BODY


def test_header_less_csv_with_named_columns_reads_the_first_row_as_data(tmp_path: Path):
    """With ``columns`` the first row is a record, not a header."""
    data = '"3","Goal rush","Three goals."\n"1","Vote","The vote passed."\n'
    out = records(tmp_path, "a.csv", data, FeedMapping(columns=("class", "title", "text")))
    assert [(r.record, r.title, r.text) for r in out if isinstance(r, RawRecord)] == [
        (0, "Goal rush", "Three goals."),
        (1, "Vote", "The vote passed."),
    ]


def test_delimiter_and_quoting_options(tmp_path: Path):
    """A ``;`` file is split on ``;``; with quoting off a ``"`` is text, not a quote."""
    data = 'title;text\n"Quoted" title;Body with "quotes\n'
    (rec,) = records(tmp_path, "a.csv", data, FeedMapping(delimiter=";", quoting=False))
    assert isinstance(rec, RawRecord)
    assert (rec.title, rec.text) == ('"Quoted" title', 'Body with "quotes')
    tsv = records(tmp_path, "b.tsv", "a|b\n", FeedMapping(columns=("title", "text"), delimiter="|"))
    assert isinstance(tsv[0], RawRecord) and tsv[0].text == "b"


def test_extra_fields_are_kept_as_a_json_object(tmp_path: Path):
    """Listed fields land in ``extra`` as strings, sorted, missing ones left out; without
    ``extra`` the column is null."""
    row = {"text": BODY, "Category": "sport", "author": "A. Writer", "views": 12}
    mapping = FeedMapping(extra=("category", "views", "language"))
    (rec,) = records(tmp_path, "a.jsonl", json.dumps(row) + "\n", mapping)
    assert isinstance(rec, RawRecord)
    assert rec.extra == '{"category": "sport", "views": "12"}'
    (plain,) = records(tmp_path, "b.jsonl", json.dumps(row) + "\n", None)
    assert isinstance(plain, RawRecord) and plain.extra is None


def test_a_header_less_csv_misread_says_no_header_and_shows_the_fix(tmp_path: Path):
    """Every row rejected for missing text: the reject says "No header?" and gives the two
    config lines, with the longest column guessed as the text."""
    data = '"3","Goal rush","Three goals in ten minutes."\n"1","Vote","The vote passed."\n'
    out = records(tmp_path, "a.csv", data, None)
    assert out and all(isinstance(r, Reject) and r.reason == "missing_text" for r in out)
    detail = out[0].detail
    assert "No header?" in detail
    assert '[feeds.myfeed]\ncolumns = ["col1", "title", "text"]' in detail


def test_config_feeds_tables_and_the_feed_option(tmp_path: Path):
    """``[feeds.NAME]`` tables are read in order; ``match`` picks by path, ``feed`` (``--feed``)
    forces one mapping, and an unknown name or option is a config error."""
    toml = tmp_path / "normnews.toml"
    toml.write_text(
        '[feeds.ag]\nmatch = "ag/*"\ncolumns = ["class", "title", "text"]\n'
        '[feeds.rest]\ntext = "description"\nextra = ["category"]\n'
    )
    cfg = load_config(toml, input_dir=tmp_path, out_dir=tmp_path / "out")
    assert cfg.mapping_for("ag/x.csv") == cfg.feeds["ag"]
    assert cfg.mapping_for("other/y.jsonl") == cfg.feeds["rest"]
    forced = load_config(toml, input_dir=tmp_path, out_dir=tmp_path / "out", feed="rest")
    assert forced.mapping_for("ag/x.csv") == cfg.feeds["rest"]
    with pytest.raises(ConfigError, match="not defined"):
        load_config(toml, input_dir=tmp_path, out_dir=tmp_path / "out", feed="nope")
    toml.write_text('[feeds.bad]\ntext_field = "x"\n')
    with pytest.raises(ConfigError, match="unknown option"):
        load_config(toml, input_dir=tmp_path, out_dir=tmp_path / "out")
    toml.write_text('[feeds.bad]\ndelimiter = "ab"\n')
    with pytest.raises(ConfigError, match="delimiter"):
        load_config(toml, input_dir=tmp_path, out_dir=tmp_path / "out")


def test_extra_reaches_the_articles_dataset(tmp_path: Path):
    """A run writes ``extra`` as a JSON string DuckDB can query with ``->>``."""
    inp = tmp_path / "in"
    write_input(inp, "a.jsonl", json.dumps({"text": BODY, "category": "local"}) + "\n")
    toml = tmp_path / "n.toml"
    toml.write_text('[feeds.f]\nextra = ["category"]\n')
    cfg = load_config(toml, input_dir=inp, out_dir=tmp_path / "out", workers=1)
    run(cfg)
    got = duckdb.sql(
        f"SELECT extra->>'category' FROM read_parquet('{tmp_path}/out/articles/**/*.parquet')"
    ).fetchall()
    assert got == [("local",)]


@pytest.mark.skipif(not AG_NEWS.exists(), reason="AG News corpus not present")
def test_ag_news_as_shipped_runs_with_a_two_line_config(tmp_path: Path):
    """AG News (header-less class, title, description) fails with the "No header?" fix in the
    error, and runs with exactly that two-line config: every record an article or duplicate."""
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(AG_NEWS, inp / AG_NEWS.name)
    with pytest.raises(TooManyRejects, match="No header"):
        run(load_config(None, input_dir=inp, out_dir=tmp_path / "out0", workers=1))
    toml = tmp_path / "normnews.toml"
    toml.write_text('[feeds.agnews]\ncolumns = ["class", "title", "text"]\n')
    assert len(toml.read_text().splitlines()) == 2
    result = run(load_config(toml, input_dir=inp, out_dir=tmp_path / "out", workers=1))
    assert result.counts["records_in"] == 7600 and result.counts["rejects"] == 0
    assert result.counts["articles"] + result.counts["duplicates"] == 7600
