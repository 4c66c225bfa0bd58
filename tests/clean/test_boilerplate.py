"""Boilerplate: phrase rules, blocks, corpus frequency and menus."""

from __future__ import annotations

from dataclasses import replace

from normnews.clean.boilerplate import strip_boilerplate
from normnews.clean.census import line_key
from normnews.clean.evidence import end_key
from normnews.config import CleanConfig

CONFIG = CleanConfig()
PROSE = "The council approved the tram line on Tuesday after a long debate."


def test_removes_related_block_and_comment_form():
    """It removes a related-posts heading, its post titles and the comment form."""
    text = (
        f"{PROSE}\n\nRelated Posts\n\nBus lanes open\n\nBudget passes\n\nLeave a Reply\n\n"
        "Your email address will not be published. Required fields are marked *"
    )
    out, edits = strip_boilerplate(text, frozenset(), CONFIG)
    assert out == PROSE
    assert len(edits) == 5
    assert any("inside a related-posts" in e.detail for e in edits)


def test_keeps_prose_after_a_related_block():
    """It stops a related block at the next prose paragraph."""
    text = f"Related Posts\n\nBus lanes open\n\n{PROSE}"
    assert strip_boilerplate(text, frozenset(), CONFIG)[0] == PROSE


def test_removes_lines_the_census_marks_frequent():
    """It removes a short line whose key is frequent, whatever its wording."""
    text = f"{PROSE}\n\nMore from the Kestrel Herald team"
    frequent = frozenset({line_key("More from the Kestrel Herald team") or 0})
    out, edits = strip_boilerplate(text, frequent, replace(CONFIG, boilerplate_phrases=False))
    assert out == PROSE
    assert "repeats across" in edits[0].detail


def test_never_removes_long_prose_on_frequency():
    """It ignores frequency for lines longer than boilerplate_max_words."""
    long_line = " ".join(["word"] * 30) + "."
    frequent = frozenset({line_key(long_line) or 0})
    assert strip_boilerplate(long_line, frequent, CONFIG)[0] == long_line


def test_phrase_rules_can_be_switched_off():
    """It keeps phrase matches when boilerplate_phrases is off."""
    text = f"{PROSE}\n\nLeave a Reply"
    assert strip_boilerplate(text, frozenset(), replace(CONFIG, boilerplate_phrases=False)) == (
        text,
        [],
    )


def test_menus_need_other_evidence():
    """It removes a run of short items only on a page that shows furniture."""
    menu = "Home\n\nWorld\n\nBusiness\n\nSport\n\nCulture"
    clean = f"{menu}\n\n{PROSE}"
    assert strip_boilerplate(clean.replace("Home\n\n", ""), frozenset(), CONFIG)[0] == (
        clean.replace("Home\n\n", "")
    )
    page = f"Skip to content\n\n{menu}\n\n{PROSE}\n\nPrivacy Policy"
    assert strip_boilerplate(page, frozenset(), CONFIG)[0] == PROSE


def test_sentences_that_look_like_prompts_are_kept():
    """It keeps a sentence that starts like a prompt but is prose."""
    text = "More in the coming days, the minister promised on Tuesday evening."
    assert strip_boilerplate(text, frozenset(), CONFIG) == (text, [])


def test_frequency_alone_never_empties_an_article():
    """When every paragraph of an article is a line repeated across the site (a feed of
    one-line briefs), the repeated lines are the article and stay; next to other text they
    go."""
    brief = "Harbour Watch evening briefing"
    frequent = frozenset({line_key(brief)})
    assert strip_boilerplate(brief, frequent, CleanConfig()) == (brief, [])
    text, edits = strip_boilerplate(f"A storm closed the port.\n\n{brief}", frequent, CleanConfig())
    assert text == "A storm closed the port."
    assert [e.step for e in edits] == ["boilerplate"]


def test_frequency_never_removes_sentences_figures_or_table_furniture():
    """A repeated sentence, a line with figures and a period label next to rows of figures
    (``Nine mths``) are the author's, however often the source repeats them."""
    lines = ["The company gave no further details.", "Nine mths", "Payable April 1"]
    frequent = frozenset(line_key(line) for line in lines)
    text = (
        "Profit rose sharply in the quarter, the company said.\n\n"
        "The company gave no further details.\n\nShr 10 cts vs 8 cts\n\nNine mths\n\n"
        "Shr 30 cts vs 25 cts\n\nPayable April 1"
    )
    assert strip_boilerplate(text, frequent, CleanConfig()) == (text, [])


def test_signoff_needs_end_evidence():
    """A short token is removed as a sign-off only when it ends many of the source's articles
    (its end key is frequent), also when it is glued to the last sentence."""
    glued = "Profit rose sharply in the quarter, the company said. Reuter"
    alone = "Profit rose sharply in the quarter, the company said.\n\nReuter"
    assert strip_boilerplate(glued, frozenset(), CleanConfig()) == (glued, [])
    evidence = frozenset({end_key("Reuter")})
    text, edits = strip_boilerplate(glued, evidence, CleanConfig())
    assert text == "Profit rose sharply in the quarter, the company said."
    assert "sign-off" in edits[0].detail
    assert strip_boilerplate(alone, evidence, CleanConfig())[0] == text


def test_a_thread_of_dated_comment_headers_goes():
    """Readers' comments (two or more 'Name on <date> at <time> said:' headers) go from the
    first header on; a reporter's 'The minister said:' before a quotation stays."""
    story = (
        "The council approved the new tram line on Tuesday after a long consultation.\n\n"
        'The minister said:\n\n"We will build it on time and on budget."'
    )
    thread = (
        "Alex on September 17, 2018 at 6:34 am said:\n\nWill it stop at the station?\n\n"
        "Sam on September 18, 2018 at 9:02 pm said:\n\nYes, at both ends."
    )
    assert strip_boilerplate(story, frozenset(), CONFIG) == (story, [])
    text, edits = strip_boilerplate(f"{story}\n\n{thread}", frozenset(), CONFIG)
    assert text == story
    assert len(edits) == 4 and all("readers' comments" in e.detail for e in edits)


def test_code_listings_between_prose_stay():
    """Code interleaved with prose is a tutorial's listing and stays; a script blob after the
    article goes."""
    prose = "The handler below returns the badge of the user as an image, cached for a day."
    code = "$app->get('/badge/{name}', function($name) use ($app) { return render($name); });"
    tutorial = f"{prose}\n\n{code}\n\n{prose}\n\n{code}\n\n{prose}"
    assert strip_boilerplate(tutorial, frozenset(), CONFIG) == (tutorial, [])
    blob = "window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}"
    assert strip_boilerplate(f"{prose}\n\n{blob}", frozenset(), CONFIG)[0] == prose


def test_a_repeated_line_with_figures_goes_in_the_page_footer_only():
    """A repeated line with figures is the site's when it sits in the article's trailing run
    of furniture (two lines there removed on their own evidence); before a wire's sign-off
    alone, or above the footer among the article's paragraphs, it stays."""
    footer = "Copyright Kestrel Media Group. Registered office: 4 Mill Lane."
    menu = ["Share this article", "Follow us on Twitter"]
    frequent = frozenset(line_key(line) for line in [footer, *menu, "Reuter"])
    story = "A storm closed the port on Monday.\n\nShips waited offshore for two days."
    for order in ([footer, *menu], [menu[0], footer, menu[1]], [*menu, footer]):
        text, edits = strip_boilerplate(
            story + "\n\n" + "\n\n".join(order), frequent, CleanConfig()
        )
        assert text == story and len(edits) == 3
    wire = f"{story}\n\n{footer}\n\nReuter"
    assert strip_boilerplate(wire, frequent, CleanConfig())[0] == f"{story}\n\n{footer}"
    middle = f"{footer}\n\n{story}\n\n{menu[0]}\n\n{menu[1]}"
    assert strip_boilerplate(middle, frequent, CleanConfig())[0] == f"{footer}\n\n{story}"
