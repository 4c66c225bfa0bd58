"""Census: per-site line frequency, persisted as rows, bounded in memory."""

from __future__ import annotations

from normnews.clean.census import LineCensus, line_key, line_keys, site_of
from normnews.config import CleanConfig

CONFIG = CleanConfig()


def _article(i: int) -> str:
    return f"Story number {i} happened today in the city.\nFollow us on Kestrel\nShare this"


def test_template_lines_of_a_site_become_frequent():
    """It marks a line seen in every article of a site as boilerplate."""
    census = LineCensus()
    for i in range(20):
        census.add(line_keys(_article(i)), "kestrel.example")
    assert line_key("Follow us on Kestrel") in census.frequent(CONFIG)


def test_a_wire_story_sent_three_times_is_not_boilerplate():
    """It does not mark the lines of a story re-sent three times."""
    census = LineCensus()
    story = "Oil prices fell on Monday.\nTraders cited weak demand."
    for _ in range(3):
        census.add(line_keys(story), "wire")
    for i in range(100):
        census.add(line_keys(f"Other story {i}."), "wire")
    assert line_key("Oil prices fell on Monday.") not in census.frequent(CONFIG)


def test_share_of_site_is_required():
    """It needs the line in min_share of the site's articles, not only min_articles."""
    census = LineCensus()
    for i in range(1000):
        census.add(line_keys("Common line here" if i < 10 else f"Unique {i} x y"), "big")
    assert line_key("Common line here") not in census.frequent(CONFIG)


def test_columns_round_trip_with_signed_keys():
    """It round-trips through columns with keys in int64 range and site totals."""
    census = LineCensus()
    census.add([2**64 - 1, 5], "a")
    census.add([5], "b")
    columns = census.to_columns()
    assert all(k is None or -(2**63) <= k < 2**63 for k in columns["key"])
    back = LineCensus.from_columns(columns)
    assert back.counts == census.counts and back.sites == census.sites


def test_merge_adds_counts():
    """It adds another census's counts and site totals."""
    a, b = LineCensus(), LineCensus()
    a.add([1], "s")
    b.add([1], "s")
    a.merge(b)
    assert a.counts[("s", 1)] == 2 and a.sites["s"] == 2


def test_memory_is_bounded_by_pruning_singletons():
    """It drops keys seen once when the table passes its cap."""
    census = LineCensus(cap=100)
    census.add([1], "s")
    census.add([1], "s")
    for i in range(2, 200):
        census.add([i], "s")
    assert len(census.counts) <= 100
    assert census.counts[("s", 1)] == 2


def test_site_of():
    """It takes the URL host, else the folder of a one-article file, else the file."""
    assert site_of("https://www.example.com/a", "x/y.txt") == "example.com"
    assert site_of(None, "feedA/2024/a.jsonl") == "feedA/2024/a.jsonl"
    assert site_of(None, "feedA/2024/a.txt.gz") == "feedA/2024"
    assert site_of(None, "a.jsonl") != site_of(None, "b.jsonl")
    assert site_of("not a url", "a.txt") == ""


def test_data_lines_are_not_counted():
    """It never counts lines with two or more numbers (earnings rows, scores)."""
    census = LineCensus()
    for i in range(50):
        census.add(line_keys(f"Shr {i} cts vs {i + 7} cts\nNet {i} mln vs {i * 3} mln"), "wire")
    assert census.frequent(CONFIG) == frozenset()
