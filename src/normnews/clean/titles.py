"""Duplicated titles: remove repeats of the title that stand as their own paragraph.

Scraped pages repeat the headline (page title, ``<h1>``, social card), often with junk: a
comment counter (``Title 0``, ``Title 12 Comments``), a site name (``Title | Site``,
``Title - Site``, ``SITE | Title``), another case, other quotes, or mojibake. A paragraph is a
repeat when, after dropping such junk, its *title key* equals the title's key. The key
case-folds, drops accents (Greek capitals carry none) and keeps only letters and digits, so
quote style and punctuation do not matter;
a second, ASCII-only key absorbs mojibake (``Kosovoâ€™s`` and ``Kosovo’s`` agree) for Latin
titles. Only whole paragraphs are compared: a first sentence that merely starts like the title
is never touched.
"""

from __future__ import annotations

import re
import unicodedata

from normnews.clean.evidence import (
    SEPARATOR_MARKS,
    SEPARATOR_RE,
    SITE_WORDS_MAX,
    affix_key,
    host_labels,
    names_host,
    title_affixes,
)
from normnews.model import Edit

STEP = "title"
COUNTER_RE = re.compile(
    r"\s*(?:(?<![\w,.])[(\[]?\d{1,5}[)\]]?\s*(?:comments?|responses?|replies|reactions?)?"
    r"|(?:comments?|responses?)\s*[(\[]?\d{1,5}[)\]]?)\s*$",
    re.IGNORECASE,
)
"""A trailing comment counter: ``0``, ``(3)``, ``12 Comments``, ``Comments (4)``."""
COUNTER_TAILS = "0123456789)]tsenTSEN"
"""The ASCII characters a :data:`COUNTER_RE` match can end with (before trailing spaces): a
digit, a bracket, or the last letter of ``comment(s)``, ``response(s)``, ``replies``,
``reaction(s)``."""
SITE_LIKE_RE = re.compile(
    r"\.(?:com|org|net|co|uk|de|fr|ru|in|au|ca|info|news|io|ie|es|it|nl|jp|cn|gr|ae)\b|"
    r"\b(?:news|times|post|journal|herald|tribune|guardian|telegraph|gazette|observer|"
    r"chronicle|express|mail|independent|mirror|standard|review|wire|online|daily|today|"
    r"magazine|tv|radio|network|press|insider|reuters|ap|afp|bbc|cnn|wsj|npr|abc|cbs|nbc|"
    r"bloomberg|fox|sky|dpa|xinhua|tass|efe|ansa|upi|blog|weekly|monitor|star|sun|"
    r"week|globe|financial|economist|forbes|politico|axios|vox|wired|verge|engadget|"
    r"techcrunch|yahoo|msn|aol|huffpost|buzzfeed|al jazeera|euronews|dw|rfi|france ?24)\b",
    re.IGNORECASE,
)
"""Beside a `` - `` a segment is a site only when it names one (a domain or a publication word):
``Tax cuts are a con - Blair`` is BBC style for a quote and keeps its speaker."""
MIN_KEY = 4
RESIDUE_MAX_WORDS = 8
"""At most this many words around the title's copies in a repeat."""
RESIDUE_EDGES = "|–—-:»·•()[]{}<>/\\"
COUNTER_WORDS = 3
COUNTER_SHAPE_RE = re.compile(
    r"(?:[(\[]?\d[\d,.]*[)\]]?(?:\s+[^\W\d_]+)?|[^\W\d_]+\s*[(\[]?\d[\d,.]*[)\]]?)",
)
"""A number with at most one word before or after it: ``3 comments``, ``Comments (4)``, ``0``."""
WORDS_SPAN_RE = re.compile(r"\w(?:.*\w)?", re.DOTALL)
"""From the first to the last word character of a piece."""
DOMAIN_RE = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}", re.IGNORECASE)
NAME_CONNECTORS = frozenset("of the and & de la le del des der di du van von y".split())
ASCII_NON_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
"""The ASCII characters that are not letters or digits (deleted with ``bytes.translate``, which
needs no per-call table set-up as ``str.translate`` does)."""


def title_key(text: str) -> str:
    """The comparison key: case-folded letters and digits only.

    Args:
        text: A title or a paragraph.

    Returns:
        The key.

    >>> title_key("“Don’t Panic,” says PM") == title_key('"DON\\'T PANIC" SAYS PM')
    True
    """
    if text.isascii():
        # Fast path, same result: ASCII needs no decomposition and casefolds as lower().
        return text.lower().encode("ascii").translate(None, ASCII_NON_ALNUM).decode("ascii")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(filter(str.isalnum, decomposed))


def _ascii_key(key: str) -> str:
    return key if key.isascii() else key.encode("ascii", "ignore").decode("ascii")


def _is_site(segment: str) -> bool:
    words = segment.split()
    return 0 < len(words) <= SITE_WORDS_MAX and bool(SITE_LIKE_RE.search(segment.strip()))


def clean_title(
    title: str, frequent: frozenset[int] = frozenset(), url: str | None = None
) -> tuple[str, list[Edit]]:
    """Strip a site name (``- Site``, ``| Site``, ``SITE |``) from the title, on evidence.

    A segment after the last separator (or before a first ``|``) is the site's name, not the
    headline's, only with evidence: it names the URL's host, or it ends (starts) many titles
    of the same source (the census's title affix keys in ``frequent``), or it follows a ``|``
    and names a publication (``| BBC News``). ``WAITE KIDNAPPED AS SPY - TEHRAN RADIO`` and
    ``Tax cuts are a con - Blair`` keep their ends. A trailing number is not stripped here:
    ``iPhone 11`` is a title (see :func:`strip_title_counter` for the evidence-based rule).

    Args:
        title: The repaired title, whitespace collapsed.
        frequent: Census keys (:meth:`normnews.clean.census.LineCensus.frequent`).
        url: The article's URL, if any.

    Returns:
        The cleaned title and an edit per stripped part.

    >>> clean_title("Ad sales boost Time Warner profit | BBC News")[0]
    'Ad sales boost Time Warner profit'
    >>> clean_title("Floods hit Valencia - Daily Courier", url="https://dailycourier.example")[0]
    'Floods hit Valencia'
    >>> clean_title("WAITE KIDNAPPED AS SPY - TEHRAN RADIO")[0]
    'WAITE KIDNAPPED AS SPY - TEHRAN RADIO'
    """
    edits: list[Edit] = []
    # Most titles hold no separator mark at all; the substring tests are cheaper than a split.
    if not any(map(title.__contains__, SEPARATOR_MARKS)):
        return title, edits
    labels = host_labels(url)
    for _ in range(2):  # a suffix and a prefix at most
        changed = False
        for where, segment, sep in title_affixes(title):
            why = _site_evidence(segment, sep, where, frequent, labels)
            if why is None:
                continue
            if where == "suffix":
                title = title[: title.rindex(sep)].rstrip()
                edits.append(Edit(STEP, f'removed site suffix "{sep.strip()} {segment}" ({why})'))
            else:
                title = title[title.find(sep) + len(sep) :].lstrip()
                edits.append(Edit(STEP, f'removed site prefix "{segment} {sep.strip()}" ({why})'))
            changed = True
            break
        if not changed:
            break
    return title, edits


def _site_evidence(
    segment: str, sep: str, where: str, frequent: frozenset[int], labels: frozenset[str]
) -> str | None:
    """Why a title segment is the site's name, or ``None`` without evidence."""
    if names_host(segment, labels):
        return "names the URL's host"
    if frequent and affix_key(segment, where) in frequent:
        return f"the {where} of many titles of the source"
    if "|" in sep and _is_site(segment):
        return "a publication's name after a bar"
    return None


def _matches(paragraph: str, key: str, akey: str) -> str | None:
    """Why ``paragraph`` is a repeat of the title with key ``key``, or None."""
    pkey = title_key(paragraph)
    if pkey == key:
        return "exact repeat"
    # Every rule below compares the key of a piece of the paragraph (junk dropped from its
    # ends) with the title's, and a piece's key is a slice of the paragraph's key (keys keep
    # letters and digits only, so the key of a concatenation is the concatenation of the
    # keys). So the title's key must occur in the paragraph's: prose fails this cheaply.
    if akey:
        apkey = _ascii_key(pkey)
        if apkey == akey:
            return "repeat with mojibake or accent differences"
        if akey not in apkey:
            return None
    elif key not in pkey:
        return None
    stripped = COUNTER_RE.sub("", paragraph)
    if stripped != paragraph and _same(title_key(stripped), key, akey):
        return "repeat with a comment counter"
    parts = [p for p in SEPARATOR_RE.split(paragraph) if p.strip()]
    if len(parts) > 1:
        # The title may itself contain a separator ("Talks fail - Blair"), so try every
        # contiguous span of parts; keys ignore separators, so a span's key is the
        # concatenation of its parts' keys. The parts outside the span must be site-sized.
        keys = [title_key(p) for p in parts]
        bare = [title_key(COUNTER_RE.sub("", p)) for p in parts]
        short = [_name_or_counter(p) for p in parts]
        for i in range(len(parts)):
            for j in range(i + 1, len(parts) + 1):
                if (i, j) == (0, len(parts)) or not all(short[:i] + short[j:]):
                    continue
                span = "".join(keys[i:j])
                span_bare = "".join(keys[i : j - 1]) + bare[j - 1]
                if _same(span, key, akey) or _same(span_bare, key, akey):
                    return "repeat with a site name"
    if key in pkey:
        return _repeat_with_residue(paragraph, key)
    return None


def _keyed(paragraph: str) -> tuple[str, list[int]]:
    """The paragraph's title key and, for each key character, its offset in the paragraph."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(paragraph):
        for k in title_key(ch):
            chars.append(k)
            offsets.append(i)
    return "".join(chars), offsets


def _repeat_with_residue(paragraph: str, key: str) -> str | None:
    """The title, once or more (a title block reflow joined into one line), plus a short
    residue that is not prose: a counter (``(3 comments)``, ``7 Comments``) or a name set
    off by a separator (``– World News Today``). A sentence that starts like the title
    (``Floods hit Valencia on Monday.``) has a prose residue and is no repeat."""
    pkey, offsets = _keyed(paragraph)
    spans: list[tuple[int, int]] = []
    start = pkey.find(key)
    while start >= 0:
        end = start + len(key)
        spans.append((offsets[start], offsets[end - 1] + 1))
        start = pkey.find(key, end)
    if not spans:
        return None
    residue: list[str] = []
    cursor = 0
    for begin, end in spans:
        residue.append(paragraph[cursor:begin])
        cursor = end
    residue.append(paragraph[cursor:])
    words = sum(len(piece.split()) for piece in residue)
    if words > RESIDUE_MAX_WORDS:
        return None
    for i, piece in enumerate(residue):
        if piece.strip() and not _junk_residue(piece, after_title=i > 0):
            return None
    return "repeat with a counter or a site name" if words else "repeated title block"


def _name_or_counter(part: str) -> bool:
    """A part beside the title (split at separators) that can be junk: a short name or a
    counter, never a lower-case phrase (``- the worst in decades``)."""
    core = part.strip().strip(RESIDUE_EDGES).strip()
    if not core:
        return True
    tokens = core.split()
    if len(tokens) > SITE_WORDS_MAX:
        return False
    if any(ch.isdigit() for ch in core):
        return len(tokens) <= COUNTER_WORDS and bool(COUNTER_SHAPE_RE.fullmatch(core))
    named = [t for t in tokens if t.lower() not in NAME_CONNECTORS]
    return bool(named) and all(t[:1].isupper() or DOMAIN_RE.fullmatch(t) for t in named)


def _junk_residue(piece: str, *, after_title: bool) -> bool:
    """A piece of a title repeat outside the title itself: a counter or a set-off name."""
    core = WORDS_SPAN_RE.search(piece)
    if core is None:
        return True  # punctuation, separators and brackets only
    words = core.group(0)
    ends_sentence = piece[core.end() :].strip()[:1] in (".", "!", "?")
    if after_title and ends_sentence and not DOMAIN_RE.fullmatch(words):
        return False  # ends as a sentence: prose
    if any(ch.isdigit() for ch in words):
        return len(words.split()) <= COUNTER_WORDS and bool(COUNTER_SHAPE_RE.fullmatch(words))
    gap = piece[: core.start()] if after_title else piece[core.end() :]
    if not any(ch in RESIDUE_EDGES for ch in gap):
        return False  # a name must be set off from the title by a separator or a bracket
    return _name_or_counter(words)


def _same(pkey: str, key: str, akey: str) -> bool:
    return pkey == key or (bool(akey) and _ascii_key(pkey) == akey)


def strip_titles(title: str, text: str) -> tuple[str, list[Edit]]:
    """Remove paragraphs of ``text`` that repeat ``title`` (with or without scraped junk).

    Args:
        title: The article title (already cleaned with :func:`clean_title`).
        text: Reflowed text (paragraphs separated by ``"\\n\\n"``).

    Returns:
        The text without title repeats and one edit per removed paragraph.

    >>> body = "Floods hit Valencia 0\\n\\nFLOODS HIT VALENCIA | El Diario\\n\\nFloods hit Valencia on Monday."
    >>> strip_titles("Floods hit Valencia", body)[0]
    'Floods hit Valencia on Monday.'
    """  # noqa: E501
    kept, edits = _strip_titles(title, text.split("\n\n"), {})
    return ("\n\n".join(kept) if edits else text), edits


def _strip_titles(
    title: str, paragraphs: list[str], memo: dict[str, str | None]
) -> tuple[list[str], list[Edit]]:
    """:func:`strip_titles` on the text's paragraphs (its ``"\\n\\n"`` split), with ``memo``
    keeping each paragraph's verdict across the cleaning passes of one article (same
    ``title``). Returns the kept paragraphs as the split of the text :func:`strip_titles`
    returns (``[""]`` for no text): ``paragraphs`` itself when nothing was removed."""
    key = title_key(title)
    if len(key) < MIN_KEY or paragraphs == [""]:
        return paragraphs, []
    akey = _ascii_key(key)
    if len(akey) < max(MIN_KEY, 0.8 * len(key)):
        akey = ""  # not a Latin title: the full key is the only one that means anything
    limit = len(title) * 3 + 80  # room for a block of copies reflow joined into one line
    one_copy = len(title) * 2 + 60
    edits: list[Edit] = []
    kept: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) > limit or (len(paragraph) > one_copy and paragraph[-1] in "."):
            # Too long for a repeat, or long and ending as prose does: no block of copies.
            kept.append(paragraph)
            continue
        if paragraph in memo:
            reason = memo[paragraph]
        else:
            reason = memo[paragraph] = _matches(paragraph, key, akey)
        if reason:
            edits.append(Edit(STEP, f'removed "{_short(paragraph)}" ({reason})'))
        else:
            kept.append(paragraph)
    if not edits:
        return paragraphs, []
    return kept or [""], edits


def strip_title_counter(title: str, original_text: str) -> tuple[str, list[Edit]]:
    """Strip a trailing comment counter from the title when the body proves it is junk.

    ``Floods hit Valencia 0`` loses its ``0`` only if the body also holds the title without it
    as its own paragraph, since ``iPhone 11`` is a title.
    A counter spelled out (``12 Comments``) needs no evidence.

    Args:
        title: The cleaned title.
        original_text: The reflowed body, before titles were stripped.

    Returns:
        The title and an edit if a counter was stripped.

    >>> strip_title_counter("Floods hit Valencia 0", "Floods hit Valencia\\n\\nText.")[0]
    'Floods hit Valencia'
    >>> strip_title_counter("Apple unveils iPhone 11", "Apple said on Tuesday.")[0]
    'Apple unveils iPhone 11'
    """
    tail = title.rstrip()[-1:]
    if tail.isascii() and tail not in COUNTER_TAILS:
        return title, []  # most titles: no counter can end here, and the search is costly
    match = COUNTER_RE.search(title)
    if not match or match.start() == 0:
        return title, []
    bare = title[: match.start()].rstrip()
    spelled = any(ch.isalpha() for ch in match.group(0))
    if not spelled:
        bare_key = title_key(bare)
        if len(bare_key) < MIN_KEY:
            return title, []
        evidence = any(
            title_key(p) == bare_key for p in original_text.split("\n\n")[:50] if len(p) < 400
        )
        if not evidence:
            return title, []
    return bare, [Edit(STEP, f'removed comment counter "{match.group(0).strip()}" from the title')]


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
