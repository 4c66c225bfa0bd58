"""MinHash signatures (datasketch 2.x, ``scheme="affine32"``): the only datasketch import.

:class:`Signer` takes the permutation parameters from a datasketch ``MinHash`` built once with
the configured seed and ``num_perm``, then applies datasketch's affine32 step itself to all the
shingle hashes of a batch of articles at once with numpy: the MurmurHash3 32-bit finaliser,
then ``a_k * h + b_k`` modulo 2**32, then the minimum per permutation and article. That is
exactly what ``MinHash(scheme="affine32", seed=seed, num_perm=num_perm,
hashfunc=shingle_hash).update_batch(...)`` computes (``tests/dedup/test_shingles_signatures.py``
checks the equality against datasketch itself), without a Python object per article.

The shingle hash is :func:`normnews.dedup.shinglehash.shingle_hash`, computed for a whole batch
by :class:`~normnews.dedup.shinglehash.BatchShingleHasher`; its name is recorded in the history
header, and so is datasketch's version: datasketch 2.0 changed hash values silently once, and a
history built with other values must not be used.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

import numpy as np
import numpy.typing as npt

from normnews.config import DedupConfig
from normnews.dedup.shinglehash import BatchShingleHasher, batch_hashes, shingle_hash
from normnews.dedup.shingles import normal_form
from normnews.hashing import hash64

SCHEME = "affine32"
"""datasketch permutation scheme (recorded in the history header)."""

DATASKETCH_VERSION: str = importlib.metadata.version("datasketch")
"""The datasketch version the signatures were computed with."""

U32 = npt.NDArray[np.uint32]
Permutations = tuple[U32, U32]

# MurmurHash3 fmix32 constants, as datasketch applies them before the affine step.
_FMIX_M1 = np.uint32(0x85EBCA6B)
_FMIX_M2 = np.uint32(0xC2B2AE35)
# Rows of the (shingles x permutations) work matrix handled at once: bounds memory
# (8192 x 128 x 4 bytes = 4 MiB) while keeping numpy's per-call cost small per article.
_CHUNK = 8192


def _fmix32(hv: U32) -> U32:
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * _FMIX_M1
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * _FMIX_M2
    return hv ^ (hv >> np.uint32(16))


def _minhash(cfg: DedupConfig) -> Any:
    # Imported on first use: importing datasketch pulls in scipy (about 0.35 s), which a run's
    # parent process does not need (workers sign; the parent only compares signatures).
    from datasketch import MinHash

    return MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme=SCHEME, hashfunc=shingle_hash)


def permutations(cfg: DedupConfig) -> Permutations:
    """datasketch's affine32 permutation parameters ``(a, b)`` for this config.

    Args:
        cfg: Dedup settings (``seed``, ``num_perm``).

    Returns:
        Two uint32 arrays of length ``num_perm``.

    >>> a, b = permutations(DedupConfig(num_perm=16))
    >>> a.dtype.name, a.shape, bool((a % 2 == 1).all())
    ('uint32', (16,), True)
    """
    a, b = _minhash(cfg).permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def reference_signature(shingle_list: list[str], cfg: DedupConfig) -> U32:
    """The signature datasketch itself computes for these shingles (slow; for tests).

    Args:
        shingle_list: Shingles as returned by ``normnews.dedup.shingles.shingles``.
        cfg: Dedup settings.

    Returns:
        ``MinHash(...).hashvalues`` as uint32.
    """
    mh = _minhash(cfg)
    mh.update_batch([s.encode("utf-8") for s in shingle_list])
    return np.asarray(mh.hashvalues, dtype=np.uint32)


class Signer:
    """Computes MinHash signatures of cleaned texts; build one per worker process.

    Args:
        cfg: Dedup settings (seed, num_perm, shingle sizes).
        perms: :func:`permutations` of ``cfg``, when already computed elsewhere (a worker
            then never imports datasketch itself).

    Example:
        >>> signer = Signer(DedupConfig(num_perm=32))
        >>> sig = signer.signature("Rates were held at 4.75% by the bank on Thursday.")
        >>> sig.dtype.name, sig.shape
        ('uint32', (32,))
        >>> same = signer.signature("RATES were held at 4.75 % by the bank on Thursday")
        >>> bool((sig == same).all())
        True
    """

    def __init__(self, cfg: DedupConfig, perms: Permutations | None = None) -> None:
        self.cfg = cfg
        self._a, self._b = perms if perms is not None else permutations(cfg)
        self._hasher = BatchShingleHasher(cfg.shingle_size, cfg.char_shingle_size)

    @property
    def hasher(self) -> BatchShingleHasher:
        """The batch shingle hasher (its power tables are shared by other range hashing)."""
        return self._hasher

    def signature(self, text: str) -> U32:
        """The MinHash signature of a cleaned text.

        Args:
            text: Cleaned article text.

        Returns:
            A uint32 array of shape ``(num_perm,)``.
        """
        row: U32 = self.signatures([text])[0]
        return row

    def signatures(self, texts: list[str]) -> U32:
        """Signatures of several texts as one ``(len(texts), num_perm)`` uint32 matrix.

        Args:
            texts: Cleaned article texts.

        Returns:
            The signature matrix, one row per text.
        """
        return self.signatures_and_keys(texts)[0]

    def signatures_and_keys(self, texts: list[str]) -> tuple[U32, list[int]]:
        """:meth:`signatures` and each text's ``exact_key``, computing the normal form once.

        Args:
            texts: Cleaned article texts.

        Returns:
            The signature matrix and the exact keys, in text order.

        >>> from normnews.dedup.shingles import exact_key
        >>> signer = Signer(DedupConfig(num_perm=16))
        >>> sigs, keys = signer.signatures_and_keys(["One story.", "ONE story"])
        >>> keys[0] == keys[1] == exact_key("one story"), bool((sigs[0] == sigs[1]).all())
        (True, True)
        """
        sigs, keys, _ = self.sign(texts)
        return sigs, keys

    def sign(self, texts: list[str]) -> tuple[U32, list[int], list[str]]:
        """:meth:`signatures_and_keys`, and the normal forms (for other per-text evidence).

        Args:
            texts: Cleaned article texts.

        Returns:
            The signature matrix, the exact keys and the normal forms, in text order.
        """
        norms = [normal_form(text) for text in texts]
        keys = [hash64(norm) for norm in norms]
        return self.signatures_of_norms(norms), keys, norms

    def signatures_of_norms(self, norms: list[str]) -> U32:
        """Signatures of texts given by their normal forms (:func:`normal_form`).

        Args:
            norms: Normal forms.

        Returns:
            The ``(len(norms), num_perm)`` signature matrix.
        """
        if not norms:
            return np.empty((0, self.cfg.num_perm), dtype=np.uint32)
        return self._signatures_of_hashes(*self._hasher.hashes(norms))

    def sign_with(self, texts: list[str], other: Signer) -> tuple[U32, list[int], list[str], U32]:
        """:meth:`sign`, and the signatures of another signer (other shingle size and
        permutations) of the same texts, their buffer, tokens and prefix sums shared.

        Args:
            texts: Cleaned article texts.
            other: The other signer.

        Returns:
            The signature matrix, the exact keys, the normal forms and ``other``'s matrix.
        """
        norms = [normal_form(text) for text in texts]
        keys = [hash64(norm) for norm in norms]
        if not norms:
            return self.signatures_of_norms(norms), keys, norms, other.signatures_of_norms(norms)
        mine, theirs = batch_hashes(norms, [self._hasher, other.hasher])
        return (
            self._signatures_of_hashes(*mine),
            keys,
            norms,
            other._signatures_of_hashes(*theirs),
        )

    def _signatures_of_hashes(self, hashes: U32, offsets: npt.NDArray[np.int64]) -> U32:
        """Signatures from the shingle hashes of texts (``BatchShingleHasher.hashes``)."""
        n = len(offsets) - 1
        out = np.empty((n, self.cfg.num_perm), dtype=np.uint32)
        hv = _fmix32(hashes)
        # Whole articles per chunk, so each chunk is reduced per article with one reduceat;
        # an article longer than a chunk is reduced in pieces.
        first = 0
        while first < n:
            last = int(np.searchsorted(offsets, offsets[first] + _CHUNK, side="right")) - 1
            last = max(last, first + 1)
            if offsets[last] - offsets[first] > _CHUNK:
                out[first] = self._long_signature(hv[offsets[first] : offsets[first + 1]])
            else:
                # Permutations by shingles (not the transpose): reduceat then runs along
                # contiguous memory, several times faster.
                work = np.multiply.outer(self._a, hv[offsets[first] : offsets[last]])
                work += self._b[:, None]
                out[first:last] = np.minimum.reduceat(
                    work, offsets[first:last] - offsets[first], axis=1
                ).T
            first = last
        return out

    def _long_signature(self, hv: U32) -> U32:
        out = np.full(self.cfg.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
        for start in range(0, len(hv), _CHUNK):
            work = hv[start : start + _CHUNK, None] * self._a
            work += self._b
            np.minimum(out, work.min(axis=0), out=out)
        return out
