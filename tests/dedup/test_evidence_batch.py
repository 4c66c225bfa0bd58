"""The batched evidence equals its per-text definition (regexes, string replacement).

The evidence rows are computed for a whole batch with numpy (character classes instead of
regex scans, one marked buffer for sentences and names, shared prefix sums); these tests pin
them to the plain per-text definition: :func:`normnews.dedup.values` and the sentence cut of
``_mark_sentences(text.lower())``, hashed with the reference ``shingle_hash``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from normnews.config import DedupConfig
from normnews.dedup import EvidenceMaker, Signer, values
from normnews.dedup.evidence import (
    _DATE_WORDS,
    _TITLE_TICKER,
    DATE,
    EMPTY_VALUE,
    FIGURE,
    KIND_MASK,
    MIN_SENTENCE_WORDS,
    N_FIGURES,
    N_VALUES,
    NAME,
    SENTENCE_BANDS,
    SENTENCE_KEYS,
    VALUE_DIGEST,
    VALUE_SLOTS,
    VALUES,
    _fmix64,
    _mark_sentences,
    _sentence_keys,
)
from normnews.dedup.shinglehash import shingle_hash

CFG = DedupConfig()
MAKER = EvidenceMaker(CFG)
SIGNER = Signer(CFG)

# Characters the batch code treats specially: capitals (ASCII and Latin-1, with the
# non-letter U+00D7 inside that range), digits and separators, sentence ends and quotes,
# case-changing letters (dotted I, sigma, Kelvin sign), NUL, line breaks.
ALPHABET = "aAbBzZ09 7.,?!'\"&/-)%<>\n\u00c0\u00d7\u00de\u00e9\u0130\u03a3\u212a\u201d\x00_"
WORDS = st.sampled_from(
    [
        "Said",
        "said",
        "May",
        "may",
        "Jan.",
        "Smith",
        "Smith.",
        "O'Neil",
        "1,500.0",
        "2.50",
        "12-1/2",
        "five",
        "Twenty",
        "one.",
        "<PSY>",
        "<Nippon Lace Co>",
        "\u00c9nergie",
        "x",
        "the",
        "and",
        "\u00d7",
        "mid-1990s",
        "Mr.",
        "\u201cQuote.\u201d",
        "end.'",
        "\n",
    ]
)
TEXTS = st.one_of(
    st.text(alphabet=ALPHABET, max_size=120),
    st.lists(WORDS, max_size=40).map(" ".join),
)


def _value_reference(title: str | None, text: str) -> tuple[int, int, int, list[int]]:
    vals = values(text)
    if title and "<" in title:
        vals += ["t:" + " ".join(t.lower().split()) for t in _TITLE_TICKER.findall(title)]
    hashes = set()
    figures = set()
    for v in vals:
        kind = FIGURE if v[0] == "n" else DATE if v[0] == "t" or v[2:] in _DATE_WORDS else NAME
        h = (shingle_hash(v.encode("utf-8")) & ~KIND_MASK) | kind
        hashes.add(h)
        if kind == FIGURE:
            figures.add(h)
    ordered = sorted(hashes)
    digest = int(
        sum(int(_fmix64(np.array([h], dtype=np.uint64))[0]) & 0xFFFFFFFF for h in ordered) % 2**32
    )
    return len(ordered), digest, len(figures), ordered[:VALUE_SLOTS]


def _sentence_reference(text: str, exact_key: int) -> list[int]:
    sentences = _mark_sentences(text.lower()).encode("utf-8").split(b"\n")
    hashes = [shingle_hash(s) for s in sentences if s and s.count(b" ") + 1 >= MIN_SENTENCE_WORDS]
    keys = _sentence_keys(
        np.array(hashes, dtype=np.uint64), np.array([len(hashes)], dtype=np.int64), [exact_key]
    )
    return [int(k) for k in keys[0]]


def _check(titles: list[str | None], texts: list[str]) -> None:
    sigs, keys, norms, edit = SIGNER.sign_with(texts, MAKER.edit_signer)
    rows = MAKER.rows(titles, texts, keys, norms, edit)
    assert (edit == MAKER.edit_signer.signatures_of_norms(norms)).all()
    assert (sigs == SIGNER.signatures(texts)).all()
    for i, (title, text) in enumerate(zip(titles, texts, strict=True)):
        n, digest, figures, sketch = _value_reference(title, text)
        row = rows[i]
        assert int(row[N_VALUES]) == n, (text, values(text))
        assert int(row[VALUE_DIGEST]) == digest
        assert int(row[N_FIGURES]) == figures
        assert row[VALUES].tolist() == sketch + [int(EMPTY_VALUE)] * (VALUE_SLOTS - len(sketch))
        got = np.ascontiguousarray(row[SENTENCE_KEYS]).view(np.uint64).tolist()
        assert got == _sentence_reference(text, keys[i])
        assert len(got) == SENTENCE_BANDS


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), TEXTS), TEXTS), min_size=1, max_size=6))
def test_batched_rows_equal_the_per_text_definition(items):
    """For any batch, every row's values and sentence keys are those the regex and string
    definition gives its text alone (ASCII and non-ASCII texts mixed, NULs included)."""
    _check([t for t, _ in items], [x for _, x in items])


def test_batched_rows_equal_the_definition_on_wire_and_news_text():
    """A wire notice, a table, a story with quotes and a non-ASCII story in one batch."""
    texts = [
        "Qtly div 12-1/2 cts vs 12-1/2 cts prior.\nPay April One.\nRecord March 13.",
        "Shr loss five cts vs loss six cts\nNet loss 473,784 vs loss 489,257\nRevs 268.8 mln",
        'The Fed said, "Rates rose." Officials in Washington said so. He added: it is '
        "done.\u201d Next sentence here has six words at least. <Pillsbury Co> agreed.",
        "S\u00e3o Paulo said \u00c9nergie and Smith met on Monday. \u0130stanbul, \u03a3OS "
        "said. Die Bank sagte, M\u00fcller habe 1.500,5 Euro gezahlt.",
        "",
    ]
    _check(["PILLSBURY <PSY> SETS DIVIDEND", None, None, "S\u00e3o Paulo", None], texts)
