"""Per-article dedup evidence beyond the MinHash signature: what a story's facts are.

Two wire items can share almost every shingle and still be different news: two dividend
notices of different companies, the same market report on two days. And two copies of one
story can share few 5-word shingles because every edited word breaks five of them. Workers
therefore compute, next to the signature, one fixed-width uint32 row per article
(:data:`WIDTH` values, 404 bytes) that the verification (:mod:`normnews.dedup.verify`) reads:

* ``flags``: bit 0 set when the title (or the text's first line) marks the item as a
  correction or repeat (``CORRECTED -``, ``(CORRECTION)``, ``RPT``, ``REPEAT``, ``REFILE``);
* ``n_values``, ``n_words``: how many distinct *values* the text has, and how many words;
* ``n_figures``: how many of the values are figures (a table has many per word);
* ``value_digest``: a 32-bit hash of all its values (sorted), for exact agreement of texts
  with more values than the sketch below holds (long tables);
* the :data:`VALUE_SLOTS` smallest 32-bit hashes of its values (a bottom-k sketch, exact for
  texts with at most that many values). A value is a ticker in the title, or, in the text, a
  figure (digits with separators removed
  and trailing decimal zeros dropped, fractions kept, English number words one to twenty as
  digits), a ticker or bracketed company name (``<PSY>``, ``<Nippon Lace Co Ltd>``), or a
  capitalised word inside a sentence (names, months);
* :data:`SENTENCE_BANDS` 64-bit sentence keys, each combining :data:`SENTENCE_ROWS` minima,
  under independent mixes, of the hashes of the text's sentences of at least
  :data:`MIN_SENTENCE_WORDS` words. Two texts share a key with probability ``s**2``, ``s``
  the Jaccard similarity of their sentence sets (one shared sentence is not enough: wire
  stories and their rewrites share a stock sentence or two), so a copy whose
  edits broke many 5-word shingles but few sentences still becomes an LSH candidate;
* an edit signature: a :data:`EDIT_PERM`-permutation MinHash of word *bigrams*, which an
  edited word breaks two of instead of five.

Every value is a pure function of (title, text), so ``normnews index rebuild`` recomputes it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from normnews.config import DedupConfig
from normnews.dedup.shinglehash import BatchShingleHasher
from normnews.dedup.shingles import normal_form
from normnews.dedup.signatures import Signer
from normnews.hashing import hash64

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

EVIDENCE_VERSION = "evidence-v1(digest,figures,classed-values24,sentences8x2x6w,bigram-minhash64)"
"""Name of the evidence layout (recorded in the history header)."""
VALUE_SLOTS = 24
SENTENCE_BANDS = 8
EDIT_PERM = 64
MIN_SENTENCE_WORDS = 6

FLAGS = 0
N_VALUES = 1
N_WORDS = 2
VALUE_DIGEST = 3
N_FIGURES = 4
VALUES = slice(5, 5 + VALUE_SLOTS)
SENTENCE_KEYS = slice(VALUES.stop, VALUES.stop + 2 * SENTENCE_BANDS)
EDIT = slice(SENTENCE_KEYS.stop, SENTENCE_KEYS.stop + EDIT_PERM)
WIDTH = EDIT.stop
"""uint32 columns per article."""

NAME, FIGURE, DATE = 0, 1, 2
"""Value classes, stored in the low two bits of each value's hash: capitalised words;
figures; dates and tickers (month and weekday names, ``<...>``)."""
KIND_MASK = 3
FLAG_CORRECTION = 1
"""``flags`` bit: the item says it is a correction or a repeat of an earlier item."""
FLAG_UNKNOWN = 2
"""``flags`` bit: no evidence was computed (callers that pass signatures only)."""
EMPTY_VALUE = np.uint32(0xFFFFFFFF)

_CORRECTION = re.compile(
    r"^\W{0,3}(?:corrected|correction|corrects|rpt|repeat|repeated|refiled?|re-?sent)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_BRACKET = re.compile(r"<([^<>\n]{1,60})>")
_FIGURE = re.compile(r"\d[\d.,/-]*")
# A capitalised word after a word, a comma, a closing bracket or a percent sign and one
# space: inside a sentence, so a name (a sentence's first word is capitalised anyway).
_NAME = re.compile(r"(?<=[\w,)%] )[A-Z\u00c0-\u00de][\w.'&/-]*")
_TRAILING = ".,'&/-"
_WORD = re.compile(r"[a-z]+")
_NUMBER_WORD_SET = frozenset(_NUMBER_WORDS)
_NUMBER_WORD_CHARS = 1000
_TITLE_TICKER = re.compile(r"<([^<>\n]{1,60})>")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SENTENCE_ENDS = tuple(
    (end + " ", end + "\n") for end in (".", "?", "!", '."', '?"', '!"', ".\u201d", ".'")
)

SENTENCE_ROWS = 2
# Independent mixes of a sentence hash: SENTENCE_BANDS x SENTENCE_ROWS of them, from a seeded
# generator (fixed: the keys are stored in history).
_SALTS = np.random.default_rng(0x5E17).integers(
    1, 2**63, size=SENTENCE_BANDS * SENTENCE_ROWS, dtype=np.uint64
)
_NO_SENTENCE = np.uint64(0x9216D5D98979FB1B)
_ROW_MIX = np.uint64(0x9E3779B97F4A7C15)
_F1 = np.uint64(0xFF51AFD7ED558CCD)
_F2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_EDIT_SEED = 0x5EED


def _fmix64(h: U64) -> U64:
    with np.errstate(over="ignore"):
        h = h ^ (h >> _S33)
        h = h * _F1
        h = h ^ (h >> _S33)
        h = h * _F2
        return h ^ (h >> _S33)


def _number(token: str) -> str:
    if _THOUSANDS.match(token):
        token = token.replace(",", "")
    if "." in token and "/" not in token and token.count(".") == 1:
        token = token.rstrip("0").rstrip(".") or "0"
    return token


def is_correction(title: str | None, text: str) -> bool:
    """Whether an item marks itself as a correction or a repeat of an earlier item.

    Args:
        title: Cleaned title (or ``None``).
        text: Cleaned text; its first line counts as well (wires put the slug there).

    Returns:
        True for ``CORRECTED - ...``, ``(CORRECTION) ...``, ``RPT-...``, ``REPEAT ...``.

    >>> is_correction("CORRECTED - GM SEES RISE IN EUROPEAN SALES", "General Motors said")
    True
    >>> is_correction("(RPT) U.S. SAYS TIN DISPOSALS WILL NOT AFFECT ACCORD", "")
    True
    >>> is_correction("GREECE REPEATS IT CAN DECIDE ON AEGEAN DRILLING", "Greece said")
    False
    """
    first = text.lstrip().split("\n", 1)[0][:80]
    return bool(_CORRECTION.match(title or "") or _CORRECTION.match(first))


def values(text: str) -> list[str]:
    """The values of a text: figures, tickers/bracketed names, capitalised words in sentences.

    Args:
        text: Cleaned article text.

    Returns:
        Distinct value tokens, sorted (each prefixed by its kind).

    >>> values("Qtly div 25 cts vs 25 cts prior qtr. Pay 31 May. Record 1 May.")
    ['n:1', 'n:25', 'n:31', 'w:may']
    >>> values("Net 1,500.0 mln vs five mln, <Pillsbury Co> said.")
    ['n:1500', 'n:5', 't:pillsbury co', 'w:co']
    """
    # A text without lower case (an unparsed wire, a shouted page) has no telling capitals.
    sample = text[:1000]
    caps_text = sample.upper() == sample
    out = {"n:" + _number(t.rstrip(_TRAILING)) for t in _FIGURE.findall(text)}
    if not caps_text:
        out.update("w:" + t.rstrip(_TRAILING).lower() for t in _NAME.findall(text))
    if "<" in text:
        out.update("t:" + " ".join(t.lower().split()) for t in _BRACKET.findall(text))
    if len(text) <= _NUMBER_WORD_CHARS:
        # Wire notices write small figures as words ("Record April Three"); in a long story
        # they are prose, and reading every word of it would cost more than the rest.
        words = set(_WORD.findall(text.lower()))
        out.update("n:" + _NUMBER_WORDS[w] for w in words & _NUMBER_WORD_SET)
    return sorted(out)


_DATE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


def _kind(value: str) -> int:
    if value.startswith("n:"):
        return FIGURE
    if value.startswith("t:") or value[2:] in _DATE_WORDS:
        return DATE
    return NAME


_WORD_BIT, _DIGIT_BIT, _UPPER_BIT, _TOKEN_PUNCT_BIT, _BEFORE_BIT, _FIGURE_PUNCT_BIT = (
    1,
    2,
    4,
    8,
    16,
    32,
)


def _char_class(code: int) -> int:
    """The class bits of one code point, as the regexes above read it (``\\w`` is
    ``isalnum()`` or ``_``, ``\\d`` is ``isdecimal()``, as in ``re``)."""
    ch = chr(code)
    bits = 0
    if ch.isalnum() or ch == "_":
        bits |= _WORD_BIT
    if ch.isdecimal():
        bits |= _DIGIT_BIT
    if 0x41 <= code <= 0x5A or 0xC0 <= code <= 0xDE:
        bits |= _UPPER_BIT
    if ch in ".'&/-":
        bits |= _TOKEN_PUNCT_BIT
    if ch in ",)%":
        bits |= _BEFORE_BIT
    if ch in ".,/-":
        bits |= _FIGURE_PUNCT_BIT
    return bits


_CLASS_TABLE = np.full(0x110000, 0xFF, dtype=np.uint8)
"""Class bits per code point, filled as code points are met (0xFF: not yet computed)."""
_CLASS_TABLE[:128] = [_char_class(c) for c in range(128)]


def _classes(codes: npt.NDArray[np.uint32] | npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Class bits of every code point (a table, extended by Python once per new code point)."""
    if codes.dtype == np.uint8:
        # ASCII: every class is known.
        return np.take(_CLASS_TABLE[:256], codes)
    cls: npt.NDArray[np.uint8] = np.take(_CLASS_TABLE, codes)
    unknown = cls == 0xFF
    if unknown.any():
        new = np.unique(codes[unknown])
        _CLASS_TABLE[new] = [_char_class(int(c)) for c in new]
        cls = np.take(_CLASS_TABLE, codes)
    return cls


def _token_ranges(codes: npt.NDArray[np.uint32] | npt.NDArray[np.uint8]) -> tuple[I64, ...]:
    r"""Where the ``_FIGURE`` and ``_NAME`` matches lie (trailing ``_TRAILING`` stripped).

    ``codes`` are the code points of texts joined by NUL characters and ending in one; neither
    kind of match can contain a NUL, so none runs from one text into the next. Matches are
    found from per-character classes instead of a regex scan, several times cheaper:

    * a figure is each run of digits and ``.,/-`` that holds a digit, from its first digit to
      its last (``\d[\d.,/-]*`` matched, then the trailing punctuation stripped);
    * a name starts at a capital after a space after a word character, ``,``, ``)`` or ``%``
      and runs over word characters and ``.'&/-``, less trailing punctuation.

    Returns:
        ``(figure_starts, figure_ends, name_starts, name_ends)``.
    """
    cls = _classes(codes)
    digits = np.flatnonzero((cls & _DIGIT_BIT) != 0)
    in_figure = (cls & (_DIGIT_BIT | _FIGURE_PUNCT_BIT)) != 0
    # Two digits are in one run when no other character lies between them.
    outside_figure = np.flatnonzero(~in_figure)
    runs = np.searchsorted(outside_figure, digits)
    first = np.ones(len(digits), dtype=bool)
    first[1:] = runs[1:] != runs[:-1]
    last = np.ones(len(digits), dtype=bool)
    last[:-1] = first[1:]
    fig_starts, fig_ends = digits[first], digits[last] + 1

    candidates = np.flatnonzero((cls[2:] & _UPPER_BIT) != 0) + 2
    candidates = candidates[
        (codes[candidates - 1] == 0x20) & ((cls[candidates - 2] & (_WORD_BIT | _BEFORE_BIT)) != 0)
    ]
    outside_token = np.flatnonzero((cls & (_WORD_BIT | _TOKEN_PUNCT_BIT)) == 0)
    ends = outside_token[np.searchsorted(outside_token, candidates, side="right")]
    # Strip trailing punctuation (the first character is never stripped).
    while True:
        strip = ((cls[ends - 1] & _TOKEN_PUNCT_BIT) != 0) & (ends - 1 > candidates)
        if not strip.any():
            break
        ends = ends - strip
    return (fig_starts, fig_ends, candidates, ends.astype(np.int64))


class _Values(NamedTuple):
    """A batch's values: some as strings, the rest as ranges of the marked buffer."""

    strings: list[str]
    string_owner: I64
    string_kinds: U32
    ranges: list[tuple[I64, I64, bytes, I64, U32]]
    """``(starts, ends, prefix, owner, kinds)``: values ``prefix + marked[start:end]``."""


_NUMBER_WORD_BYTES = {w.encode("ascii"): "n:" + d for w, d in _NUMBER_WORDS.items()}
_DATE_NAMES = frozenset(w.encode("ascii") for w in _DATE_WORDS)


def _batch_values(
    titles: list[str | None], texts: list[str], marked: bytes, marked_starts: I64
) -> _Values:
    """Every text's values (as :func:`values`, plus its title's tickers) for a batch.

    Names, and figures without a separator, of ASCII texts are not cut out as strings: they
    are returned as ranges of ``marked`` (the batch lower-cased, text ``i`` at
    ``marked_starts[i]``; lower-casing leaves digits alone), hashed where they stand.
    """
    caps = np.array([t[:1000].upper() == t[:1000] for t in texts], dtype=bool)
    ascii_texts = np.array([t.isascii() for t in texts], dtype=bool)
    strings: list[str] = []
    owners: list[I64] = []
    kinds: list[U32] = []
    ranges: list[tuple[I64, I64, bytes, I64, U32]] = []
    for group_is_ascii in (True, False):
        members = np.flatnonzero(ascii_texts == group_is_ascii)
        if not len(members):
            continue
        group = [texts[i] for i in members]
        joined = "\x00".join(group) + "\x00"
        if group_is_ascii:
            codes: npt.NDArray[np.uint32] | npt.NDArray[np.uint8] = np.frombuffer(
                joined.encode("ascii"), dtype=np.uint8
            )
        else:
            codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        lengths = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        start = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        fs, fe, ns, ne = _token_ranges(codes)
        f_local = np.searchsorted(start, fs, side="right") - 1
        # _number changes only figures with a separator.
        separators = np.flatnonzero((codes == 0x2C) | (codes == 0x2E))
        plain = np.searchsorted(separators, fe) == np.searchsorted(separators, fs)
        if group_is_ascii:
            shift = marked_starts[members[f_local[plain]]] - start[f_local[plain]]
            owner = members[f_local[plain]]
            ranges.append(
                (fs[plain] + shift, fe[plain] + shift, b"n:", owner, _kinds(len(owner), FIGURE))
            )
            fs, fe, f_local = fs[~plain], fe[~plain], f_local[~plain]
            plain = np.zeros(len(fs), dtype=bool)
        figures = [joined[x:y] for x, y in zip(fs.tolist(), fe.tolist(), strict=True)]
        strings += [
            "n:" + (t if p else _number(t)) for t, p in zip(figures, plain.tolist(), strict=True)
        ]
        owners.append(members[f_local])
        kinds.append(_kinds(len(figures), FIGURE))
        local = np.searchsorted(start, ns, side="right") - 1
        name_owner = members[local]
        keep = ~caps[name_owner]
        ns, ne, local, name_owner = ns[keep], ne[keep], local[keep], name_owner[keep]
        if group_is_ascii:
            shift = marked_starts[name_owner] - start[local]
            ns, ne = ns + shift, ne + shift
            name_kinds = _kinds(len(ns), NAME)
            # Month and weekday names are dates: found by length first, then read.
            for j in np.flatnonzero((ne - ns >= 3) & (ne - ns <= 9)).tolist():
                if marked[ns[j] : ne[j]] in _DATE_NAMES:
                    name_kinds[j] = DATE
            ranges.append((ns, ne, b"w:", name_owner, name_kinds))
        elif len(ns):
            names = "\n".join(joined[x:y] for x, y in zip(ns.tolist(), ne.tolist(), strict=True))
            # One lower() for all: a line break stops case context as a string's end does.
            lowered = names.lower().split("\n")
            strings += ["w:" + x for x in lowered]
            owners.append(name_owner)
            kinds.append(
                np.array([DATE if x in _DATE_WORDS else NAME for x in lowered], dtype=np.uint32)
            )
    extra_owner: list[int] = []
    extra_kinds: list[int] = []
    for i, (title, text) in enumerate(zip(titles, texts, strict=True)):
        found: list[str] = []
        if "<" in text:
            found += ["t:" + " ".join(t.lower().split()) for t in _BRACKET.findall(text)]
        if title and "<" in title:
            found += ["t:" + " ".join(t.lower().split()) for t in _TITLE_TICKER.findall(title)]
        n_dates = len(found)
        if len(text) <= _NUMBER_WORD_CHARS and not ascii_texts[i]:
            words = set(_WORD.findall(text.lower()))
            found += ["n:" + _NUMBER_WORDS[w] for w in words & _NUMBER_WORD_SET]
        strings += found
        extra_owner += [i] * len(found)
        extra_kinds += [DATE] * n_dates + [FIGURE] * (len(found) - n_dates)
    short_ascii = ascii_texts & (
        np.fromiter(map(len, texts), np.int64, len(texts)) <= _NUMBER_WORD_CHARS
    )
    for i, word in _ascii_number_words(marked, marked_starts, short_ascii):
        strings.append(word)
        extra_owner.append(i)
        extra_kinds.append(FIGURE)
    owners.append(np.array(extra_owner, dtype=np.int64))
    kinds.append(np.array(extra_kinds, dtype=np.uint32))
    return _Values(strings, np.concatenate(owners).astype(np.int64), np.concatenate(kinds), ranges)


_AZ_CODE = np.zeros(256, dtype=np.int64)
_AZ_CODE[0x61:0x7B] = np.arange(1, 27)
_NUMBER_SHAPES = np.zeros(27 * 27 * 16, dtype=bool)
for _w in _NUMBER_WORDS:
    _NUMBER_SHAPES[(_AZ_CODE[ord(_w[0])] * 27 + _AZ_CODE[ord(_w[-1])]) * 16 + len(_w)] = True


def _ascii_number_words(
    marked: bytes, marked_starts: I64, texts: npt.NDArray[np.bool_]
) -> list[tuple[int, str]]:
    """``(text, "n:<digits>")`` for every English number word of the chosen (ASCII) texts.

    A number word counts when it is a whole ``[a-z]+`` run of the lower-cased text (as
    ``_WORD`` reads it). Runs are found in ``marked`` with numpy; only runs whose first and
    last letter and length fit some number word are read as bytes.
    """
    chosen = np.flatnonzero(texts)
    if not len(chosen):
        return []
    data = np.frombuffer(marked, dtype=np.uint8)
    letter = np.zeros(len(data) + 2, dtype=bool)
    letter[1:-1] = (data >= 0x61) & (data <= 0x7A)
    edges = np.flatnonzero(letter[1:] != letter[:-1])
    starts, ends = edges[0::2], edges[1::2]
    owner = np.searchsorted(marked_starts, starts, side="right") - 1
    size = ends - starts
    shape = (_AZ_CODE[data[starts]] * 27 + _AZ_CODE[data[ends - 1]]) * 16 + np.minimum(size, 15)
    keep = texts[owner] & (size >= 3) & (size <= 9) & _NUMBER_SHAPES[shape]
    out = []
    for a, b, i in zip(
        starts[keep].tolist(), ends[keep].tolist(), owner[keep].tolist(), strict=True
    ):
        value = _NUMBER_WORD_BYTES.get(marked[a:b])
        if value is not None:
            out.append((i, value))
    return out


def _kinds(n: int, kind: int) -> U32:
    return np.full(n, kind, dtype=np.uint32)


def _value_rows(
    n: int, vals: _Values, hasher: BatchShingleHasher, range_hashes: list[U32]
) -> tuple[U32, U32, U32, U32]:
    """Per text: value count, digest, figure count and the bottom-k sketch of value hashes.

    The string values of the batch are hashed in one numpy pass (``range_hashes`` over the
    values joined by line breaks); the others come hashed (``range_hashes``, one array per
    range set of ``vals``). The digest is an order-free sum of the distinct values' mixed
    hashes (their low 32 bits, summed exactly in float64, modulo 2**32). Distinct values are
    told apart by their hashes.
    """
    buf = "\n".join(vals.strings).encode("utf-8")
    data = np.frombuffer(buf, dtype=np.uint8)
    breaks = np.flatnonzero(data == 0x0A)
    starts = np.concatenate(([0], breaks + 1)).astype(np.int64)
    ends = np.concatenate((breaks, [len(data)])).astype(np.int64)
    raw = hasher.range_hashes(buf, starts, ends) if vals.strings else np.zeros(0, dtype=np.uint32)
    raw = np.concatenate((raw, *range_hashes))
    kinds = np.concatenate((vals.string_kinds, *(r[4] for r in vals.ranges)))
    owner = np.concatenate((vals.string_owner, *(r[3] for r in vals.ranges)))
    all_hashes = (raw & ~np.uint32(KIND_MASK)) | kinds
    # Distinct hashes per text, sorted: one sort of (text, hash) for the batch.
    combined = np.sort((owner.astype(np.uint64) << np.uint64(32)) | all_hashes.astype(np.uint64))
    h = (combined & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    o = (combined >> np.uint64(32)).astype(np.int64)
    first = np.ones(len(h), dtype=bool)
    first[1:] = combined[1:] != combined[:-1]
    h, o = h[first], o[first]
    counts = np.bincount(o, minlength=n).astype(np.uint32)
    mixed = _fmix64(h.astype(np.uint64)) & np.uint64(0xFFFFFFFF)
    digests = (np.bincount(o, weights=mixed.astype(np.float64), minlength=n) % 2**32).astype(
        np.uint32
    )
    starts_o = (np.cumsum(counts) - counts).astype(np.int64)
    rank = np.arange(len(h), dtype=np.int64) - np.repeat(starts_o, counts.astype(np.int64))
    sketches = np.full((n, VALUE_SLOTS), EMPTY_VALUE, dtype=np.uint32)
    low = rank < VALUE_SLOTS
    sketches[o[low], rank[low]] = h[low]
    figures = np.bincount(o[(h & KIND_MASK) == FIGURE], minlength=n).astype(np.uint32)
    return counts, digests, figures, sketches


def _mark_sentences(low: str) -> str:
    for end, split in _SENTENCE_ENDS:
        if end in low:
            low = low.replace(end, split)
    return low


_DOT, _QUOTE, _APOSTROPHE = ord("."), ord('"'), ord("'")
_ENDERS = np.zeros(256, dtype=bool)
_ENDERS[[ord("."), ord("?"), ord("!")]] = True
_RDQUO = ".\u201d".encode()


def _marked_buffer(texts: list[str]) -> tuple[npt.NDArray[np.uint8], I64, I64]:
    """The batch's texts lower-cased, UTF-8, joined by NULs, a line break at every sentence end.

    The same bytes as ``_mark_sentences(text.lower())`` of each text: ASCII texts are
    lower-cased in the array, the others by ``str.lower``; a space after ``.``, ``?``, ``!``
    (also followed by ``"``), ``.\u201d`` or ``.'`` becomes a line break.

    Returns:
        The bytes, where each text starts in them, and where their spaces are.
    """
    # Only non-ASCII texts need str.lower(); ASCII capitals are lowered in the array.
    joined = "\x00".join(t if t.isascii() else t.lower() for t in texts).encode("utf-8")
    data = np.frombuffer(joined, dtype=np.uint8).copy()
    data |= ((data >= 0x41) & (data <= 0x5A)).view(np.uint8) << 5
    spaces = np.flatnonzero(data[1:] == 0x20) + 1
    before = data[spaces - 1]
    before2 = data[np.maximum(spaces - 2, 0)]
    end = _ENDERS[before]
    end |= (before == _QUOTE) & _ENDERS[before2] & (spaces >= 2)
    end |= (before == _APOSTROPHE) & (before2 == _DOT) & (spaces >= 2)
    rdquo = np.flatnonzero(before == _RDQUO[3])
    if len(rdquo):
        at = spaces[rdquo]
        ok = at >= len(_RDQUO)  # the space follows the four bytes of ".\u201d"
        at, rdquo = at[ok], rdquo[ok]
        ok = (data[at - 2] == _RDQUO[2]) & (data[at - 3] == _RDQUO[1]) & (data[at - 4] == _RDQUO[0])
        end[rdquo[ok]] = True
    data[spaces[end]] = 0x0A
    text_start = np.concatenate(([0], np.flatnonzero(data == 0) + 1)).astype(np.int64)
    kept = spaces[~end]
    if data[:1].tobytes() == b" ":
        kept = np.concatenate(([0], kept))
    return data, text_start, kept


def _sentence_ranges(texts: list[str]) -> tuple[bytes, I64, I64, I64, I64]:
    """Where every sentence of 6+ words of each text lies in the batch's marked buffer.

    Sentences are the lower-cased text cut at line breaks and sentence ends
    (:func:`_marked_buffer`), later hashed for the whole batch at once with numpy range
    hashing: a regex or a normal form per sentence costs several times more. Whitespace
    inside a sentence is collapsed by the cleaner already.

    Returns:
        The marked buffer, where each text starts in it, the sentences' starts and ends, and
        how many sentences each text has.
    """
    if any("\x00" in t for t in texts):
        # A text with a NUL of its own (the cleaner drops them): texts joined by line breaks.
        parts = [_mark_sentences(t.lower()).encode("utf-8") for t in texts]
        data = np.frombuffer(b"\n".join(parts), dtype=np.uint8)
        breaks = np.flatnonzero(data == 0x0A)
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        text_start = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
        spaces = np.flatnonzero(data == 0x20)
    else:
        data, text_start, spaces = _marked_buffer(texts)
        breaks = np.flatnonzero((data == 0x0A) | (data == 0x00))
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(data)]))
    words = np.searchsorted(spaces, ends) - np.searchsorted(spaces, starts) + 1
    owner = np.searchsorted(text_start, starts, side="right") - 1
    keep = (words >= MIN_SENTENCE_WORDS) & (ends > starts)
    counts = np.bincount(owner[keep], minlength=len(texts)).astype(np.int64)
    return data.tobytes(), text_start, starts[keep], ends[keep], counts


def _sentence_keys(flat: U64, counts: I64, exact_keys: list[int]) -> U64:
    """Per text, one key per band: the minima of SENTENCE_ROWS salted mixes of its sentence
    hashes, combined (two texts share a band key when they share every one of its minima)."""
    n = len(counts)
    minima = np.empty((n, len(_SALTS)), dtype=np.uint64)
    has = counts > 0
    if flat.size:
        mixed = _fmix64(flat[None, :] ^ _SALTS[:, None])
        starts = (np.cumsum(counts) - counts)[has]
        minima[has] = np.minimum.reduceat(mixed, starts, axis=1).T
    if (~has).any():
        # No usable sentence: a key of the text itself, which only its exact copies share.
        ek = np.array(exact_keys, dtype=np.uint64)[~has]
        minima[~has] = _fmix64((ek[:, None] ^ _NO_SENTENCE) ^ _SALTS[None, :])
    out = np.zeros((n, SENTENCE_BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(SENTENCE_ROWS):
            out = _fmix64((out * _ROW_MIX) ^ minima[:, r::SENTENCE_ROWS])
    return out


def _edit_permutations() -> tuple[U32, U32]:
    rng = np.random.default_rng(_EDIT_SEED)
    a = rng.integers(1, 2**32, size=EDIT_PERM, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, size=EDIT_PERM, dtype=np.uint64).astype(np.uint32)
    return a, b


class EvidenceMaker:
    """Computes evidence rows for cleaned articles; build one per worker process.

    Args:
        cfg: Dedup settings (``char_shingle_size`` and the exact-key normal form).

    Example:
        >>> maker = EvidenceMaker(DedupConfig())
        >>> ev = maker.rows(["PILLSBURY VOTES DIVIDEND"], ["Qtly div 25 cts vs 25 cts prior."])
        >>> ev.shape == (1, WIDTH), int(ev[0, N_VALUES]), int(ev[0, FLAGS])
        (True, 1, 0)
    """

    def __init__(self, cfg: DedupConfig) -> None:
        edit_cfg = replace(cfg, shingle_size=2, char_shingle_size=2, num_perm=EDIT_PERM)
        self._edit = Signer(edit_cfg, _edit_permutations())
        self._hasher = self._edit.hasher

    @property
    def edit_signer(self) -> Signer:
        """The signer of the edit signature (word bigrams, :data:`EDIT_PERM` permutations)."""
        return self._edit

    def rows(
        self,
        titles: list[str | None],
        texts: list[str],
        exact_keys: list[int] | None = None,
        norms: list[str] | None = None,
        edit_signatures: U32 | None = None,
    ) -> U32:
        """Evidence rows of several articles.

        Args:
            titles: Cleaned titles (``None`` when absent).
            texts: Cleaned texts.
            exact_keys: Their ``exact_key`` values (computed when not given).
            norms: Their normal forms, when the caller has them (``Signer.sign``).
            edit_signatures: Their edit signatures, when the caller has them
                (``Signer.sign_with(texts, maker.edit_signer)``, which shares the shingle
                hashing with the main signature).

        Returns:
            ``(len(texts), WIDTH)`` uint32.
        """
        n = len(texts)
        out = np.zeros((n, WIDTH), dtype=np.uint32)
        if not n:
            return out
        norms = norms if norms is not None else [normal_form(t) for t in texts]
        keys = exact_keys if exact_keys is not None else [hash64(x) for x in norms]
        out[:, EDIT] = (
            edit_signatures
            if edit_signatures is not None
            else self._edit.signatures_of_norms(norms)
        )
        marked, marked_starts, sentence_starts, sentence_ends, counts = _sentence_ranges(texts)
        vals = _batch_values(titles, texts, marked, marked_starts)
        sentence_hashes, *value_hashes = self._hasher.range_hash_sets(
            marked,
            [(sentence_starts, sentence_ends, b"")] + [r[:3] for r in vals.ranges],
        )
        sentence_keys = _sentence_keys(sentence_hashes.astype(np.uint64), counts, keys)
        out[:, SENTENCE_KEYS] = sentence_keys.view(np.uint32).reshape(n, 2 * SENTENCE_BANDS)
        n_values, digests, figures, sketches = _value_rows(n, vals, self._hasher, value_hashes)
        out[:, N_VALUES] = n_values
        out[:, VALUE_DIGEST] = digests
        out[:, N_FIGURES] = figures
        out[:, VALUES] = sketches
        out[:, N_WORDS] = [x.count(" ") + 1 if x else 0 for x in norms]
        out[:, FLAGS] = [
            FLAG_CORRECTION if is_correction(title, text) else 0
            for title, text in zip(titles, texts, strict=True)
        ]
        return out


def unknown_rows(exact_keys: U64) -> U32:
    """Evidence rows that say "not computed" (verification then uses the signatures alone).

    Args:
        exact_keys: The articles' exact keys (their sentence keys are derived from them, so
            only exact copies share one).

    Returns:
        ``(len(exact_keys), WIDTH)`` uint32 with :data:`FLAG_UNKNOWN` set.

    >>> int(unknown_rows(np.array([7], dtype=np.uint64))[0, FLAGS]) == FLAG_UNKNOWN
    True
    """
    n = len(exact_keys)
    out = np.zeros((n, WIDTH), dtype=np.uint32)
    out[:, FLAGS] = FLAG_UNKNOWN
    keys = _sentence_keys(
        np.empty(0, dtype=np.uint64), np.zeros(n, dtype=np.int64), [int(k) for k in exact_keys]
    )
    out[:, SENTENCE_KEYS] = keys.view(np.uint32).reshape(n, 2 * SENTENCE_BANDS)
    return out


def sentence_curve_text() -> str:
    """The S-curve of the sentence bands (one key per band: P = 1 - (1 - s)**bands).

    Returns:
        A two-line table like ``candidates.s_curve_text``.

    >>> print(sentence_curve_text())
    sentence bands=8 rows=2: P(candidate | Jaccard of sentence sets)
    Jaccard   0.30  0.50  0.60  0.70  0.75  0.80  0.90  0.95
    P         0.53  0.90  0.97  1.00  1.00  1.00  1.00  1.00
    """
    points = (0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95)
    head = "Jaccard " + "".join(f"{x:6.2f}" for x in points)
    body = "P       " + "".join(
        f"{1 - (1 - x**SENTENCE_ROWS) ** SENTENCE_BANDS:6.2f}" for x in points
    )
    return (
        f"sentence bands={SENTENCE_BANDS} rows={SENTENCE_ROWS}: "
        "P(candidate | Jaccard of sentence sets)\n"
        f"{head}\n{body}"
    )


def sentence_band_keys(rows: U32) -> U64:
    """The sentence keys stored in evidence rows, as ``(n, SENTENCE_BANDS)`` uint64.

    Args:
        rows: Evidence rows.

    Returns:
        The keys (LSH bands after the MinHash bands).
    """
    part = np.ascontiguousarray(np.asarray(rows, dtype=np.uint32)[:, SENTENCE_KEYS])
    return part.view(np.uint64).reshape(len(part), SENTENCE_BANDS)
