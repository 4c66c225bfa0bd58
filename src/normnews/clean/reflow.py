"""Line structure: join hard-wrapped lines into paragraphs, keep real line breaks.

Output format (the contract every later step relies on): one paragraph per chunk, chunks
separated by exactly one blank line (``"\\n\\n"``), no line breaks inside a chunk, single spaces
inside a chunk, no leading or trailing whitespace. A line that is not part of wrapped prose
(a heading, a list item, a dateline, a table row, a caption) becomes its own chunk; so does
every line of text that is not hard-wrapped at all. This is the documented normalisation:
whitespace runs collapse to one space, and single line breaks become blank-line breaks.

If a text's paragraphs start with an indented line and continue with unindented ones
(Reuters-21578 style: both transitions occur), a line break before an unindented line is a
wrap and is joined; an indented line or a list item starts a new paragraph. Otherwise a text
is treated as hard-wrapped when many of its lines end near one width ``W`` between 40 and 100
columns (Reuters-21578 wraps at about 70), and then a line break is a wrap when
the first word of the next line would not have fitted on the line (a wrapper would have put
it there otherwise), and the next line is neither indented deeper nor a list item.

In any text, a line starting in lower case continues a line of at least four words that has
no end punctuation (a sentence broken by ``<br>`` or a dateline cut from a wrapped line).
"""

from __future__ import annotations

import itertools
import re

from normnews.model import Edit

STEP = "reflow"
MIN_WIDTH = 40
MAX_WIDTH = 100
FULL_SLACK = 20
"""A line is "full" when it ends within this many columns of the wrap width."""
MIN_FULL_SHARE = 0.3
"""Share of lines (other than the last of each block) that must be full for a wrapped text."""

WHITESPACE_RE = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f]+")
"""Whitespace inside a line (never a line break); each run becomes one space."""
_OTHER_SPACE = r"\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f"
RUN_RE = re.compile(rf"[{_OTHER_SPACE}][ {_OTHER_SPACE}]*| [ {_OTHER_SPACE}]+")
"""The :data:`WHITESPACE_RE` runs that are not already one plain space: replacing only these
gives the same text, without a match (and a copy) at every word boundary."""
LIST_MARKER_RE = re.compile(r"\s*(?:[-*•·–—>]|\d{1,3}[.)]|\([a-zA-Z0-9]{1,3}\))\s")
SENTENCE_END = frozenset(".!?:;\"'”’»)")
CONTINUE_MIN_WORDS = 4
"""Outside wrapped text, a lower-case line continues the previous one only if that has this
many words (``Ingredients`` followed by ``flour`` is a list, not a sentence)."""
HYPHEN_JOIN_RE = re.compile(r"[^\W\d_]-$")
DATA_ROW_WORDS = 8
"""A line with a digit and at most this many words is a table row or a line of figures."""
DIGIT_RE = re.compile(r"\d")
LABEL_WORDS = 3
"""A line of at most this many words under a table row is a label (``Nine mths``)."""
MID_CLAUSE_MARKS = ",-–—&/(+"
INITIALS_RE = re.compile(r"(?:[A-Z]\.){1,3}")
"""``L.K.``, ``A.``: a name goes on after an initial, so a line ending on one is wrapped."""
JOIN_WORDS = frozenset(
    "a an the and or but nor of to in on at by for with from into onto than that which who "
    "whom whose as if although because while said says told its their his her our your my "
    "is are was were be been has have had will would shall should can could may might must "
    "per including after before about over under between among against during without "
    "within through toward towards upon via not when where whether since until unless".split()
)
"""Lower-case words no sentence, heading or caption ends on: a line ending on one goes on."""


def collapse(line: str) -> str:
    """One line with whitespace runs collapsed to one space and the ends stripped.

    Args:
        line: One line of text.

    Returns:
        The collapsed line.

    >>> collapse("  a \\t b\\u00a0 c ")
    'a b c'
    """
    # Stripping first gives the same line (the runs are whitespace, so the ends that strip
    # removes are the same either way) and leaves the regex only the inside to look at.
    piece = line.strip()
    if piece.isascii():
        plain = "\t" not in piece and "\f" not in piece and "\v" not in piece
    else:
        # Every character WHITESPACE_RE matches, other than the space, is unprintable.
        plain = piece.isprintable()
    return piece if plain and "  " not in piece else RUN_RE.sub(" ", piece)


INDENT = " \t\u3000"
INDENT_CHARS = tuple(INDENT)
"""The characters of an indent, for ``str.startswith``."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(INDENT))


def _wrap_width(lines: list[str]) -> int:
    """The wrap width of a hard-wrapped text, or 0 when the text is not hard-wrapped.

    ``lines`` are right-stripped, so a blank line is empty.
    """
    lengths = [len(line) for line in lines if line]
    if len(lengths) < 3:
        return 0
    fitting = [n for n in lengths if n <= MAX_WIDTH]
    if (len(lengths) - len(fitting)) * 10 > len(lengths):
        return 0  # more than a tenth of the lines are too long to be wrapped
    width = max(fitting, default=0)
    if width < MIN_WIDTH:
        return 0
    # Count full lines among lines that have a successor in the same block.
    candidates = [len(line) for line, nxt in itertools.pairwise(lines) if line and nxt]
    full = len([n for n in candidates if n >= width - FULL_SLACK])
    if full < 2 or full < MIN_FULL_SHARE * len(candidates):
        return 0
    return width


def _indent_style(lines: list[str]) -> bool:
    """Paragraphs start indented and continue unindented (Reuters): both transitions occur.

    ``lines`` are right-stripped, so a blank line is empty.
    """
    starts = continuations = False
    for prev, line in itertools.pairwise(lines):
        if not (prev and line):
            continue
        # An indent of at least one is a line that starts with an indent character.
        indents = line.startswith(INDENT_CHARS)
        if prev.startswith(INDENT_CHARS):
            continuations = continuations or not indents
        else:
            starts = starts or indents
        if starts and continuations:
            return True
    return False


def _continues(prev: str, line: str) -> bool:
    """A lower-case line after a line of words without end punctuation continues it."""
    first = line.lstrip()[:1]
    return (
        first.islower()
        and prev.rstrip()[-1:] not in SENTENCE_END
        and len(prev.split()) >= CONTINUE_MIN_WORDS
        and not LIST_MARKER_RE.match(line)
    )


def _data_row(line: str) -> bool:
    """A row of a table or a line of figures (``Net 12.6 mln vs 15.8 mln``): short and
    carrying numbers, or mostly digits. Rows are the author's layout and never joined."""
    if DIGIT_RE.search(line) is None:
        return False  # most lines: no figures at all
    if len(line.split(None, DATA_ROW_WORDS)) <= DATA_ROW_WORDS:
        return True
    return sum(map(str.isdigit, line)) >= 0.3 * len(line.replace(" ", ""))


def _label(line: str) -> bool:
    """A short line without end punctuation under a row: a period label (``Nine mths``)."""
    return len(line.split()) <= LABEL_WORDS and line.rstrip()[-1:] not in SENTENCE_END


def _mid_clause(line: str) -> bool:
    """The line stops where no sentence or heading stops: after a comma or a dash, on a
    function word (``... the``, ``... said its``), or on an initial (``... said L.K.``)."""
    tail = line.rstrip()
    if not tail or tail[-1] in MID_CLAUSE_MARKS:
        return bool(tail)
    last = tail.rsplit(maxsplit=1)[-1]
    if INITIALS_RE.fullmatch(last) or _open_quote_or_bracket(tail):
        return True
    return last.islower() and last.strip("\"'“”‘’«»") in JOIN_WORDS


def _open_quote_or_bracket(line: str) -> bool:
    """A quotation or bracket opened on the line and not closed (``journal "METAL``): the
    wrapper broke the line inside it, so no sentence or heading ends there."""
    if line.count("(") > line.count(")") or line.count("“") > line.count("”"):
        return True
    if line.count('"') % 2:
        at = line.rfind('"')
        return at + 1 < len(line) and line[at + 1].isalnum()
    return False


def _structural(prev: str, line: str) -> bool:
    """``line`` starts a unit of its own whatever the layout: a list item, a deeper indent."""
    if LIST_MARKER_RE.match(line) and not _mid_clause(prev):
        return True
    return _indent(line) > _indent(prev) and _indent(line) >= 2


def _joins(prev: str, line: str, width: int, indented: bool, first: bool) -> bool:
    if LIST_MARKER_RE.match(line) and (
        LIST_MARKER_RE.match(prev) or len(prev) < width - FULL_SLACK or _indent(line) > 0
    ):
        # A list item, unless it follows a full prose line: then "- " is a dash the wrapper
        # moved to the start of the line ("... In Good Company\n- starring ...").
        return False
    if indented:
        # In indented style every paragraph, table row (and the " Reuter" sign-off) starts
        # indented; an unindented line continues the one before.
        return not line.startswith(INDENT_CHARS)
    if _indent(line) > _indent(prev) and _indent(line) >= 2:
        return False
    lower = _starts_lower(line)
    if not lower and _data_row(prev) and (_data_row(line) or _label(line)):
        # Table rows (and a period label under one) stay one row per line, whatever the
        # wrap width says, unless the row stops mid-clause.
        return _mid_clause(prev)
    first_word = line.split(maxsplit=1)[0]
    if len(prev) + 1 + len(first_word) > width:
        return True  # the word would have fitted on the line before: a wrap
    # The first line is short when a dateline stood before it ("<Versatile Corp> said").
    return _mid_clause(prev) or (first and lower) or _continues(prev, line)


def _starts_lower(line: str) -> bool:
    return line.lstrip()[:1].islower()


def _joins_unwrapped(prev: str, line: str) -> bool:
    """In a text that is not hard-wrapped, a line joins the one before only when that one
    stops mid-clause, or when it continues it in lower case (see :func:`_continues`)."""
    if _structural(prev, line) or (_data_row(prev) and not _starts_lower(line)):
        return False
    if _mid_clause(prev):
        return len(prev.split()) >= 2
    return _continues(prev, line)


def reflow(text: str) -> tuple[str, list[Edit]]:
    """Join hard-wrapped lines; give every paragraph and structural line its own chunk.

    Args:
        text: Repaired text with ``\\n`` line breaks.

    Returns:
        The text in the output format (chunks separated by ``"\\n\\n"``) and an :class:`Edit`
        when wrapped lines were joined.

    >>> wrapped = ("    The company said on Monday that it expects first-quarter profit\\n"
    ...            "to rise, helped by strong demand for its products.\\n"
    ...            "    It gave no figures.\\n Reuter")
    >>> print(reflow(wrapped)[0])
    The company said on Monday that it expects first-quarter profit to rise, helped by strong demand for its products.
    <BLANKLINE>
    It gave no figures.
    <BLANKLINE>
    Reuter
    """  # noqa: E501
    lines = [line.rstrip() for line in text.split("\n")]
    # One test for the whole text spares most lines the tests of collapse.
    plain = text.isascii() and "\t" not in text and "\f" not in text and "\v" not in text
    layout: tuple[int, bool] | None = None  # (width, indented), worked out when first needed
    chunks: list[str] = []
    joined = 0
    current: list[str] = []
    prev = ""
    seen = 0  # non-blank lines before this one: the first line may be a dateline's rest
    for line in lines:
        if not line:  # lines are right-stripped: empty means blank
            if current:
                chunks.append(" ".join(current))
                current = []
            prev = ""
            continue
        piece = line.strip()
        if not plain or "  " in piece:
            piece = collapse(piece)
        if current:
            if layout is None:
                layout = (_wrap_width(lines), _indent_style(lines))
            width, indented = layout
            joins = (
                _joins(prev, line, width, indented, seen == 1)
                if width or indented
                else _joins_unwrapped(prev, line)
            )
        else:
            joins = False
        if joins:
            joined += 1
            # The pattern is anchored at the end and two characters long: test the tail only.
            last = current[-1]
            if last.endswith("-") and HYPHEN_JOIN_RE.search(last[-2:]) and piece[:1].islower():
                current[-1] += piece  # "well-" + "known": the hyphen is the word's own
            else:
                current.append(piece)
        else:
            if current:
                chunks.append(" ".join(current))
            current = [piece]
        prev = line
        seen += 1
    if current:
        chunks.append(" ".join(current))
    out = "\n\n".join(filter(None, chunks))
    edits = []
    if joined and layout is not None:
        edits.append(
            Edit(
                STEP,
                f"joined {joined} hard-wrapped line(s) into {len(chunks)} paragraph(s) "
                f"(wrap width {layout[0]})",
            )
        )
    return out, edits
