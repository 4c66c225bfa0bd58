"""Duplicated titles: repeats go, genuine first sentences stay."""

from __future__ import annotations

from normnews.clean.evidence import affix_key
from normnews.clean.titles import clean_title, strip_title_counter, strip_titles, title_key

BODY = "The council approved the tram line on Tuesday."


def test_removes_repeats_with_junk_anywhere():
    """It removes the title with a counter, a site suffix and another case, anywhere."""
    text = f"Tram line approved 0\n\n{BODY}\n\nTRAM LINE APPROVED | Rivertown Gazette"
    out, edits = strip_titles("Tram line approved", text)
    assert out == BODY
    assert [e.step for e in edits] == ["title", "title"]
    assert "comment counter" in edits[0].detail and "site name" in edits[1].detail


def test_keeps_first_sentence_that_starts_like_the_title():
    """It keeps a first sentence that begins with the title's words."""
    text = "Tram line approved by the council after a long fight.\n\n" + BODY
    assert strip_titles("Tram line approved", text) == (text, [])


def test_ignores_tiny_titles():
    """It does nothing with a title too short to match safely."""
    assert strip_titles("A", "A\n\nB.") == ("A\n\nB.", [])


def test_key_ignores_quotes_case_and_accents():
    """It gives the same key to quote, case and accent variants."""
    assert title_key("“No deal,” says PM") == title_key("'NO DEAL' SAYS PM")
    assert title_key("Η Βουλή ψήφισε") == title_key("Η ΒΟΥΛΗ ΨΗΦΙΣΕ")


def test_clean_title_strips_site_names_but_not_speakers():
    """It strips '| Site' (a publication's name after a bar) but keeps BBC-style '- Blair'."""
    assert clean_title("Budget row deepens | The Herald")[0] == "Budget row deepens"
    assert clean_title("Tax cuts are a con - Blair") == ("Tax cuts are a con - Blair", [])


def test_a_dash_suffix_needs_evidence():
    """A ' - X' end is the site's name only when it names the URL's host or ends many titles
    of the source; without evidence it is the headline's own ('... - TEHRAN RADIO')."""
    radio = "WAITE KIDNAPPED AS SPY - TEHRAN RADIO"
    assert clean_title(radio) == (radio, [])
    assert clean_title("Budget row deepens - BBC News")[0] == "Budget row deepens - BBC News"
    host = clean_title("Budget row deepens - BBC News", url="https://www.bbc.co.uk/news/1")
    assert host[0] == "Budget row deepens" and "host" in host[1][0].detail
    many = frozenset({affix_key("World News Today", "suffix")})
    out = clean_title("Floods hit Valencia – World News Today", many)
    assert out[0] == "Floods hit Valencia" and "many titles" in out[1][0].detail
    assert clean_title("On TV -- from the Internet")[0] == "On TV -- from the Internet"
    assert clean_title("PODCAST | The interview that changed everything")[1] == []


def test_title_counter_needs_evidence_or_words():
    """It strips '0' only with evidence, and '12 Comments' always."""
    assert strip_title_counter("Rates held 0", "Rates held\n\nText.")[0] == "Rates held"
    assert strip_title_counter("Rates held 0", "Text.")[0] == "Rates held 0"
    assert strip_title_counter("Rates held 12 Comments", "Text.")[0] == "Rates held"
    assert strip_title_counter("BUYS 100,000 SHARES", "Text.")[0] == "BUYS 100,000 SHARES"


def test_counter_evidence_needs_a_real_title():
    """It does not strip a counter from a title that would be left without words."""
    assert strip_title_counter(":0", "")[0] == ":0"
