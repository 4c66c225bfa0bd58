"""normalise: the steps in order, switches, audit, and never-raise/idempotency properties."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normnews.clean import normalise, step_counts
from normnews.clean.explain import explain
from normnews.config import CleanConfig, RepairConfig

REPAIR = RepairConfig()
CLEAN = CleanConfig()
PAGE = (
    "Rates held at 4.75%\n\nRates held at 4.75% 0\n\n"
    "The Bank of England held rates on Thursday. The decision was widely expected by\n\n"
    "Leave a Reply"
)


def test_every_step_can_be_switched_off():
    """It leaves titles, boilerplate and cuts in place when every step is off."""
    off = replace(CLEAN, titles=False, boilerplate=False, truncation=False)
    out = normalise("Rates held at 4.75%", PAGE, repair=REPAIR, clean=off)
    assert out.text == PAGE
    assert step_counts(out.edits) == dict.fromkeys(step_counts([]), 0)


def test_steps_run_and_are_counted():
    """It removes the repeats, the cut tail and the form, and counts each step."""
    out = normalise("Rates held at 4.75%", PAGE, repair=REPAIR, clean=CLEAN)
    assert out.text == "The Bank of England held rates on Thursday."
    counts = step_counts(out.edits)
    assert counts["title"] == 2 and counts["truncation"] == 1 and counts["boilerplate"] == 1


def test_explain_marks_each_change_with_its_step_and_reason():
    """It prints before, after and one line per edit with step and reason."""
    report = explain("Rates held at 4.75%", PAGE, repair=REPAIR, clean=CLEAN)
    assert "BEFORE" in report and "AFTER" in report
    assert '- [boilerplate] removed "Leave a Reply" (comment form phrase)' in report
    assert "- [truncation] removed" in report
    assert "  - Leave a Reply" in report


WORDS = st.sampled_from(
    [
        "Rates",
        "held",
        "0",
        "Leave a Reply",
        "Share",
        "the",
        "said.",
        "after",
        ",",
        "|",
        "BBC News",
        "\n",
        "\n\n",
        "    ",
        "cafÃ©",
        "#39;",
        "quot;",
        "。",
        "北京",
        "Reuter",
        "Related Posts",
        "- item",
        "“quoted.”",
        "Mr.",
        "U.S.",
        "and",
        "&amp;",
        "\r\n",
        "Home",
    ]
)
TEXTS = st.lists(WORDS, max_size=40).map(" ".join) | st.text(max_size=80)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.none(), TEXTS), TEXTS)
def test_normalise_is_idempotent_and_never_raises(title, text):
    """It never raises, and normalising its own output changes nothing."""
    once = normalise(title, text, repair=REPAIR, clean=CLEAN)
    twice = normalise(once.title, once.text, repair=REPAIR, clean=CLEAN)
    assert (twice.title, twice.text) == (once.title, once.text)
    assert once.text == once.text.strip()
    assert "\n\n\n" not in once.text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_normalise_never_raises_on_any_string(text):
    """It accepts any str, including lone surrogates and control characters."""
    normalise(text, text, repair=REPAIR, clean=CLEAN)
