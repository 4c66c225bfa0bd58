"""Repair: ftfy with a pinned config, entity debris, line breaks, and the fast path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normnews.clean import repair as repair_module
from normnews.clean.repair import fix_entity_debris, repair
from normnews.config import RepairConfig

CONFIG = RepairConfig()


def test_fixes_mojibake_and_keeps_ftfy_steps_in_the_edit():
    """It fixes UTF-8 read as cp1252 and names ftfy's steps in the edit."""
    text, edits = repair("The cafÃ© reopened.", CONFIG)
    assert text == "The café reopened."
    assert len(edits) == 1
    assert edits[0].step == "repair"
    assert "encode" in edits[0].detail and "decode utf-8" in edits[0].detail


def test_keeps_curly_quotes_and_full_width_punctuation():
    """It keeps typographic quotes and CJK full-width punctuation as published."""
    text = "“Ready,” she said. 東京（共同）！"
    assert repair(text, CONFIG) == (text, [])


def test_can_uncurl_quotes_when_configured():
    """It straightens quotes when uncurl_quotes is switched on."""
    assert repair("“Ready”", RepairConfig(uncurl_quotes=True))[0] == '"Ready"'


def test_normalises_line_breaks():
    """It turns CRLF, CR, U+2028 and U+2029 into LF."""
    assert repair("a\r\nb\rc\u2028d\u2029e", CONFIG)[0] == "a\nb\nc\nd\ne"


def test_repairs_entity_debris_but_not_room_numbers():
    """It repairs '#39;' and 'quot;' but leaves '#39' without a semicolon."""
    assert fix_entity_debris("It#39;s quot;finequot; in room #39") == 'It\'s "fine" in room #39'


def test_leaves_words_ending_like_entities():
    """It does not turn 'salt;' or 'lamp;' into markup characters."""
    assert fix_entity_debris("Add salt; then the lamp; then stop") == (
        "Add salt; then the lamp; then stop"
    )


def test_removes_inline_tag_debris_but_not_tickers():
    """It drops lower-case inline tags but keeps Reuters tickers like <U>."""
    assert repair("&lt;b&gt;Update&lt;/b&gt; USAir <U>", CONFIG)[0] == "Update USAir <U>"


def test_removes_control_characters():
    """It removes control characters such as Reuters' &#3; end-of-text mark."""
    assert repair("Net profit rose.\x03", CONFIG)[0] == "Net profit rose."


def test_disabled_returns_input():
    """It returns the text untouched when repair is disabled."""
    text = "cafÃ©\r\n"
    assert repair(text, RepairConfig(enabled=False)) == (text, [])


PIECES = [
    *list("abc XYZ&;#<>/\n\r\t\x03\x1b[m0123456789é€£¥¢Ã©â€™“”"),
    "&amp;",
    "M&S",
    "&B",
    "&#233;",
    "&Amp;",
    "&x;",
    "#39;",
    "quot;",
    "&lt;b&gt;",
    "</b>",
    "cafÃ©",
    "\u2028",
    "\x85",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join) | st.text(max_size=40)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_fast_path_gives_the_same_output_as_the_full_path(text):
    """It returns exactly what the full ftfy path returns, with or without the fast path."""
    fast = repair_module._repair(text, CONFIG, fast=True)
    full = repair_module._repair(text, CONFIG, fast=False)
    assert fast == full


@pytest.mark.parametrize(
    "config",
    [
        CONFIG,
        *(RepairConfig(normalization=form) for form in ("NFD", "NFKC", "NFKD")),
        RepairConfig(fix_character_width=True, uncurl_quotes=True),
    ],
)
def test_ftfy_leaves_plain_currency_signs_in_any_ascii_context(config):
    """It shows the currency signs the fast path skips are never changed by ftfy itself.

    One line holds every sign between every pair of ASCII characters (and next to every
    sign), so ftfy's badness rules see each window a longer line could show them.
    """
    ascii_chars = [chr(c) for c in range(0x20, 0x7F)] + ["\t"]
    signs = repair_module.PLAIN_SIGNS
    windows = [a + s + b for s in signs for a in ascii_chars for b in ascii_chars]
    windows += [a + s + t + a for s in signs for t in signs for a in ascii_chars]
    line = " ".join(windows).replace("&", "")
    fixers = repair_module._fixers(config)
    assert repair_module._ftfy_lines(line, fixers, False, {}) == (line, [])


def test_needs_ftfy_pattern_stops_at_entities_controls_and_non_ascii():
    """It finds exactly the characters outside tab, newline, printable ASCII and the plain
    currency signs, and the ampersand."""
    plain = set("\t\n" + "".join(map(chr, range(0x20, 0x7F))) + repair_module.PLAIN_SIGNS)
    plain.discard("&")
    for code in range(0x3000):
        char = chr(code)
        assert (repair_module.NEEDS_FTFY_RE.match(char) is None) == (char in plain)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_repair_is_idempotent(text):
    """It changes nothing when run on its own output."""
    once = repair(text, CONFIG)[0]
    assert repair(once, CONFIG)[0] == once
