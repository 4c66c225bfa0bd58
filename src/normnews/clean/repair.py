"""Repair text encoding damage: ftfy with a pinned config, plus the entity debris it leaves.

This is the only module that imports ftfy. What it does, in order:

1. Normalise line breaks: ``\\r\\n``, ``\\r``, U+2028 and U+2029 become ``\\n`` (U+0085 is left
   to ftfy, because in cp1252 mojibake it is an ellipsis, not a line break); tabs, form feeds
   and vertical tabs become spaces.
2. Run ftfy line by line (as :func:`ftfy.fix_text` does, so one line of mojibake is fixed on its
   own terms), with the pinned :data:`TextFixerConfig` built by :func:`ftfy_config`. A line that
   is pure ASCII (apart from :data:`PLAIN_SIGNS`) without ``&`` and without control characters
   cannot contain anything ftfy fixes and skips it (the fast path; a property test shows it
   changes nothing): one check over the whole text skips most articles entirely, and one
   search finds the lines that need ftfy.
   ftfy's results are remembered per article, so a line seen again is not fixed twice.
3. Repair HTML entity debris ftfy leaves: entities that lost their ``&`` (``#39;``, ``quot;``,
   ``#36;``) and inline tag debris (``<b>``, ``</a>``) that unescaping ``&lt;b&gt;`` produces.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Literal

import ftfy

from normnews.config import RepairConfig
from normnews.model import Edit

STEP = "repair"
DETAIL_CHARS = 120
"""Edit details quote at most this many characters of the changed text."""

LINE_BREAKS_RE = re.compile(r"\r\n?|[\u2028\u2029]")
SPACE_CONTROLS = str.maketrans("\t\f\v", "   ")
"""Tabs, form and vertical feeds are spaces to every later step; making them spaces before
ftfy means ftfy sees the same line on a second run (``Â\\f0`` would otherwise become
``Â 0`` after reflow, which ftfy reads as mojibake of a no-break space)."""
MARKUP_RE = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>|<!--")
"""A line holding real markup: its entities are meant literally (ftfy's "auto" rule)."""
PLAIN_SIGNS = "¢£¥€"
"""Currency signs ftfy leaves alone among ASCII: every badness rule that takes one pairs it with
another non-ASCII character, none of them has a decomposition (any normalization form), and no
other fixer touches them. ``£`` is most of the non-ASCII in English news; a test shows ftfy
returns a line of every ASCII context of these signs unchanged."""
NEEDS_FTFY_RE = re.compile(rf"[^\t\n\x20-\x25\x27-\x7e{PLAIN_SIGNS}]")
"""Anything ftfy could change: other non-ASCII, control characters or an entity start (``&``,
``\\x26``, is left out of the printable range: one class, which the regex engine scans for
much faster than an alternation)."""
ENTITY_RE: re.Pattern[str] = ftfy.chardata.HTML_ENTITY_RE
"""What ftfy's HTML unescaping replaces (``&#?[0-9A-Za-z]{1,24};``): an ``&`` that starts none
of these (``M&S``, ``Tom & Jerry``) gives ftfy nothing to do."""
PLAIN = b"\t\n" + bytes(range(0x20, 0x7F))
"""Tab, newline and printable ASCII (``&`` is tested on its own): deleting them from an ASCII
text without ``&`` leaves nothing when ftfy has nothing to do."""

BARE_NUMERIC_RE = re.compile(r"(?<![&#])#(\d{2,5}|x[0-9a-fA-F]{2,4});")
"""``#39;``: a numeric entity whose ``&`` was stripped (``Sony#39;s``, AG News). The ``;`` is
required, so ``room #39`` stays."""
SPACED_APOSTROPHE_RE = re.compile(
    r"(?<=[\w.]) #(?:39|x27);(?=(?:s|t|re|ve|ll|d|m)\b)", re.IGNORECASE
)
"""``isn #39;t``: the ``&`` of ``&#39;`` became a space before a contraction's ending."""
BACKTICK_QUOTE_RE = re.compile(r"(?<![\w`])(``?)([^`\n]{1,600}?)(?:\1|(?<=`)''|(?<!`)'')(?![\w`])")
"""A backtick pair around text: `` `...` ``, ```` ``...`` ```` or ```` ``...'' ````."""
QUOTE_END = ",.!?…"
QUOTE_MIN_WORDS = 4
CODE_CHARS_RE = re.compile(r"[(){}\[\]=;$_/\\<>|#*]")
"""Characters of code, markup or paths: text holding any is not a quotation."""
BARE_NAMES = (
    "quot",
    "apos",
    "nbsp",
    "mdash",
    "ndash",
    "lsquo",
    "rsquo",
    "ldquo",
    "rdquo",
    "hellip",
)
BARE_WORD_NAMES = ("amp", "lt", "gt")
BARE_NAMED_RE = re.compile(
    rf"(?<!&)(?:{'|'.join(BARE_NAMES)});|(?<![&\w])(?:{'|'.join(BARE_WORD_NAMES)});"
)
"""``quot;``: a named entity whose ``&`` was stripped. ``amp;``/``lt;``/``gt;`` need a non-letter
before them (``lamp;``, ``salt;`` are words); the others never end an English word."""

TAG_DEBRIS_RE = re.compile(
    r"</?(?:b|i|u|em|strong|p|br|a|span|font|div|sup|sub|small|big)"
    r"(?:\s+[a-zA-Z-]+=(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s<>]+))*\s*/?>"
)
"""Inline HTML tags left in text (``<b>``, ``</a>``, ``<a href="...">``): markup, not prose.
Lower case only: ``<U>`` and ``<I>`` in Reuters copy are ticker symbols."""


TAG_ENTITY_DEBRIS_RE = re.compile(
    r"&lt;/?(?:b|i|u|em|strong|p|br|a|span|font|div|sup|sub|small|big)\b[^&<>]{0,200}?&gt;"
)
"""Escaped inline tags left when a line also holds a literal ``<`` (ftfy then keeps entities)."""


_NORMAL_FORMS: dict[str, Literal["NFC", "NFD", "NFKC", "NFKD"]] = {
    "NFC": "NFC",
    "NFD": "NFD",
    "NFKC": "NFKC",
    "NFKD": "NFKD",
}


def ftfy_config(config: RepairConfig) -> ftfy.TextFixerConfig:
    """The pinned ftfy configuration, every option set on purpose.

    - ``unescape_html``: decode ``&amp;`` and friends unless the line holds real markup
      (a lower-case tag, :data:`MARKUP_RE`); set per line by :func:`repair`. ftfy's own
      ``"auto"`` gives up on any ``<``, and ``<NSC>`` is a ticker in Reuters copy.
    - ``remove_terminal_escapes``, ``fix_encoding``, ``restore_byte_a0``,
      ``replace_lossy_sequences``, ``decode_inconsistent_utf8``, ``fix_c1_controls``: ``True``;
      mojibake is the main damage in scraped news.
    - ``fix_latin_ligatures=True``: ``ﬁ`` in news text comes from PDF extraction, not from
      the author.
    - ``fix_character_width`` and ``uncurl_quotes``: from :class:`RepairConfig` (default
      ``False``: keep quotes and full-width punctuation as published).
    - ``fix_line_breaks``, ``fix_surrogates``, ``remove_control_chars``: ``True``.
    - ``normalization``: from :class:`RepairConfig` (default ``NFC``).
    - ``explain=True``: the steps go into the :class:`Edit` detail.

    Args:
        config: The repair settings.

    Returns:
        The ftfy configuration.

    >>> ftfy_config(RepairConfig()).uncurl_quotes
    False
    """
    return ftfy.TextFixerConfig(
        unescape_html="auto",
        remove_terminal_escapes=True,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=True,
        fix_character_width=config.fix_character_width,
        uncurl_quotes=config.uncurl_quotes,
        fix_line_breaks=True,
        fix_surrogates=True,
        remove_control_chars=True,
        normalization=_NORMAL_FORMS.get(config.normalization),
        max_decode_length=1_000_000,
        explain=True,
    )


def shorten(text: str, limit: int = DETAIL_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis.

    Args:
        text: Any text.
        limit: Maximum length of the result.

    Returns:
        The shortened text.

    >>> shorten("a\\nb " * 3, 8)
    'a b a b…'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _entity(match: re.Match[str]) -> str:
    return html.unescape("&" + match.group(0))


def _backtick_quote(match: re.Match[str]) -> str:
    inner = match.group(2)
    if (
        CODE_CHARS_RE.search(inner)
        or inner != inner.strip()
        or not (inner[-1] in QUOTE_END or len(inner.split()) >= QUOTE_MIN_WORDS)
        or len(inner.split()) < 2
    ):
        return match.group(0)  # code, a command, a lone word or a marker: not a quotation
    return f'"{inner}"'


def fix_backtick_quotes(text: str) -> str:
    """Turn paired backticks a scraper left for quotation marks into quotation marks.

    A pair is a backtick (or two) opening at the start of a word and the same closing at
    the end of one, around words with no code characters (brackets, ``=``, ``;``, ``$``,
    ``_``, slashes, ``<>``) that read as speech: at least two words ending in ``, . ! ? …``,
    or at least four words (``` `They are willing to eat grass,` ```, LaTeX-style
    ``` ``So it goes, he said.'' ```). A lone backtick and code spans (```make test```,
    ```f(x)```) stay as they are.

    Args:
        text: Text after ftfy.

    Returns:
        The text with such pairs as straight double quotes.

    >>> fix_backtick_quotes("He said `They are willing to eat grass,` and left.")
    'He said "They are willing to eat grass," and left.'
    >>> fix_backtick_quotes("Run `make test` or call `f(x)`; it`s here.")
    'Run `make test` or call `f(x)`; it`s here.'
    """
    if "`" not in text:
        return text
    return BACKTICK_QUOTE_RE.sub(_backtick_quote, text)


def fix_apostrophe_space(text: str) -> str:
    """Mend ``isn #39;t``: an apostrophe entity whose ``&`` became a space (AG News).

    >>> fix_apostrophe_space("It isn #39;t over, Sony #39;s chief said #39;no#39;.")
    "It isn't over, Sony's chief said #39;no#39;."
    """
    if "#" not in text:
        return text
    return SPACED_APOSTROPHE_RE.sub("'", text)


def fix_entity_debris(text: str) -> str:
    """Repair entities that lost their ``&`` and drop inline tag debris.

    Args:
        text: Text after ftfy.

    Returns:
        The repaired text.

    >>> fix_entity_debris("Sony#39;s quot;PSPquot; costs #36;199 in room #39")
    'Sony\\'s "PSP" costs $199 in room #39'
    >>> fix_entity_debris("<b>Update:</b> talks resume")
    'Update: talks resume'
    """
    # Each pattern needs its literal ("&lt;", "#", ";"); the substring tests are cheaper.
    if ";" in text:
        if "&lt;" in text:
            text = TAG_ENTITY_DEBRIS_RE.sub("", text)
        if "#" in text:
            text = BARE_NUMERIC_RE.sub(_entity, text)
        if _ends_a_name(text.split(";")[:-1]):
            text = BARE_NAMED_RE.sub(_entity, text)
    if "<" in text:
        text = TAG_DEBRIS_RE.sub("", text)
    return text


DEBRIS_FIXERS: tuple[tuple[Callable[[str], str], str], ...] = (
    (fix_apostrophe_space, "apostrophe entity after a space"),
    (fix_entity_debris, "entity debris (entity without & or inline tag)"),
    (fix_backtick_quotes, "backticks used as quotation marks"),
)
"""What ftfy leaves, fixed in this order (each edit names its fixer)."""


def _ends_a_name(pieces: list[str]) -> bool:
    """Whether a piece of text before a ``;`` ends with a :data:`BARE_NAMED_RE` name.

    Every match is a name just before a ``;``; the pattern has no literal to scan for, so
    trying it at every position costs far more than this test on the few ``;`` of a text.
    """
    names = BARE_NAMES + BARE_WORD_NAMES
    return any(piece.endswith(names) for piece in pieces)


FtfyMemo = dict[tuple[str, bool], tuple[str, str | None]]
"""ftfy's result per ``(line, literal)``: ``(fixed line, edit detail or None)``."""

_FIXERS: dict[RepairConfig, tuple[ftfy.TextFixerConfig, ftfy.TextFixerConfig]] = {}
"""Per repair config: the ftfy configs for lines with real markup and for all other lines."""
_LAST_FIXERS: list[tuple[RepairConfig, tuple[ftfy.TextFixerConfig, ftfy.TextFixerConfig]]] = []
"""The config :func:`_fixers` was last asked for, and its answer."""


def _fixers(config: RepairConfig) -> tuple[ftfy.TextFixerConfig, ftfy.TextFixerConfig]:
    if _LAST_FIXERS and _LAST_FIXERS[0][0] is config:
        return _LAST_FIXERS[0][1]  # a run uses one config: skip hashing it for every text
    fixers = _FIXERS.get(config)
    if fixers is None:
        base = ftfy_config(config)
        fixers = _FIXERS[config] = (
            base._replace(unescape_html=False),
            base._replace(unescape_html=True),
        )
    _LAST_FIXERS[:] = [(config, fixers)]
    return fixers


def _ftfy_line(
    line: str,
    fixers: tuple[ftfy.TextFixerConfig, ftfy.TextFixerConfig],
    edits: list[Edit],
    memo: FtfyMemo | None,
) -> str:
    # ftfy's "auto" keeps entities literal as soon as a "<" appears; in news copy "<NSC>"
    # is a Reuters ticker, not markup, so only a real (lower-case) tag counts, per line.
    literal = "<" in line and MARKUP_RE.search(line) is not None
    if memo is not None and (known := memo.get((line, literal))) is not None:
        fixed, detail = known
    else:
        fixed, steps = ftfy.fix_and_explain(line, fixers[0] if literal else fixers[1])
        detail = None
        if fixed != line:
            plan = ", ".join(f"{action} {param}" for action, param in steps or [])
            detail = f'ftfy ({plan}) changed "{shorten(line)}" to "{shorten(fixed)}"'
        if memo is not None:
            memo[line, literal] = (fixed, detail)
            if detail and (MARKUP_RE.search(fixed) is not None) == literal:
                # ftfy repeats its fixes until a round changes nothing, so its output is a
                # fixed point under the same config: ftfy would return it unchanged.
                memo[fixed, literal] = (fixed, None)
    if detail:
        edits.append(Edit(STEP, detail))
    return fixed


def _ftfy_lines(
    text: str,
    fixers: tuple[ftfy.TextFixerConfig, ftfy.TextFixerConfig],
    fast: bool,
    memo: FtfyMemo,
) -> tuple[str, list[Edit]]:
    edits: list[Edit] = []
    if not fast:
        # The reference path: every line through ftfy, nothing remembered.
        lines = [_ftfy_line(line, fixers, edits, None) for line in text.split("\n")]
        return "\n".join(lines), edits
    if text.isascii() and "&" not in text and not text.encode("ascii").translate(None, PLAIN):
        return text, edits  # the common case, checked at C speed: nothing for ftfy anywhere
    # Fast path: only lines holding something ftfy could change go through ftfy; one search
    # over the whole text finds them, and the lines between are copied as they are.
    out: list[str] = []
    done = 0  # text[:done] is handled; done is always a line start
    pos = 0  # where to search on: an "&" that starts no entity is passed over
    search = NEEDS_FTFY_RE.search
    while match := search(text, pos):
        if match.group() == "&" and not ENTITY_RE.match(text, match.start()):
            pos = match.end()
            continue
        start = text.rfind("\n", done, match.start()) + 1 or done
        end = text.find("\n", match.end())
        if end < 0:
            end = len(text)
        out.append(text[done:start])
        out.append(_ftfy_line(text[start:end], fixers, edits, memo))
        done = pos = end
    if not out:
        return text, edits
    out.append(text[done:])
    return "".join(out), edits


def _repair(
    text: str, config: RepairConfig, fast: bool, memo: FtfyMemo | None = None
) -> tuple[str, list[Edit]]:
    """:func:`repair` (enabled); ``fast=False`` runs every line through ftfy (the reference
    for the fast path). ``memo`` keeps ftfy's results across the calls for one article: ftfy
    is deterministic, so a line seen again (the next round below, the repair after reflow,
    a title repeated in the body) needs no second run."""
    edits: list[Edit] = []
    if memo is None:
        memo = {}
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        text = LINE_BREAKS_RE.sub("\n", text)
    if "\t" in text or "\f" in text or "\v" in text:
        text = text.translate(SPACE_CONTROLS)
    fixers = _fixers(config)
    # ftfy's own loop runs each line to a fixed point; entity debris can expose new work
    # (``&amp;#39;`` -> ``#39;``), so alternate until nothing changes (bounded).
    for _ in range(3):
        fixed, ftfy_edits = _ftfy_lines(text, fixers, fast, memo)
        edits.extend(ftfy_edits)
        if config.fix_entity_debris and (";" in fixed or "<" in fixed or "`" in fixed):
            # Every fixer needs one of these characters; most texts hold none.
            for fixer, why in DEBRIS_FIXERS:
                debris_fixed = fixer(fixed)
                if debris_fixed is not fixed and debris_fixed != fixed:
                    edits.append(
                        Edit(STEP, f'{why}: "{shorten(_first_diff(fixed, debris_fixed))}" repaired')
                    )
                fixed = debris_fixed
        if fixed == text:
            break
        text = fixed
    return text, edits


def _first_diff(before: str, after: str) -> str:
    """The first line of ``before`` that differs in ``after`` (for the edit detail)."""
    for old, new in zip(before.split("\n"), after.split("\n"), strict=False):
        if old != new:
            return old
    return before


def repair(text: str, config: RepairConfig) -> tuple[str, list[Edit]]:
    """Repair mojibake, entities, control characters and line breaks.

    Args:
        text: Decoded article text (title or body).
        config: The repair settings; ``enabled=False`` returns the text unchanged.

    Returns:
        The repaired text and one :class:`Edit` per changed line (with ftfy's steps).

    >>> repair("The sheriffâ€™s office said", RepairConfig())[0]
    'The sheriff’s office said'
    >>> repair("Bush#39;s plan\\r\\nwins", RepairConfig())[0]
    "Bush's plan\\nwins"
    """
    return _repair_article(text, config, {})


def _repair_article(text: str, config: RepairConfig, memo: FtfyMemo) -> tuple[str, list[Edit]]:
    """:func:`repair` with the ftfy memo of the article ``text`` belongs to."""
    if not config.enabled:
        return text, []
    return _repair(text, config, True, memo)
