"""Run statistics for the manifest: words removed per step, the articles that lost most, learned
lines, duplicate similarity; merged across batches as if counted in one pass, and bounded."""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import SAMPLE, run_cli
from normnews.model import Edit
from normnews.runstats import FIRST_IDS, WORST, TextStats, duplicate_stats, word_count

LEARNED = "repeats across the site's articles"


def _article(i: int, rng: random.Random) -> tuple[dict[str, object], list[Edit], int]:
    edits = []
    for _ in range(rng.randint(0, 3)):
        words = " ".join("w" for _ in range(rng.randint(1, 30)))
        why = rng.choice([LEARNED, "share prompt"])
        edits.append(Edit(rng.choice(["title", "boilerplate"]), f'removed "{words}" ({why})'))
    if rng.random() < 0.2:
        edits.append(Edit("published", "could not parse 'soon'; set to null"))
    meta = {"article_id": f"a{i}", "source": f"f{i}.txt", "record": 0, "title": f"T{i}"}
    return meta, edits, rng.randint(1, 60)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.lists(st.integers(1, 40), min_size=1, max_size=6))
def test_batches_merged_equal_one_pass(seed, sizes):
    """Counting batch by batch and merging in input order gives the same statistics as one
    pass over all articles."""
    rng = random.Random(seed)
    articles = [_article(i, rng) for i in range(sum(sizes))]
    whole = TextStats()
    for meta, edits, words in articles:
        whole.add(meta, edits, words_out=words, raw_text="", site="s", learned_reason=LEARNED)
    merged = TextStats()
    start = 0
    for size in sizes:
        batch = TextStats()
        for meta, edits, words in articles[start : start + size]:
            batch.add(meta, edits, words_out=words, raw_text="", site="s", learned_reason=LEARNED)
        merged.merge(batch)
        start += size
    assert merged.to_manifest() == whole.to_manifest()
    assert merged.learned_lines() == whole.learned_lines()


def test_lists_stay_bounded_and_in_input_order():
    """Of 500 articles that lost most of their text, the first 20 ids (input order) and the 10
    worst are kept, and the count is exact."""
    stats = TextStats()
    for i in range(500):
        lost = 10 + i % 7
        meta = {"article_id": f"a{i}", "source": "f", "record": i, "title": ""}
        edits = [Edit("boilerplate", f'removed "{" ".join(["x"] * lost)}" (share prompt)')]
        stats.add(meta, edits, words_out=5, raw_text="", site="", learned_reason=LEARNED)
    out = stats.to_manifest()
    assert out["lost_over_half"]["count"] == 500
    assert [a["article_id"] for a in out["lost_over_half"]["first"]] == [
        f"a{i}" for i in range(FIRST_IDS)
    ]
    assert len(out["most_lost"]) == WORST
    assert all(a["share"] == round(16 / 21, 4) for a in out["most_lost"])
    assert sum(out["share_histogram"]["by_step"]["total"]) == 500


def test_word_count_matches_split_on_cleaned_text():
    """On text in the output format the separator count equals str.split()."""
    text = "One two three.\n\nFour five.\n\nSix."
    assert word_count(text) == len(text.split()) == 6


def test_duplicate_stats_histogram_and_clusters():
    """Every removed copy lands in one similarity bin; clusters count kept + removed."""
    found = [(1.0, "exact", "k1"), (0.71, "near", "k1"), (0.9, "near", "k2")]
    stats = duplicate_stats(found, 0.7)
    assert sum(stats["similarity_histogram"]["counts"]) == 3
    assert stats["similarity_histogram"]["counts"][-1] == 1  # 1.0 goes in the last bin
    assert stats["cluster_sizes"] == {"2": 1, "3": 1}
    assert stats["by_method"] == {"exact": 1, "near": 2}


def test_sample_manifest_carries_the_new_fields(tmp_path):
    """The sample run's manifest: words removed per step add up, every processed article is
    in the histogram, and dedup statistics match the counts."""
    done = run_cli("run", SAMPLE, "--out", tmp_path / "out", "--run-date", "2026-11-24")
    manifest = json.loads(Path(str(done.summary["manifest"])).read_text(encoding="utf-8"))
    counts, text, dedup = manifest["counts"], manifest["text"], manifest["dedup"]
    assert text["words_removed"] == sum(text["words_removed_by_step"].values()) > 0
    assert text["articles"] == counts["articles"] + counts["duplicates"]
    assert sum(text["share_histogram"]["by_step"]["total"]) == text["articles"]
    assert counts["date_parse_failures"] == text["date_parse_failures"] == 0
    assert counts["articles_lost_over_half"] == text["lost_over_half"]["count"]
    assert sum(dedup["similarity_histogram"]["counts"]) == counts["duplicates"]
    assert dedup["threshold"] == manifest["config"]["dedup"]["threshold"]
    assert isinstance(manifest["learned_lines"], list)
    worst = text["most_lost"][0]
    # The scraped page with its title three times and a comment form loses the most.
    assert worst["source"] == "blog/harbour-bridge-reopens.txt" and 0 < worst["share"] < 1


def test_unparsable_dates_are_counted(tmp_path):
    """A publication time that does not parse is counted on the summary line and in the
    manifest (the article is kept with a null date)."""
    data = tmp_path / "in"
    data.mkdir()
    rows = [
        {"title": "Ferry", "text": "The ferry sailed on time today.", "published": "soon"},
        {"title": "Bridge", "text": "The bridge opened at noon.", "published": "2026-11-24"},
    ]
    (data / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = run_cli("run", data, "--out", tmp_path / "out", "--run-date", "2026-11-24")
    assert done.summary["date_parse_failures"] == 1 and done.summary["articles"] == 2
