"""The 32-bit shingle hash fed to MinHash, computed for a whole batch of texts at once.

Hashing each shingle string with a C hash still costs a Python call per shingle and, before
that, building every shingle string (five words joined: the largest part of signing an
article). Instead, a shingle's hash is a polynomial over the UTF-8 bytes of the shingle as it
stands in the normal form (``"w1 w2 w3 w4 w5"`` is a slice of it):

    poly(s) = sum((s[i] + 1) * P**i for i in range(len(s))) mod 2**64
    shingle_hash(s) = fmix64(poly(s)) >> 32

With prefix sums ``H[j] = sum((buf[i] + 1) * P**i for i < j)`` over one buffer holding every
normal form of a batch, the hash of any slice ``buf[s:e]`` is ``(H[e] - H[s]) * P**-s`` (``P`` is
odd, so it has an inverse modulo 2**64): a few numpy passes over the batch's bytes replace
hundreds of Python calls per article. ``+ 1`` makes trailing zero bytes count; the MurmurHash3
64-bit finaliser spreads the polynomial's weak low bits before the high 32 are kept.

:func:`shingle_hash` is the same function for one byte string, in plain Python: the reference
the batch path is tested against, and the ``hashfunc`` given to datasketch's ``MinHash`` in
:func:`normnews.dedup.signatures.reference_signature`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from normnews.dedup.shingles import normal_shingles, tokens_are_words

SHINGLE_HASH_NAME = "poly64(P=0x9e3779b97f4a7c15,byte+1)/fmix64/high32"
"""Name of the shingle hash (recorded in the history header: another hash, another index)."""

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_MASK64 = (1 << 64) - 1
_P = 0x9E3779B97F4A7C15
_P_INV = pow(_P, -1, 1 << 64)
_M1 = 0xFF51AFD7ED558CCD
_M2 = 0xC4CEB9FE1A85EC53
_SPACE = 0x20
_BLOCK = 1 << 20
"""Bytes whose prefix sums are computed at once: bounds the work arrays (~24 MiB) whatever the
size of the buffer."""
_GROUP_CHARS = 1 << 20
"""Characters of normal form signed together: bounds the per-token arrays of one call, and
keeps most buffers within one block (the direct path)."""


def shingle_hash(data: bytes) -> int:
    """The 32-bit hash of one shingle's UTF-8 bytes (reference implementation).

    Args:
        data: The shingle, UTF-8 encoded.

    Returns:
        An unsigned 32-bit integer.

    >>> shingle_hash(b"the fed raised rates again") == shingle_hash(b"the fed raised rates again")
    True
    >>> shingle_hash(b"a") != shingle_hash(b"a\\x00") and 0 <= shingle_hash(b"") < 2**32
    True
    """
    poly = 0
    power = 1
    for byte in data:
        poly = (poly + (byte + 1) * power) & _MASK64
        power = (power * _P) & _MASK64
    return _fmix64(poly) >> 32


def _fmix64(h: int) -> int:
    h ^= h >> 33
    h = (h * _M1) & _MASK64
    h ^= h >> 33
    h = (h * _M2) & _MASK64
    return h ^ (h >> 33)


def _fmix64_array(h: U64) -> U64:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(_M1)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(_M2)
    return h ^ (h >> np.uint64(33))


class BatchShingleHasher:
    """Shingle hashes of many normal forms at once; keep one per worker (it caches powers).

    Args:
        word_size: Words per shingle.
        char_size: Tokens per shingle for texts mostly in scripts without spaces.
    """

    def __init__(self, word_size: int, char_size: int) -> None:
        self.word_size = word_size
        self.char_size = char_size
        self._pow: U64 | None = None
        self._inv: U64 | None = None

    def _powers(self) -> tuple[U64, U64]:
        """``P**i`` and ``P**-i`` modulo 2**64 for ``i <= _BLOCK`` (built on first use)."""
        if self._pow is None or self._inv is None:
            self._pow = _cumprod_powers(_P, _BLOCK + 1)
            self._inv = _cumprod_powers(_P_INV, _BLOCK + 1)
        return self._pow, self._inv

    def range_hashes(self, buf: bytes, starts: I64, ends: I64, prefix: bytes = b"") -> U32:
        """:func:`shingle_hash` of ``prefix + buf[s:e]`` for each ``(s, e)`` pair.

        Args:
            buf: The bytes the ranges point into.
            starts: Range starts (inclusive).
            ends: Range ends (exclusive), same length as ``starts``.
            prefix: Bytes hashed before every range (a value's kind tag, without copying
                the ranges): ``poly(prefix + r) = poly(prefix) + P**len(prefix) * poly(r)``.

        Returns:
            One uint32 per range.
        """
        return self.range_hash_sets(buf, [(starts, ends, prefix)])[0]

    def range_hash_sets(self, buf: bytes, sets: list[tuple[I64, I64, bytes]]) -> list[U32]:
        """:meth:`range_hashes` of several sets of ``(starts, ends, prefix)`` in one buffer
        (its prefix sums, the costly part, are computed once).

        Args:
            buf: The bytes the ranges point into.
            sets: Range starts, range ends and the prefix of each set.

        Returns:
            One uint32 array per set.
        """
        sizes = [len(starts) for starts, _, _ in sets]
        polys = self._range_polys(
            buf,
            np.concatenate([starts for starts, _, _ in sets]).astype(np.int64),
            np.concatenate([ends for _, ends, _ in sets]).astype(np.int64),
        )
        out = []
        for (_, _, prefix), part in zip(sets, np.split(polys, np.cumsum(sizes)[:-1]), strict=True):
            if prefix:
                head = 0
                for i, byte in enumerate(prefix):
                    head = (head + (byte + 1) * pow(_P, i, 1 << 64)) & _MASK64
                part = np.uint64(head) + part * np.uint64(pow(_P, len(prefix), 1 << 64))
            out.append((_fmix64_array(part) >> np.uint64(32)).astype(np.uint32))
        return out

    def _range_polys(self, buf: bytes, starts: I64, ends: I64) -> U64:
        """``poly(buf[s:e])`` for each range (before the finaliser)."""
        data = np.frombuffer(buf, dtype=np.uint8)
        pw, inv = self._powers()
        if len(data) <= _BLOCK:
            prefix_all = np.zeros(len(data) + 1, dtype=np.uint64)
            np.cumsum((data.astype(np.uint64) + np.uint64(1)) * pw[: len(data)], out=prefix_all[1:])
            polys: U64 = (prefix_all[ends] - prefix_all[starts]) * inv[starts]
            return polys
        # A larger buffer: the prefix sum H is needed only where a range starts or ends, and is
        # computed a block at a time: H[b0 + j] = H[b0] + P**b0 * (the block's prefix at j).
        points = np.unique(np.concatenate((starts, ends)))
        prefix = np.empty(len(points), dtype=np.uint64)
        carry, scale, step = 0, 1, pow(_P, _BLOCK, 1 << 64)
        for b0 in range(0, len(data) + 1, _BLOCK):
            block = data[b0 : b0 + _BLOCK]
            local = np.zeros(len(block) + 1, dtype=np.uint64)
            np.cumsum((block.astype(np.uint64) + np.uint64(1)) * pw[: len(block)], out=local[1:])
            lo = int(np.searchsorted(points, b0, side="left"))
            hi = int(np.searchsorted(points, b0 + len(block), side="right"))
            prefix[lo:hi] = np.uint64(carry) + np.uint64(scale) * local[points[lo:hi] - b0]
            carry = (carry + scale * int(local[-1])) & _MASK64
            scale = (scale * step) & _MASK64
        # P**-s = (P**-_BLOCK)**(s // _BLOCK) * P**-(s % _BLOCK)
        block_of = starts // _BLOCK
        n_blocks = int(block_of.max()) + 1 if len(starts) else 1
        block_inv = np.array(
            [pow(_P_INV, _BLOCK * q, 1 << 64) for q in range(n_blocks)], dtype=np.uint64
        )
        factor = block_inv[block_of] * inv[starts % _BLOCK]
        poly = prefix[np.searchsorted(points, ends)] - prefix[np.searchsorted(points, starts)]
        poly *= factor
        return poly

    def hashes(self, norms: list[str]) -> tuple[U32, I64]:
        """The shingle hashes of each normal form, concatenated, and where each text's begin.

        Shingles are exactly those of :func:`normnews.dedup.shingles.normal_shingles` (word
        n-grams; the whole normal form for a short text; ``""`` for an empty one), in text
        order.

        Args:
            norms: Normal forms (:func:`normnews.dedup.shingles.normal_form`).

        Returns:
            ``(hashes, offsets)``: text ``i``'s hashes are ``hashes[offsets[i]:offsets[i+1]]``
            (``len(offsets) == len(norms) + 1``; every text has at least one).
        """
        return batch_hashes(norms, [self])[0]

    def _group_hashes(
        self, norms: list[str], others: list[BatchShingleHasher]
    ) -> list[tuple[U32, I64]]:
        """:func:`batch_hashes` of a group of texts: per hasher (this one, then ``others``),
        their hashes and how many each text has."""
        hashers = [self, *others]
        fast = [i for i, norm in enumerate(norms) if tokens_are_words(norm)]
        if len(fast) == len(norms):
            return self._word_hashes(norms, [h.word_size for h in hashers])
        out = []
        for hasher in hashers:
            counts = np.zeros(len(norms), dtype=np.int64)
            parts: dict[int, U32] = {}
            if fast:
                fast_hashes, fast_counts = hasher._word_hashes(
                    [norms[i] for i in fast], [hasher.word_size]
                )[0]
                counts[fast] = fast_counts
                bounds = np.concatenate(([0], np.cumsum(fast_counts)))
                for j, i in enumerate(fast):
                    parts[i] = fast_hashes[bounds[j] : bounds[j + 1]]
            for i, norm in enumerate(norms):
                if i not in parts:
                    parts[i] = hasher._string_hashes(norm)
                    counts[i] = len(parts[i])
            out.append((np.concatenate([parts[i] for i in range(len(norms))]), counts))
        return out

    def _word_hashes(self, norms: list[str], sizes: list[int]) -> list[tuple[U32, I64]]:
        """Word n-gram hashes of normal forms whose tokens are their space-separated words,
        for each n in ``sizes`` (the buffer, tokens and prefix sums are shared)."""
        encoded = [norm.encode("utf-8") for norm in norms]
        # One space between texts: a token never spans two of them, and a shingle that would
        # is dropped below by its text index.
        buf = b" ".join(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        text_start = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        data = np.frombuffer(buf, dtype=np.uint8)
        # A normal form has single spaces between tokens and none at either end, so the tokens
        # are what lies between consecutive spaces; only an empty text leaves an empty one.
        spaces = np.flatnonzero(data == _SPACE)
        tok_start = np.concatenate(([0], spaces + 1))
        tok_end = np.concatenate((spaces, [len(data)]))
        nonempty = tok_end > tok_start
        tok_start, tok_end = tok_start[nonempty], tok_end[nonempty]
        tok_text = np.searchsorted(text_start, tok_start, side="right") - 1
        n_tokens = np.bincount(tok_text, minlength=len(norms))
        empty = np.flatnonzero(n_tokens == 0)

        sets: list[tuple[I64, I64, bytes]] = []
        all_counts = []
        for k in sizes:
            # Long texts: every window of k tokens inside one text.
            if len(tok_start) >= k:
                win = np.flatnonzero(tok_text[: len(tok_start) - k + 1] == tok_text[k - 1 :])
            else:
                win = np.zeros(0, dtype=np.int64)
            # Short texts (1..k-1 tokens): one shingle, the whole normal form; empty texts:
            # the empty shingle (any empty range hashes alike).
            short = np.flatnonzero((n_tokens > 0) & (n_tokens < k))
            starts = (tok_start[win], text_start[short], np.zeros(len(empty), dtype=np.int64))
            ends = (tok_end[win + k - 1], text_start[short] + lengths[short], starts[2])
            all_texts = np.concatenate((tok_text[win], short, empty))
            order = np.argsort(all_texts, kind="stable")
            sets.append((np.concatenate(starts)[order], np.concatenate(ends)[order], b""))
            all_counts.append(np.bincount(all_texts, minlength=len(norms)).astype(np.int64))
        hashes = self.range_hash_sets(buf, sets)
        return list(zip(hashes, all_counts, strict=True))

    def _string_hashes(self, norm: str) -> U32:
        """Hashes of shingles built as strings (texts with no-space scripts: rare)."""
        parts = [
            s.encode("utf-8")
            for s in normal_shingles(norm, word_size=self.word_size, char_size=self.char_size)
        ]
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        ends = np.cumsum(lengths)
        return self.range_hashes(b"".join(parts), ends - lengths, ends)


def batch_hashes(norms: list[str], hashers: list[BatchShingleHasher]) -> list[tuple[U32, I64]]:
    """:meth:`BatchShingleHasher.hashes` of the same normal forms for several hashers (other
    shingle sizes) at once: the buffer, its tokens and prefix sums are computed once.

    Args:
        norms: Normal forms.
        hashers: The hashers; the first one's power tables are used.

    Returns:
        ``(hashes, offsets)`` per hasher, as :meth:`BatchShingleHasher.hashes`.
    """
    first, others = hashers[0], hashers[1:]
    hashes: list[list[U32]] = [[] for _ in hashers]
    counts: list[list[I64]] = [[] for _ in hashers]
    start = 0
    while start < len(norms):
        end, size = start, 0
        while end < len(norms) and (end == start or size + len(norms[end]) <= _GROUP_CHARS):
            size += len(norms[end])
            end += 1
        for j, (group_hashes, group_counts) in enumerate(
            first._group_hashes(norms[start:end], others)
        ):
            hashes[j].append(group_hashes)
            counts[j].append(group_counts)
        start = end
    out = []
    for part_hashes, part_counts in zip(hashes, counts, strict=True):
        all_counts = np.concatenate(part_counts) if part_counts else np.zeros(0, dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(all_counts))).astype(np.int64)
        if not part_hashes:
            out.append((np.zeros(0, dtype=np.uint32), offsets))
        else:
            out.append(
                (part_hashes[0] if len(part_hashes) == 1 else np.concatenate(part_hashes), offsets)
            )
    return out


def _cumprod_powers(base: int, n: int) -> U64:
    """``base**i mod 2**64`` for ``i < n`` (uint64 products wrap modulo 2**64, as wanted)."""
    factors = np.full(n, base, dtype=np.uint64)
    factors[0] = 1
    return np.cumprod(factors, dtype=np.uint64)
