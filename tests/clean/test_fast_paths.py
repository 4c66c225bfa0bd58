"""Fast paths give exactly what the plain definitions they replace give.

Each cleaning step has a cheaper form of a regex or a key (a tail-only search, an ASCII
translate table, a per-article memo); these properties compare it with the plain form on
adversarial text, so a speed-up can never change the output.
"""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from normnews.clean import boilerplate, census, normalise, titles, truncation
from normnews.clean.boilerplate import strip_boilerplate
from normnews.clean.reflow import WHITESPACE_RE, collapse
from normnews.clean.titles import strip_titles
from normnews.clean.truncation import trim_truncated
from normnews.config import CleanConfig, RepairConfig

PIECES = [
    *list("aB0 .!?:;,-_|\"')]»”’…。\n\t"),
    "  ",
    "12",
    "\u00a0",
    "\u3000",
    "\x85",
    "\x1c",
    "é",
    "ß",
    "ﬁ",
    "²",
    "٣",
    "–",
    "—",
    " - ",
    " | ",
    "well-",
    "Rates held",
    "RATES HELD",
    "Leave a Reply",
    "Share",
    "Home",
    "Related Posts",
    "said.",
    "after",
    "Mr.",
    "{",
    "}",
    "(",
    "=",
    "var x = 1;",
    "Comments (4)",
    " 0",
    "北京",
    "Sign up for our newsletter",
    "NEWSLETTER",
    "We use cookies",
    "all rights reserved",
    "ſ",
    "£",
    "{}();=",
    "function (",
    "$('",
    "<!--",
    "-->",
    "window.x",
    "@media",
    "gtag(",
    "jQuery",
    ".push({",
    "}",
    "」",
    " --",
    " 12 Comments",
    "Responses (3)",
    " [4]",
    "reaction",
    "\r",
    "\r\n",
    "\x0b",
    "\x1f",
    "1987",
    "007",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=50).map("".join) | st.text(max_size=60)
MANY = settings(max_examples=500, deadline=None)


def _plain_title_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _plain_line_norm(line: str) -> str:
    return census.NON_WORD_RE.sub(" ", census.DIGITS_RE.sub("0", line.lower())).strip()


def _plain_line_keys(text: str, max_words: int = 16) -> list[int]:
    seen: dict[int, None] = {}
    for line in text.splitlines():
        if not line.strip() or len(line.split()) > max_words:
            continue
        if len(census.DIGITS_RE.findall(line)) >= census.DATA_DIGIT_GROUPS:
            continue
        norm = _plain_line_norm(line)
        if norm:
            seen.setdefault(census.hash64(norm), None)
    return list(seen)


def test_spaces_are_every_character_backslash_s_matches():
    """It lists exactly the characters the regex class \\s matches, over all of Unicode."""
    space = re.compile(r"\s")
    expected = "".join(chr(c) for c in range(sys.maxunicode + 1) if space.match(chr(c)))
    assert expected == boilerplate.SPACES


@MANY
@given(TEXTS)
def test_boilerplate_fast_forms(text):
    """Its edge stripping and sentence-end test equal the regexes they stand for."""
    assert boilerplate._core(text) == boilerplate.EDGE_RE.sub("", text)
    expected = boilerplate.SENTENCE_END_RE.search(text) is not None
    assert boilerplate._ends_sentence(text) == expected
    words = len(text.split())
    plain = None
    if len(text) <= 400 and words <= boilerplate.PHRASE_MAX_WORDS:
        core = boilerplate.EDGE_RE.sub("", text)
        sentence = words > 6 and expected
        for why, pattern in boilerplate.PHRASE_RES if core else ():
            if not (sentence and why not in boilerplate.SENTENCE_SAFE) and pattern.fullmatch(core):
                plain = why
                break
    assert boilerplate._phrase(text, words) == plain


def test_floating_phrase_branches_each_occur_once():
    """It finds every keyword-gated phrase branch in exactly one phrase rule."""
    for keyword, branch in boilerplate.FLOATING:
        assert sum(pattern.count(branch) for _, pattern in boilerplate.PHRASES) == 1
        assert keyword in branch


@MANY
@given(TEXTS)
def test_script_mark_count_fast_form(text):
    """It finds script debris exactly when the six-count definition does."""
    count = text.count
    marks = count("{") + count("}") + count("(") + count(")") + count(";") + count("=")
    expected = marks >= 3 and boilerplate.SCRIPT_RE.search(text) is not None
    assert boilerplate._script(text) == expected


@MANY
@given(TEXTS)
def test_truncation_terminal_test_reads_the_tail_only(text):
    """It finds a complete ending exactly when the full-text search does."""
    text = text.rstrip()
    assert truncation._terminal(text) == (truncation.TERMINAL_RE.search(text) is not None)


@MANY
@given(TEXTS)
def test_counter_tails_hold_every_ascii_end_of_a_counter(text):
    """It never skips a title whose counter the regex finds."""
    match = titles.COUNTER_RE.search(text)
    if match and match.group(0).strip():
        tail = match.group(0).rstrip()[-1:]
        assert not tail.isascii() or tail in titles.COUNTER_TAILS


@MANY
@given(TEXTS)
def test_title_key_fast_path(text):
    """It computes the same title key for ASCII text as the NFKD definition."""
    assert titles.title_key(text) == _plain_title_key(text)


@MANY
@given(TEXTS)
def test_census_ascii_path(text):
    """It gives the same line normal form and keys as the two-regex definition."""
    assert census.line_norm(text) == _plain_line_norm(text)
    assert census.line_keys(text) == _plain_line_keys(text)
    assert census.line_keys(text, 3) == _plain_line_keys(text, 3)


@MANY
@given(TEXTS)
def test_reflow_collapses_like_the_whitespace_regex(text):
    """It collapses whitespace runs exactly as the per-line regex does."""
    assert collapse(text) == WHITESPACE_RE.sub(" ", text).strip()


def test_every_collapsed_whitespace_but_the_space_is_unprintable():
    """It relies on str.isprintable to find lines with whitespace to collapse: that holds."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char != " " and WHITESPACE_RE.match(char):
            assert not char.isprintable()


def _plain_passes(title, text, frequent):
    """The cleaning passes of normalise with the public step functions, nothing remembered."""
    body = normalise(
        title,
        text,
        repair=RepairConfig(),
        clean=CleanConfig(titles=False, boilerplate=False, truncation=False),
    ).text
    edits = []
    for _ in range(4):
        found = []
        if title:
            body, e = strip_titles(title, body)
            found += e
        body, e = strip_boilerplate(body, frequent, CleanConfig())
        found += e
        body, e = trim_truncated(body)
        found += e
        edits += found
        if not found:
            break
    return body, edits


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.lists(TEXTS, max_size=8).map("\n\n".join))
def test_memoised_passes_equal_plain_passes(title, text):
    """Its cleaning passes, with verdicts remembered per paragraph, give what the public
    steps give when run pass by pass."""
    frequent = frozenset(k for k in map(census.line_key, ["Share", "Home", "Rates held"]) if k)
    text = f"{title}\n\n{text}\n\n{title} | Rivertown Gazette\n\nShare"
    out = normalise(title, text, repair=RepairConfig(), clean=CleanConfig(), frequent=frequent)
    cleaning = [
        e
        for e in out.edits
        if e.step in ("title", "boilerplate", "truncation") and "from the title" not in e.detail
    ]
    assert (out.text, cleaning) == _plain_passes(out.title, text, frequent)
