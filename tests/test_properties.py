"""Invariants of a whole run, over generated inputs (hypothesis)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import normnews
from normnews.clean import normalise

_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300
)
_RECORD = st.one_of(
    st.fixed_dictionaries({"title": _TEXT, "text": _TEXT}),
    st.fixed_dictionaries({"headline": _TEXT}),  # no text: a reject
    st.just("not json at all"),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(_RECORD, min_size=1, max_size=12))
def test_nothing_is_lost_and_text_survives_the_round_trip(records):
    """Records in = articles + duplicates + rejects; every article's text and title read back
    from Parquet are exactly what normalisation produced; ids are unique."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        src.mkdir()
        lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
        (src / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        # Line-frequency evidence depends on the whole batch; it is switched off here so the
        # expected text can be computed article by article.
        config = normnews.load_config(
            None,
            input_dir=src,
            out_dir=out,
            run_date="2026-11-24",
            workers=1,
            max_error_rate=1.0,
            **{"clean.boilerplate_min_articles": 10**9},
        )
        result = normnews.run(config)
        counts = result.counts
        assert counts["records_in"] == counts["articles"] + counts["duplicates"] + counts["rejects"]
        articles = pq.read_table(out / "articles").to_pylist()
        dups = pq.read_table(out / "duplicates").to_pylist()
        rejects = pq.read_table(out / "rejects").to_pylist()
        seen = [a["record"] for a in articles] + [d["record"] for d in dups]
        seen += [r["record"] for r in rejects]
        assert sorted(seen) == [r for r in range(len(lines)) if lines[r].strip()]
        ids = [a["article_id"] for a in articles]
        assert len(set(ids)) == len(ids)
        assert {d["duplicate_of"] for d in dups} <= set(ids)
        for a in articles:
            raw = json.loads(lines[a["record"]])
            expected = normalise(
                raw.get("title"), raw["text"], repair=config.repair, clean=config.clean
            )
            assert a["text"] == expected.text
            assert (a["title"] or "") == expected.title
