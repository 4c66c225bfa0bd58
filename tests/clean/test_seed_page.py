"""The seed page: every word its author wrote stays, and nothing else does."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from normnews.clean import normalise
from normnews.clean.explain import explain
from normnews.config import CleanConfig, RepairConfig

CASE = json.loads(
    (Path(__file__).resolve().parents[1] / "cases" / "clean_seed_page.json").read_text("utf-8")
)[0]
WORD_RE = re.compile(r"\w+")


def _words(text: str) -> Counter[str]:
    return Counter(WORD_RE.findall(text.lower()))


def _clean() -> tuple[str, str, list[str]]:
    out = normalise(
        CASE["input"]["title"], CASE["input"]["text"], repair=RepairConfig(), clean=CleanConfig()
    )
    return out.title, out.text, [f"[{e.step}] {e.detail}" for e in out.edits]


def test_seed_page_reads_as_published():
    """It turns the seed page into exactly the expected title and text."""
    title, text, _ = _clean()
    assert (title, text) == (CASE["expected"]["title"], CASE["expected"]["text"])


def test_every_author_word_stays_and_nothing_else():
    """The output's words are exactly the author's paragraphs' words: no loss, no junk."""
    _, text, _ = _clean()
    assert _words(text) == _words("\n".join(CASE["author"]))


def test_backtick_quotes_become_quotation_marks():
    """The quotation that arrived in backticks reads with quotation marks."""
    _, text, _ = _clean()
    assert "`" not in text
    assert '"They are willing to eat grass, if that is what it takes,"' in text


def test_every_removal_is_explained():
    """Each removed piece is in the edits with its step and reason, and explain shows them."""
    _, _, edits = _clean()
    wanted = [
        "(exact repeat)",
        "(repeat with a comment counter)",
        "(related-posts heading)",
        "(comment form phrase)",
        "(incomplete trailing sentence)",
        "backticks used as quotation marks",
        'removed comment counter "0" from the title',
    ]
    for reason in wanted:
        assert any(reason in edit for edit in edits), reason
    report = explain(
        CASE["input"]["title"], CASE["input"]["text"], repair=RepairConfig(), clean=CleanConfig()
    )
    assert "[truncation] removed" in report and "ambitions, after" in report
