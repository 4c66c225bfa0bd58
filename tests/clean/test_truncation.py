"""Truncated sentences: cut tails go in any paragraph; complete endings stay."""

from __future__ import annotations

import pytest

from normnews.clean.truncation import trim_paragraph, trim_truncated


@pytest.mark.parametrize(
    "paragraph",
    [
        'He said: "It is over."',
        "She said: 'Not yet.'",
        "The sign read ``closed.`",
        "They called it “a disaster.”",
        "Is this the end?",
        "What happens next",
        "By Anna Berg",
        "LONDON, March 3 (Reuters) -",
        "- a new tram line",
        "Protesters outside parliament on Tuesday",
        "Net profit rose. Reuter",
        "The figures were:",
        "北京今天下雨。",
        "東京は晴れ！",
        "Τι θα γίνει;",
        "هل سيبدأ البناء؟",
    ],
)
def test_complete_endings_are_not_truncations(paragraph):
    """It leaves quotes, headings, bylines, datelines, lists, captions and CJK endings alone."""
    assert trim_paragraph(paragraph) == (paragraph, "")


def test_cuts_the_trailing_fragment_in_any_paragraph():
    """It trims cut paragraphs at the top and in the middle, not only the last."""
    text = (
        "The first talks ended on Monday without a deal. Two is cut at\n\n"
        "The second round opened on Tuesday in Geneva. Four is also cut before the\n\n"
        "Both sides will meet again next month, officials said."
    )
    out, edits = trim_truncated(text)
    assert out == (
        "The first talks ended on Monday without a deal.\n\n"
        "The second round opened on Tuesday in Geneva.\n\n"
        "Both sides will meet again next month, officials said."
    )
    assert len(edits) == 2 and all(e.step == "truncation" for e in edits)


def test_removes_a_paragraph_that_is_one_cut_sentence():
    """It removes a long single cut sentence ending on a function word."""
    done = "Construction is expected to start next spring and to last three years, they said."
    text = f"The committee, which met behind closed doors all afternoon, said that\n\n{done}"
    assert trim_truncated(text)[0] == done


def test_keeps_a_paragraph_introducing_a_table():
    """It keeps a paragraph ending on a comma when a table row follows."""
    text = "Figures were as follows, in mln tonnes,\n\nWheat 2.1 vs 1.9"
    assert trim_truncated(text) == (text, [])


def test_japanese_cut_without_spaces():
    """It trims a Japanese sentence cut on a particle after the last 。."""
    assert trim_paragraph("承認した。工事は来年の春に") == ("承認した。", "工事は来年の春に")


def test_keeps_a_japanese_run_ending_on_a_verb_stem():
    """A run that stops on a verb stem may be complete: kept."""
    assert trim_paragraph("承認した。工事は来年の春に始まり") == (
        "承認した。工事は来年の春に始まり",
        "",
    )


def test_never_empties_an_article():
    """When every paragraph of a text looks cut (a one-line wire brief), nothing is removed:
    the step repairs articles, it never drops one."""
    brief = "Kuala Lumpur rubber open position of April 7 n l"
    assert trim_truncated(brief) == (brief, [])
