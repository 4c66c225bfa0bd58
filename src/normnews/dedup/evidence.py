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
  capitalised word that does not start a sentence (names, months);
* :data:`SENTENCE_BANDS` 64-bit sentence keys: minima, under independent mixes, of the hashes
  of the text's sentences of at least :data:`MIN_SENTENCE_WORDS` words. Two texts share a key
  with probability equal to the Jaccard similarity of their sentence sets, so a copy whose
  edits broke many 5-word shingles but few sentences still becomes an LSH candidate;
* an edit signature: a :data:`EDIT_PERM`-permutation MinHash of word *bigrams*, which an
  edited word breaks two of instead of five.

Every value is a pure function of (title, text), so ``normnews index rebuild`` recomputes it.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from normnews.config import DedupConfig
from normnews.dedup.shingles import normal_form
from normnews.dedup.signatures import Signer
from normnews.hashing import hash64

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

EVIDENCE_VERSION = "evidence-v1(digest,figures,values24,sentences8x6w,bigram-minhash64)"
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
_VALUE = re.compile(
    r"<(?P<bracket>[^<>\n]{1,60})>"
    r"|(?P<number>(?<![\w.])\d+(?:[.,]\d+)*(?:-\d+/\d+|/\d+)?)"
    r"|(?P<numword>\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b)"
    r"|(?P<word>\b[A-Z\u00c0-\u00de][\w'&-]*)"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"'(\u201c\u2018])\s*$")
_TITLE_TICKER = re.compile(r"<([^<>\n]{1,60})>")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_SALTS = np.array(
    [
        0x243F6A8885A308D3,
        0x13198A2E03707344,
        0xA4093822299F31D0,
        0x082EFA98EC4E6C89,
        0x452821E638D01377,
        0xBE5466CF34E90C6C,
        0xC0AC29B7C97C50DD,
        0x3F84D5B5B5470917,
    ],
    dtype=np.uint64,
)[:SENTENCE_BANDS]
_NO_SENTENCE = np.uint64(0x9216D5D98979FB1B)
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
    """The values of a text: figures, tickers/bracketed names, capitalised non-initial words.

    Args:
        text: Cleaned article text.

    Returns:
        Distinct value tokens, sorted (each prefixed by its kind).

    >>> values("Qtly div 25 cts vs 25 cts prior qtr. Pay 31 May. Record 1 May.")
    ['n:1', 'n:25', 'n:31', 'w:may']
    >>> values("Net 1,500.0 mln vs five mln, <Pillsbury Co> said.")
    ['n:1500', 'n:5', 't:pillsbury co']
    """
    # A text without lower case (an unparsed wire, a shouted page) has no telling capitals.
    sample = text[:1000]
    caps_text = sample.upper() == sample
    out: set[str] = set()
    for m in _VALUE.finditer(text):
        kind = m.lastgroup
        token = m.group()
        if kind == "bracket":
            out.add("t:" + " ".join(m.group("bracket").lower().split()))
        elif kind == "number":
            out.add("n:" + _number(token))
        elif kind == "numword":
            out.add("n:" + _NUMBER_WORDS[token])
        else:
            lower = token.lower()
            if lower in _NUMBER_WORDS:
                out.add("n:" + _NUMBER_WORDS[lower])
            elif (
                not caps_text
                and token[0].isupper()
                and not _SENTENCE_START.search(text, max(0, m.start() - 3), m.start())
            ):
                out.add("w:" + lower)
    return sorted(out)


def _value_sketch(text: str, title: str | None) -> tuple[int, int, int, U32]:
    found = values(text)
    if title and "<" in title:
        # A wire title's ticker names the company a short notice is about.
        found += ["t:" + " ".join(t.lower().split()) for t in _TITLE_TICKER.findall(title)]
    hashes = np.unique(np.array([hash64(v) & 0xFFFFFFFF for v in found], dtype=np.uint32))
    sketch = np.full(VALUE_SLOTS, EMPTY_VALUE, dtype=np.uint32)
    kept = hashes[:VALUE_SLOTS]
    sketch[: len(kept)] = kept
    digest = hash64(" ".join(sorted(found))) & 0xFFFFFFFF
    figures = sum(1 for v in found if v.startswith("n:"))
    return len(hashes), digest, figures, sketch


def _sentence_hashes(text: str) -> list[int]:
    out = []
    for sentence in _SENTENCE_SPLIT.split(text):
        norm = normal_form(sentence)
        if norm.count(" ") + 1 >= MIN_SENTENCE_WORDS:
            out.append(hash64(norm))
    return out


def _sentence_keys(hashes: list[list[int]], exact_keys: list[int]) -> U64:
    """Per text, the minimum of each salted mix of its sentence hashes."""
    n = len(hashes)
    out = np.empty((n, SENTENCE_BANDS), dtype=np.uint64)
    counts = np.array([len(h) for h in hashes], dtype=np.int64)
    flat = np.array([x for h in hashes for x in h], dtype=np.uint64)
    has = counts > 0
    if flat.size:
        mixed = _fmix64(flat[None, :] ^ _SALTS[:, None])
        starts = (np.cumsum(counts) - counts)[has]
        out[has] = np.minimum.reduceat(mixed, starts, axis=1).T
    if (~has).any():
        # No usable sentence: a key of the text itself, which only its exact copies share.
        ek = np.array(exact_keys, dtype=np.uint64)[~has]
        out[~has] = _fmix64((ek[:, None] ^ _NO_SENTENCE) ^ _SALTS[None, :])
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

    def rows(
        self, titles: list[str | None], texts: list[str], exact_keys: list[int] | None = None
    ) -> U32:
        """Evidence rows of several articles.

        Args:
            titles: Cleaned titles (``None`` when absent).
            texts: Cleaned texts.
            exact_keys: Their ``exact_key`` values (computed when not given).

        Returns:
            ``(len(texts), WIDTH)`` uint32.
        """
        n = len(texts)
        out = np.zeros((n, WIDTH), dtype=np.uint32)
        if not n:
            return out
        edit, keys = self._edit.signatures_and_keys(texts)
        out[:, EDIT] = edit
        sentence_keys = _sentence_keys(
            [_sentence_hashes(t) for t in texts], exact_keys if exact_keys is not None else keys
        )
        out[:, SENTENCE_KEYS] = sentence_keys.view(np.uint32).reshape(n, 2 * SENTENCE_BANDS)
        for i, (title, text) in enumerate(zip(titles, texts, strict=True)):
            count, digest, figures, sketch = _value_sketch(text, title)
            out[i, VALUE_DIGEST] = digest
            out[i, N_FIGURES] = figures
            out[i, FLAGS] = FLAG_CORRECTION if is_correction(title, text) else 0
            out[i, N_VALUES] = min(count, 0xFFFFFFFF)
            out[i, N_WORDS] = len(text.split())
            out[i, VALUES] = sketch
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
    keys = _sentence_keys([[] for _ in range(n)], [int(k) for k in exact_keys])
    out[:, SENTENCE_KEYS] = keys.view(np.uint32).reshape(n, 2 * SENTENCE_BANDS)
    return out


def sentence_curve_text() -> str:
    """The S-curve of the sentence bands (one key per band: P = 1 - (1 - s)**bands).

    Returns:
        A two-line table like ``candidates.s_curve_text``.

    >>> print(sentence_curve_text())
    sentence bands=8 rows=1: P(candidate | Jaccard of sentence sets)
    Jaccard   0.30  0.50  0.60  0.70  0.75  0.80  0.90  0.95
    P         0.94  1.00  1.00  1.00  1.00  1.00  1.00  1.00
    """
    points = (0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95)
    head = "Jaccard " + "".join(f"{x:6.2f}" for x in points)
    body = "P       " + "".join(f"{1 - (1 - x) ** SENTENCE_BANDS:6.2f}" for x in points)
    return (
        f"sentence bands={SENTENCE_BANDS} rows=1: P(candidate | Jaccard of sentence sets)\n"
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
