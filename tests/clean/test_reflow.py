"""Reflow: hard-wrapped paragraphs join; real line structure survives."""

from __future__ import annotations

from normnews.clean.reflow import reflow

WRAPPED = (
    "The regional council approved the new tram line on Tuesday after a\n"
    "two-year consultation that drew more than 4,000 written responses\n"
    "from residents and businesses along the planned route.\n"
    "\n"
    "What happens next\n"
    "\n"
    "Construction is expected to start next spring and to last about\n"
    "three years, officials said on Tuesday afternoon at a briefing.\n"
)


def test_joins_wrapped_lines_and_records_an_edit():
    """It joins lines wrapped at ~70 columns and says how many it joined."""
    text, edits = reflow(WRAPPED)
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[1] == "What happens next"
    assert "\n" not in paragraphs[0]
    assert edits and edits[0].step == "reflow" and "joined 3" in edits[0].detail


def test_keeps_short_lines_of_an_unwrapped_text_apart():
    """It keeps every line of an unwrapped text as its own paragraph."""
    text, edits = reflow("Results\nArsenal 2 Chelsea 1\nEverton 0 Leeds 0")
    assert text == "Results\n\nArsenal 2 Chelsea 1\n\nEverton 0 Leeds 0"
    assert edits == []


def test_does_not_join_long_scraped_paragraphs():
    """It keeps single-newline paragraphs of a scrape apart when they are not wrapped."""
    para = "The minister said the plan " + "would cost more than expected " * 10 + "in total."
    text = f"{para}\n{para}\n{para}"
    assert reflow(text)[0].count("\n\n") == 2


def test_joins_a_hyphen_split_word():
    """It joins 'well-' and 'known' without a space."""
    text = (
        "The company, which is one of the most well-\n"
        "known names in the industry, said it would cut more than 200\n"
        "jobs over the next two years as demand for its products falls.\n"
    )
    assert "well-known" in reflow(text)[0]


def test_reuters_tables_stay_rows():
    """It keeps indented table rows of a Reuters earnings report as separate rows."""
    text = (
        "Shr 1.20 dlrs vs 1.10 dlrs\n"
        "    Net 5.0 mln vs 4.0 mln\n"
        "    NOTE: Net includes a gain of\n"
        "2.1 mln dlrs from the sale of a unit.\n"
        " Reuter\n"
    )
    assert reflow(text)[0].split("\n\n") == [
        "Shr 1.20 dlrs vs 1.10 dlrs",
        "Net 5.0 mln vs 4.0 mln",
        "NOTE: Net includes a gain of 2.1 mln dlrs from the sale of a unit.",
        "Reuter",
    ]


def test_output_format():
    """It separates paragraphs by one blank line with no outer whitespace."""
    text = reflow("\n\n  a  b \n\n\n\n c\n\n")[0]
    assert text == "a b\n\nc"
