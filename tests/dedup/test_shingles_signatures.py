"""Normal form, shingles and signatures."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normnews.config import DedupConfig
from normnews.dedup import (
    Signer,
    exact_key,
    normal_form,
    reference_signature,
    shinglehash,
    shingles,
)


def test_exact_key_ignores_case_punctuation_and_spacing():
    """It gives one key to texts that differ only in case, quotes, dashes and spacing."""
    a = "The “Bank” held rates—at 4.75%.\n\nGrowth slowed."
    b = 'the "bank" held rates - at 4.75 %  growth slowed'
    assert exact_key(a) == exact_key(b)
    assert exact_key(a) != exact_key("The bank cut rates to 4.5%.")


def test_short_texts_are_one_whole_shingle():
    """It makes a text shorter than one shingle into a single shingle of its normal form."""
    assert shingles("Storm hits coast") == ["storm hits coast"]
    assert shingles("") == [""]


def test_cjk_text_uses_character_shingles():
    """It cuts Chinese text into character n-grams, not one giant 'word'."""
    out = shingles("台风今天登陆浙江沿海地区", char_size=5)
    assert len(out) == 12 - 5 + 1
    assert out[0] == "台 风 今 天 登"


def test_mixed_japanese_keeps_latin_words_whole():
    """It treats each kana/kanji as a token and each Latin word as one token."""
    out = shingles("東京でNHKが報道した", char_size=3)
    assert "で nhk が" in out


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 7)])
def test_signature_equals_datasketch(num_perm, seed):
    """It computes exactly the values datasketch's affine32 MinHash computes."""
    cfg = DedupConfig(num_perm=num_perm, seed=seed)
    signer = Signer(cfg)
    texts = [
        "One two three four five six seven eight nine ten eleven twelve.",
        "Short",
        "台风今天登陆浙江沿海地区\uff0c造成大面积停电。",
        " ".join(f"w{i}" for i in range(9000)),  # longer than one work chunk
    ]
    for text in texts:
        sh = shingles(text, word_size=cfg.shingle_size, char_size=cfg.char_shingle_size)
        np.testing.assert_array_equal(signer.signature(text), reference_signature(sh, cfg))


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_signature_matches_datasketch_on_any_text(text):
    """It agrees with datasketch on arbitrary Unicode text."""
    cfg = DedupConfig(num_perm=32)
    sh = shingles(text, word_size=cfg.shingle_size, char_size=cfg.char_shingle_size)
    np.testing.assert_array_equal(Signer(cfg).signature(text), reference_signature(sh, cfg))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_normal_form_is_idempotent(text):
    """It returns a fixed point: normalising twice changes nothing."""
    assert normal_form(normal_form(text)) == normal_form(text)


_TEXTS = st.lists(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(["rates", "held", "bank", "東京", "storm", "4.75%", "café", "Москва"]),
            max_size=40,
        ).map(" ".join),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(_TEXTS, st.sampled_from([1, 2, 5, 9]))
def test_batch_signatures_match_one_at_a_time_and_datasketch(texts, size):
    """It signs a batch (mixed scripts, empty and short texts among long ones, any shingle size)
    exactly as it signs each text alone, and as datasketch signs its shingles."""
    cfg = DedupConfig(num_perm=32, shingle_size=size)
    signer = Signer(cfg)
    batch, keys = signer.signatures_and_keys(texts)
    assert batch.shape == (len(texts), 32)
    for text, row, key in zip(texts, batch, keys, strict=True):
        np.testing.assert_array_equal(row, signer.signature(text))
        sh = shingles(text, word_size=cfg.shingle_size, char_size=cfg.char_shingle_size)
        np.testing.assert_array_equal(row, reference_signature(sh, cfg))
        assert key == exact_key(text)


def test_batch_with_a_text_longer_than_a_work_chunk():
    """It signs a batch holding one very long text between short ones like each alone."""
    cfg = DedupConfig()
    signer = Signer(cfg)
    texts = ["Storm hits coast", " ".join(f"w{i}" for i in range(20000)), "", "a b c d e f"]
    batch = signer.signatures(texts)
    for text, row in zip(texts, batch, strict=True):
        sh = shingles(text, word_size=cfg.shingle_size, char_size=cfg.char_shingle_size)
        np.testing.assert_array_equal(row, reference_signature(sh, cfg))


def test_long_buffers_are_hashed_block_by_block_with_the_same_result(monkeypatch):
    """It gives the same shingle hashes when the batch's bytes span many prefix-sum blocks
    (memory stays bounded by one block), including ranges that cross block edges."""
    cfg = DedupConfig(num_perm=16)
    texts = [" ".join(f"w{i % 97} x{i}" for i in range(n)) for n in (3, 400, 1, 250)]
    expected = Signer(cfg).signatures(texts)
    monkeypatch.setattr(shinglehash, "_BLOCK", 64)
    np.testing.assert_array_equal(Signer(cfg).signatures(texts), expected)
    for text, row in zip(texts, expected, strict=True):
        sh = shingles(text, word_size=cfg.shingle_size, char_size=cfg.char_shingle_size)
        np.testing.assert_array_equal(row, reference_signature(sh, cfg))


def test_no_texts_give_no_hashes():
    """It returns empty hashes and a single offset for an empty batch."""
    hashes, offsets = shinglehash.BatchShingleHasher(5, 5).hashes([])
    assert len(hashes) == 0 and offsets.tolist() == [0]


def test_signing_a_huge_text_needs_memory_in_proportion_to_it_only():
    """It signs a text several prefix-sum blocks long with working memory of a few dozen bytes
    per byte of text (measured ~38), not tables that grow with the largest text ever seen (the
    earlier code kept power tables of twice that size, plus a prefix array over all of it)."""
    hasher = shinglehash.BatchShingleHasher(5, 5)
    text = " ".join(f"w{i % 1000}" for i in range(600_000))  # ~2.9 MB of normal form
    tracemalloc.start()
    try:
        hashes, offsets = hasher.hashes([text])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert offsets.tolist() == [0, 600_000 - 4] and len(hashes) == 600_000 - 4
    assert peak < 50 * len(text), peak / len(text)
