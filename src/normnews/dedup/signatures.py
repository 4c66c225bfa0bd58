"""MinHash signatures (datasketch 2.x, ``scheme="affine32"``): the only datasketch import.

:class:`Signer` takes the permutation parameters from a datasketch ``MinHash`` built once with
the configured seed and ``num_perm``, then applies datasketch's affine32 step itself to all the
shingle hashes of an article at once with numpy: the MurmurHash3 32-bit finaliser, then
``a_k * h + b_k`` modulo 2**32, then the minimum per permutation. That is exactly what
``MinHash(scheme="affine32", seed=seed, num_perm=num_perm, hashfunc=hash32).update_batch(...)``
computes (``tests/dedup/test_signatures.py`` checks the equality against datasketch itself),
without building a Python object per article.

The shingle hash is ``normnews.hashing.hash32`` (xxh32, seed 0) of the UTF-8 shingle; its name
is recorded in the history header, and so is datasketch's version: datasketch 2.0 changed hash
values silently once, and a history built with other values must not be used.
"""

from __future__ import annotations

import datasketch
import numpy as np
import numpy.typing as npt
from datasketch import MinHash

from normnews.config import DedupConfig
from normnews.dedup.shingles import normal_form, normal_shingles
from normnews.hashing import hash32, hash64

SCHEME = "affine32"
"""datasketch permutation scheme (recorded in the history header)."""

DATASKETCH_VERSION: str = datasketch.__version__
"""The datasketch version the signatures were computed with."""

U32 = npt.NDArray[np.uint32]

# MurmurHash3 fmix32 constants, as datasketch applies them before the affine step.
_FMIX_M1 = np.uint32(0x85EBCA6B)
_FMIX_M2 = np.uint32(0xC2B2AE35)
# Rows of the (shingles x permutations) work matrix handled at once: bounds memory for
# very long texts (4096 x 128 x 4 bytes = 2 MiB).
_CHUNK = 4096


def _fmix32(hv: U32) -> U32:
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * _FMIX_M1
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * _FMIX_M2
    return hv ^ (hv >> np.uint32(16))


def permutations(cfg: DedupConfig) -> tuple[U32, U32]:
    """datasketch's affine32 permutation parameters ``(a, b)`` for this config.

    Args:
        cfg: Dedup settings (``seed``, ``num_perm``).

    Returns:
        Two uint32 arrays of length ``num_perm``.

    >>> a, b = permutations(DedupConfig(num_perm=16))
    >>> a.dtype.name, a.shape, bool((a % 2 == 1).all())
    ('uint32', (16,), True)
    """
    template = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme=SCHEME, hashfunc=hash32)
    a, b = template.permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def reference_signature(shingle_list: list[str], cfg: DedupConfig) -> U32:
    """The signature datasketch itself computes for these shingles (slow; for tests).

    Args:
        shingle_list: Shingles as returned by ``normnews.dedup.shingles.shingles``.
        cfg: Dedup settings.

    Returns:
        ``MinHash(...).hashvalues`` as uint32.
    """
    mh = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme=SCHEME, hashfunc=hash32)
    mh.update_batch([s.encode("utf-8") for s in shingle_list])
    return np.asarray(mh.hashvalues, dtype=np.uint32)


class Signer:
    """Computes MinHash signatures of cleaned texts; build one per worker process.

    Args:
        cfg: Dedup settings (seed, num_perm, shingle sizes).

    Example:
        >>> signer = Signer(DedupConfig(num_perm=32))
        >>> sig = signer.signature("Rates were held at 4.75% by the bank on Thursday.")
        >>> sig.dtype.name, sig.shape
        ('uint32', (32,))
        >>> same = signer.signature("RATES were held at 4.75 % by the bank on Thursday")
        >>> bool((sig == same).all())
        True
    """

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self._a, self._b = permutations(cfg)
        self._buf = np.empty((_CHUNK, cfg.num_perm), dtype=np.uint32)

    def shingle_hashes(self, text: str) -> U32:
        """The 32-bit hashes of the text's shingles (before the MinHash permutations).

        Args:
            text: Cleaned article text.

        Returns:
            One uint32 per shingle.
        """
        return self._normal_hashes(normal_form(text))

    def _normal_hashes(self, norm: str) -> U32:
        parts = normal_shingles(
            norm, word_size=self.cfg.shingle_size, char_size=self.cfg.char_shingle_size
        )
        return np.fromiter(map(hash32, map(str.encode, parts)), dtype=np.uint32, count=len(parts))

    def signature(self, text: str) -> U32:
        """The MinHash signature of a cleaned text.

        Args:
            text: Cleaned article text.

        Returns:
            A uint32 array of shape ``(num_perm,)``.
        """
        return self._signature(self._normal_hashes(normal_form(text)))

    def _signature(self, shingle_hashes: U32) -> U32:
        hv = _fmix32(shingle_hashes)
        out = np.full(self.cfg.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
        for start in range(0, len(hv), _CHUNK):
            part = hv[start : start + _CHUNK, None]
            work = self._buf[: len(part)]
            np.multiply(part, self._a, out=work)
            np.add(work, self._b, out=work)
            np.minimum(out, work.min(axis=0), out=out)
        return out

    def signatures(self, texts: list[str]) -> U32:
        """Signatures of several texts as one ``(len(texts), num_perm)`` uint32 matrix.

        Args:
            texts: Cleaned article texts.

        Returns:
            The signature matrix, one row per text.
        """
        out = np.empty((len(texts), self.cfg.num_perm), dtype=np.uint32)
        for i, text in enumerate(texts):
            out[i] = self.signature(text)
        return out

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
        out = np.empty((len(texts), self.cfg.num_perm), dtype=np.uint32)
        keys: list[int] = []
        for i, text in enumerate(texts):
            norm = normal_form(text)
            keys.append(hash64(norm))
            out[i] = self._signature(self._normal_hashes(norm))
        return out, keys
