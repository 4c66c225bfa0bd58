"""Truncated sentences: drop the incomplete tail of a paragraph the scraper cut.

A paragraph of prose ends with terminal punctuation: ``. ! ? …`` (``。！？`` in Chinese and
Japanese, ``؟`` in Arabic, ``;`` as the Greek question mark), optionally followed by closing
quotes or brackets (``."``, ``.'``, ``.```, ``.”``, ``。」``, ``.)``). One that does not, and
that already holds complete sentences, was cut: everything after its last sentence end goes,
and the complete sentences before it stay.

Not truncations, and left alone:

- paragraphs with no sentence end at all that do not look cut: headings, list items, bylines,
  datelines, captions (``Protesters outside parliament on Tuesday``). A paragraph without any
  sentence end is removed when it ends mid-clause (a comma, a dash or a function word:
  ``... nuclear ambitions, after``), or when the article's own habit says it was cut (below);
- a paragraph ending with a closing quote or bracket, a colon or a dash (it introduces a
  list), a list item (``- 8 pct bonds due 1990,``), and a paragraph followed by a list item
  or table data (``... as follows,``);
- a tail after the last sentence that is a sign-off (at most two capitalised words, no
  digit, no function word: ``... said. Reuter``) or table data (mostly digits, ``--``, ``...``).

Abbreviations (``Mr.``, ``U.S.``, ``Jan.``, single initials) do not end sentences.

**The article's habit.** A run that stops on an ordinary word may be a cut or a complete
sentence that lost its full stop, so it goes only on two pieces of evidence together:

- its shape is a sentence's (:func:`_unfinished`): it starts like one, holds lower-case words
  and is not Title Case, ALL CAPS, a label (``Photo: ...``), a credit (a URL, an e-mail, ``©``)
  or a short row with a figure or a spaced dash (``Picnics - no trade``); and it does not end
  on a name or a figure (a title or a sentence ends there as often as a cut does);
- the article ends its prose the other way (:func:`_habit`): of its other paragraphs of
  at least :data:`PROSE_WORDS` words, at least :data:`HABIT_MIN_TERMINAL` end with terminal
  punctuation, and at least :data:`HABIT_SHARE` of them do for a paragraph that is one
  unfinished run, all of them for a run after complete sentences (reader comments and
  sloppy copy leave full stops off more than once: there, nothing goes on shape alone).

Never on habit alone: the first paragraph (a standfirst often has no full stop), and never more
than :data:`HABIT_MAX_SHARE` of an article's words (else only the mid-clause cuts go).
"""

from __future__ import annotations

import re

from normnews.model import Edit

STEP = "truncation"
MIN_CUT_WORDS = 3
ROW_MAX_WORDS = 12
ROW_MIN_NUMBERS = 2
NUMBER_RE = re.compile(r"\d+(?:[.,/]\d+)*")
"""A paragraph with no sentence end must have this many words before it can count as cut."""

CLOSERS = "\"'”’»)]}`」』）】›"
END_CHARS = ".!?…;。！？؟।"
TERMINAL_RE = re.compile(
    rf"[{re.escape(END_CHARS)}][{re.escape(CLOSERS)}]*$|[{re.escape(CLOSERS)}:]$|\s[-–—]{{1,2}}$"
)
"""A complete ending: sentence punctuation (plus closers), a closer, a colon or a dash that
introduces what follows (``... in mln bpd --``)."""
ENDS_AT_ONCE = END_CHARS + CLOSERS + ":"
"""A last character that is a whole :data:`TERMINAL_RE` match by itself."""
LIST_ITEM_RE = re.compile(r"(?:[-*•·–—>]|\d{1,3}[.)]|\([a-zA-Z0-9]{1,3}\))\s")
SENTENCE_END_RE = re.compile(
    rf"(?:[.!?…;؟।][{re.escape(CLOSERS)}]*(?=\s)|[。！？][{re.escape(CLOSERS)}]*)"
)
ABBREVIATION_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Rev|Hon|Inc|Co|"
    r"Corp|Ltd|Bros|No|Nos|vs|etc|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"e\.g|i\.e|cf|al|Fig|Vol|pp|ca)|\b[A-Z]|(?:[A-Za-z]\.){2,}[A-Za-z]?)\.$"
)
"""Text that ends in an abbreviation's period (checked on the text before a candidate end)."""
ABBREVIATION_WINDOW = 12
_ENGLISH_FUNCTION_WORDS = (
    "a an the and or but nor of to in on at by for with from into onto after "
    "as than that which whom whose when where while because if although though "
    "until unless under between among against during without within through toward "
    "towards upon via is are was were be been being has have had would shall should "
    "could might do does did its their his her our your my per including he she we they"
)
_OTHER_FUNCTION_WORDS = (  # the commonest prepositions and conjunctions of other languages
    "и в во на с со по к о об от до за из для что чтобы около как не а но или при "
    "και κατά σε στο στη στην στον του της των με για από ότι να θα το τα η ο οι "
    "في من إلى على عن مع أن أو ثم و نحو "
    "und oder der die das den dem des ein eine mit von zu für auf bei nach über "
    "et ou le la les du de un une avec pour sur dans par que qui "
    "y o el los las del con para por en una"
)
FUNCTION_WORDS = frozenset(_ENGLISH_FUNCTION_WORDS.split()) | frozenset(
    _OTHER_FUNCTION_WORDS.split()
)
"""A cut sentence often ends on one of these; a caption or heading rarely does."""
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
CJK_PARTICLES = frozenset("はがをにでとのもへや的在和与及对把被从向将为于")
"""Japanese case particles and Chinese prepositions and conjunctions: a run of CJK text that
stops on one stops mid-clause."""
CUT_TAIL_RE = re.compile(r"(?<=[\w\s])[,\-–—/&+(]$")
"""A clause left open: a comma, a dash, a slash, ``&``, ``+`` or ``(`` after a word or a space
(not ``:-(`` or ``<(``, which are faces)."""
POSSESSIVE_RE = re.compile(r"\w['’]s$")
"""A possessive (or ``it's``) waits for its noun: a sentence does not end there."""
ASCII_DIGITS = b"0123456789"
"""The ASCII digits (``str.isdigit`` in ASCII text), deleted with ``bytes.translate``."""
PROSE_WORDS = 8
"""A paragraph this long counts towards the article's habit of ending prose with a stop."""
HABIT_MIN_TERMINAL = 2
HABIT_SHARE = 0.8
HABIT_MAX_OTHERS = 1
"""Other prose paragraphs without a stop an article may have for a whole-paragraph cut."""
HABIT_MAX_SHARE = 0.15
"""Cuts on habit evidence together take at most this share of an article's words."""
HABIT_NONE, HABIT_MOST, HABIT_ALL = 0, 1, 2
"""How consistently the article's other prose paragraphs end with terminal punctuation."""
ROW_WORDS = 8
"""A run this short with a figure or a spaced dash is a table row or a label, not a cut."""
SPACED_DASH_RE = re.compile(r"\s[-–—]+\s")
CREDIT_RE = re.compile(r"https?:|www\.|@|©|\.(?:com|org|net|ru)\b")
"""A link, an e-mail, a handle or a copyright sign: a credit or contact line."""
SENTENCE_START = "\"'“‘«(<"
"""Opening marks a sentence may start with (besides a capital or a digit)."""


def _terminal(paragraph: str) -> bool:
    """``TERMINAL_RE.search(paragraph)`` on a right-stripped paragraph, searched only where a
    match can start: at the end character before the closing run, or at most three characters
    from the end (a dash)."""
    if paragraph and paragraph[-1] in ENDS_AT_ONCE:
        return True  # the usual case: the match is the last character
    start = min(len(paragraph.rstrip(CLOSERS)) - 1, len(paragraph) - 3)
    return TERMINAL_RE.search(paragraph, max(0, start)) is not None


def _sentence_ends(paragraph: str) -> list[int]:
    """Offsets just after each sentence end (abbreviations excluded)."""
    ends = []
    for match in SENTENCE_END_RE.finditer(paragraph):
        start = match.start()
        if match.group(0)[0] == "." and ABBREVIATION_RE.search(
            paragraph, max(0, start - ABBREVIATION_WINDOW), start + 1
        ):
            continue
        ends.append(match.end())
    return ends


def _looks_cut(fragment: str) -> bool:
    """Does this run of words stop mid-clause, where a scraper's cut and nothing else stops?

    It does when it has at least ``MIN_CUT_WORDS`` words, is not table data, and ends on a
    comma, a dash, an ``&`` or an open bracket, on a lower-case function word or subject
    pronoun (``... nuclear ambitions, after``, ``... the``, ``... after he``), on a possessive
    (``... the club's``), or inside a quotation it opened (``"It just hasn't quite``). A run
    that ends on a name, a number or an ordinary word may be a complete sentence that lost its
    full stop, a caption or a heading: kept.

    >>> _looks_cut("Mr Glazer got permission to look at the club's")
    True
    >>> _looks_cut('He said: "It just has not quite')
    True
    >>> _looks_cut('He called it "a sad day"')
    False
    """
    if _tabular(fragment):
        return False
    words = fragment.split()
    size = len(words) + len(CJK_RE.findall(fragment)) // 2
    if size < MIN_CUT_WORDS:
        return False
    if CUT_TAIL_RE.search(fragment):
        # "... a year before.," or "... capital.-": a stray mark after a sentence end is a
        # typo, not a cut.
        return fragment.rstrip()[-2:-1] not in END_CHARS
    last = words[-1].strip("\"'“”‘’«»")
    if CJK_RE.search(last[-1:]):
        return last[-1] in CJK_PARTICLES
    if last == last.lower() and last in FUNCTION_WORDS:
        return True
    if fragment[-2:-1] in END_CHARS or not any(w[:1].islower() for w in words):
        return False  # a stray mark after a stop; a name or a heading ("... Power Co's")
    if POSSESSIVE_RE.search(words[-1]):
        return True
    return _opens_quote(fragment)


def _opens_quote(fragment: str) -> bool:
    """Does the run open a quotation it never closes (its last ``"`` starts a quote)?

    >>> _opens_quote('He said: "It is not'), _opens_quote('on purpose" Alleged message')
    (True, False)
    """
    if fragment.count("“") > fragment.count("”"):
        return True
    at = fragment.rfind('"')
    return (
        at >= 0
        and fragment.count('"') % 2 == 1
        and (at == 0 or fragment[at - 1].isspace())
        and fragment[at + 1 : at + 2].isalnum()
    )


def _unfinished(fragment: str) -> bool:
    """Has this run a sentence's shape, so that it may be a cut when the article's habit says
    its prose ends with a stop? (See the module docstring.)

    >>> _unfinished("The company said it anticipates")
    True
    >>> [_unfinished(t) for t in ("THE LEGEND OF ZELDA", "Photo: Reuters / John Smith",
    ...  "Revs 46.9 mln", "The winner was Belleville Rendezvous", "Manchester United Striker")]
    [False, False, False, False, False]
    """
    words = fragment.split()
    if len(words) < MIN_CUT_WORDS or _tabular(fragment):
        return False
    if fragment[-2:-1] in END_CHARS:
        return False  # "... capital.-": a stray mark after a stop is a typo
    if len(words) <= ROW_WORDS and (
        any(map(str.isdigit, fragment)) or SPACED_DASH_RE.search(fragment)
    ):
        return False
    first = fragment[0]
    if not (first.isupper() or first.isdigit() or first in SENTENCE_START):
        return False
    if fragment.upper() == fragment or ":" in " ".join(words[:3]) or CREDIT_RE.search(fragment):
        return False
    inner = [w for w in words[1:] if w[:1].isalpha()]
    if sum(w[0].isupper() for w in inner) * 2 > len(inner):
        return False  # Title Case: a heading or a name
    last = words[-1].strip(CLOSERS + "\"'“‘«(")
    return not last[:1].isupper() and not any(map(str.isdigit, last))


def _habit(paragraphs: list[str]) -> tuple[int, int]:
    """``(prose paragraphs, of them ending with terminal punctuation or cut mid-clause)`` of an
    article."""
    prose = terminal = 0
    for paragraph in paragraphs:
        if len(paragraph.split(None, PROSE_WORDS)) >= PROSE_WORDS and not _tabular(paragraph):
            prose += 1
            terminal += _terminal(paragraph) or _cut_mid_clause(paragraph)
    return prose, terminal


def _cut_mid_clause(paragraph: str) -> bool:
    """Does the paragraph's last run stop mid-clause? Such a paragraph was cut, not written
    without a stop, so it counts for the article's habit, not against it."""
    ends = _sentence_ends(paragraph)
    return _looks_cut(paragraph[ends[-1] :] if ends else paragraph)


def _row(paragraph: str) -> bool:
    """A short line without a stop: a table row, a list item or a heading."""
    return (
        len(paragraph.split(None, PROSE_WORDS)) < PROSE_WORDS
        and bool(paragraph)
        and not _terminal(paragraph)
    )


def _habit_level(paragraph: str, prose: int, terminal: int) -> int:
    """How consistently the article's prose paragraphs other than this unterminated one end
    with a stop: :data:`HABIT_ALL`, :data:`HABIT_MOST` or :data:`HABIT_NONE`."""
    if len(paragraph.split(None, PROSE_WORDS)) >= PROSE_WORDS and not _tabular(paragraph):
        prose -= 1  # this one (it has no stop at its end: in ``terminal`` only if cut)
        terminal -= _cut_mid_clause(paragraph)
    if terminal < HABIT_MIN_TERMINAL:
        return HABIT_NONE
    if terminal >= prose:
        return HABIT_ALL
    if prose - terminal > HABIT_MAX_OTHERS:
        return HABIT_NONE  # captions or list items without stops are the article's habit
    return HABIT_MOST if terminal >= HABIT_SHARE * prose else HABIT_NONE


def _signoff(fragment: str) -> bool:
    """``Reuter``, ``(AP)``, ``— Staff``: at most two capitalised words, no digit, no function
    word."""
    words = fragment.split()
    return (
        len(words) <= 2
        and all(w[:1].isupper() or w[:1] in "(—–-" for w in words)
        and not CJK_RE.search(fragment)
        and not any(map(str.isdigit, fragment))
        and not any(w.lower().strip(",;") in FUNCTION_WORDS for w in words)
    )


def _tabular(fragment: str) -> bool:
    """Table rows and figures (``Gulf 3.10 -- 3.16``, ``Taxes 77 mln vs 319 mln,``) are data,
    not a cut sentence: mostly digits, dotted or dashed leaders, or a short line of numbers."""
    if fragment.isascii():
        digits = len(fragment) - len(fragment.encode("ascii").translate(None, ASCII_DIGITS))
    else:
        digits = sum(map(str.isdigit, fragment))
    if digits >= 0.3 * len(fragment.replace(" ", "")) or ".." in fragment or "--" in fragment:
        return True
    return (
        digits > 0
        and len(fragment.split(None, ROW_MAX_WORDS)) <= ROW_MAX_WORDS
        and len(NUMBER_RE.findall(fragment)) >= ROW_MIN_NUMBERS
    )


def _introduces(following: str | None) -> bool:
    """The next paragraph is a list item or table data, so this one may end on ``,`` or ``of``."""
    if following is None:
        return False
    return bool(LIST_ITEM_RE.match(following)) or _tabular(following)


def trim_paragraph(
    paragraph: str, following: str | None = None, habit: int = HABIT_NONE
) -> tuple[str, str]:
    """Split one paragraph into what stays and the cut tail (``""`` when complete).

    Args:
        paragraph: One paragraph (no line breaks).
        following: The next paragraph, if any: a paragraph that introduces a list or a table
            (``... as follows,``) is not cut.
        habit: How consistently the article's other prose paragraphs end with a stop
            (:func:`_habit_level`); without it, only a mid-clause stop is evidence.

    Returns:
        ``(kept, removed)``; ``kept`` is ``""`` when the whole paragraph is a cut fragment.

    >>> trim_paragraph("Talks ended. Mr. Kim commented on North Korea's nuclear ambitions, after")
    ('Talks ended.', "Mr. Kim commented on North Korea's nuclear ambitions, after")
    >>> trim_paragraph('"We will win," she said. "It is time."')
    ('"We will win," she said. "It is time."', '')
    >>> trim_paragraph("Protesters gather outside parliament in Athens on Tuesday")
    ('Protesters gather outside parliament in Athens on Tuesday', '')
    >>> trim_paragraph("Talks ended. The company said it anticipates", habit=HABIT_ALL)
    ('Talks ended.', 'The company said it anticipates')
    """
    paragraph = paragraph.rstrip()
    if (
        not paragraph
        or _terminal(paragraph)
        or LIST_ITEM_RE.match(paragraph)
        or _introduces(following)
    ):
        return paragraph, ""
    if following is not None and following[:1].islower():
        # The sentence goes on in the next paragraph (a link or a name lost between them):
        # split, not cut.
        return paragraph, ""
    ends = _sentence_ends(paragraph)
    if not ends:
        cut = _looks_cut(paragraph) or (habit >= HABIT_MOST and _unfinished(paragraph))
        return ("", paragraph) if cut else (paragraph, "")
    last = ends[-1]
    fragment = paragraph[last:].strip()
    if not fragment or _signoff(fragment):
        return paragraph, ""
    if not (_looks_cut(fragment) or (habit == HABIT_ALL and _unfinished(fragment))):
        return paragraph, ""
    return paragraph[:last].rstrip(), fragment


def trim_truncated(text: str) -> tuple[str, list[Edit]]:
    """Remove the incomplete trailing sentence of every paragraph the scraper cut.

    Args:
        text: Reflowed text (paragraphs separated by ``"\\n\\n"``; reflow first, since a
            wrapped line is not a paragraph).

    Returns:
        The text and one edit per trimmed or removed paragraph.

    >>> trim_truncated("First para. Second sentence cut at\\n\\nLast paragraph.")[0]
    'First para.\\n\\nLast paragraph.'
    >>> trim_truncated("北京今天下雨。气温将在")[0]
    '北京今天下雨。'
    """
    kept, edits = _trim_truncated(text.split("\n\n"), {})
    return ("\n\n".join(kept) if edits else text), edits


def _trim_truncated(
    paragraphs: list[str], memo: dict[tuple[str, str | None], tuple[str, str]]
) -> tuple[list[str], list[Edit]]:
    """:func:`trim_truncated` on the text's paragraphs (its ``"\\n\\n"`` split), with ``memo``
    keeping :func:`trim_paragraph` results across the cleaning passes of one article. Returns
    the paragraphs of the text :func:`trim_truncated` returns: ``paragraphs`` itself when
    nothing was cut."""
    cuts: list[tuple[int, str, str, bool]] = []  # (index, kept, removed, on habit alone)
    habit: tuple[int, int] | None = None
    for i, paragraph in enumerate(paragraphs):
        if paragraph and paragraph[-1] in ENDS_AT_ONCE:
            continue  # complete (and without trailing space): what trim_paragraph keeps
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        # The verdict with the strongest habit first: what it keeps, no habit cuts, and a
        # mid-clause cut goes whatever the habit (the article's habit is rarely needed).
        known = memo.get((paragraph, following))
        if known is None:
            known = memo[paragraph, following] = trim_paragraph(paragraph, following, HABIT_ALL)
        kept, removed = known
        weak = bool(removed) and not _looks_cut(removed)
        if weak:
            level = HABIT_NONE
            # Never the first paragraph on habit (a standfirst often has no full stop), nor a
            # line next to a short line without a stop (table or list rows come in runs).
            if i and not (_row(paragraphs[i - 1]) or (following is not None and _row(following))):
                if habit is None:
                    habit = _habit(paragraphs)
                level = _habit_level(paragraph, *habit)
            if level == HABIT_NONE or (level == HABIT_MOST and kept):
                kept, removed = paragraph.rstrip(), ""
        if removed or kept != paragraph:
            cuts.append((i, kept, removed, weak))
    if not cuts:
        return paragraphs, []
    weak_words = sum(len(c[2].split()) for c in cuts if c[2] and c[3])
    if weak_words > HABIT_MAX_SHARE * sum(len(p.split()) for p in paragraphs):
        # Too much for evidence of habit alone: only the mid-clause cuts go.
        cuts = [c for c in cuts if not (c[2] and c[3])]
    out = list(paragraphs)
    edits: list[Edit] = []
    for i, kept, removed, _ in cuts:
        out[i] = kept
        if removed:
            why = "incomplete trailing sentence" if kept else "paragraph is one incomplete sentence"
            edits.append(Edit(STEP, f'removed "{_short(removed)}" ({why})'))
    out = [p for p in out if p]
    if not edits or not _worth_repairing(paragraphs, out):
        # Nothing cut, or the cut would take the item's only sentence or most of its words:
        # a one-line brief or a wire table, not scraper damage of an article. Keep its text.
        return paragraphs, []
    return out, edits


def _worth_repairing(before: list[str], after: list[str]) -> bool:
    """A cut is repaired only when a complete sentence stays and most of the words do."""
    if not any(p and _terminal(p) for p in after):
        return False
    kept = sum(len(p.split()) for p in after)
    return kept * 2 >= sum(len(p.split()) for p in before)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
