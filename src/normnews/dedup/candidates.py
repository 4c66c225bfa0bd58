"""LSH parameters, band keys and candidate pairs from sorted band keys.

**Choosing bandsxrows.** An LSH index with ``b`` bands of ``r`` rows makes two articles of
Jaccard similarity ``s`` a candidate pair with probability ``P(s) = 1 - (1 - s**r)**b`` (the
S-curve). :func:`lsh_params` picks ``(b, r)`` explicitly: the largest ``r`` (fewest
false candidates) for which ``b = num_perm // r`` bands still make a pair *at the lowest
similarity a pair can be accepted at* a candidate with probability >= 0.98. Recall is what
matters here because every candidate is verified afterwards: a false candidate costs one
signature comparison, a missed candidate is a duplicate published twice. (datasketch's
``MinHashLSH`` balances false-positive and false-negative areas with equal weights, and at
its default 0.9 threshold finds a true 0.9 pair only ~31% of the time.)

The default picks ``(b, r)`` for the threshold alone: 25 bands x 5 rows for 0.7 and 128
permutations. A copy that dropped a paragraph (Jaccard ~0.5-0.7) is still accepted by the
containment rule (``normnews.dedup.clusters``) when banding makes it a candidate, which at
0.5 happens 55% of the time. Picking the bands for the containment floor instead
(``lsh_params(0.7, 128, 0.5)``: 42 x 3) finds nearly all of those, but costs more than it
returns at scale: a 0.3 pair becomes a candidate 68% of the time instead of 6%, and on the
throughput corpus ``resolve`` went from 1.3 s at 60k articles to 21.4 s at 240k (16x for 4x
the articles; 25 x 5: 0.44 s to 2.67 s), with fewer copies removed at 240k because the
per-bucket cap starts to bite. Set ``bands``/``rows`` explicitly to choose it:

>>> print(s_curve_text(*lsh_params(0.7, 128)))
bands=25 rows=5: P(candidate | Jaccard)
Jaccard   0.30  0.50  0.60  0.70  0.75  0.80  0.90  0.95
P         0.06  0.55  0.87  0.99  1.00  1.00  1.00  1.00
>>> print(s_curve_text(*lsh_params(0.7, 128, 0.5)))
bands=42 rows=3: P(candidate | Jaccard)
Jaccard   0.30  0.50  0.60  0.70  0.75  0.80  0.90  0.95
P         0.68  1.00  1.00  1.00  1.00  1.00  1.00  1.00

**Band keys** are 64-bit hashes of each band's ``r`` signature values (a xor-multiply mix per
value and a final avalanche), kept as an ``(n, bands)`` uint64 numpy array. **Candidates** come
from sorting each band's keys (``np.lexsort`` by key, then survivor rank), never from an
all-pairs step or a dict of lists. Within a bucket each member is paired with at most
``cap`` members ranked before it: the bucket's best-ranked members are exactly the articles a
later member can be removed in favour of, and a bucket of 10,000 template pages costs
``10,000 x cap`` pairs instead of 50 million. True copies still meet in their other, small
buckets (they share almost every band, including the ones that are not template-dominated).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from normnews.config import DedupConfig

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

MIN_RECALL_AT_THRESHOLD = 0.98
"""Least probability that a pair exactly at the threshold becomes a candidate."""
BAND_HASH_NAME = "bandkey-v1(xor-mul64-fmix64)"
"""Name of the band-key hash (recorded in the history header)."""

_MIX = np.uint64(0x9E3779B97F4A7C15)
_F1 = np.uint64(0xFF51AFD7ED558CCD)
_F2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_CURVE_POINTS = (0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95)


def _probability(s: float, bands: int, rows: int) -> float:
    return float(1.0 - (1.0 - s**rows) ** bands)


def lsh_params(
    threshold: float, num_perm: int, min_jaccard: float | None = None
) -> tuple[int, int]:
    """Bands and rows for an LSH S-curve that catches every acceptable pair (module docs).

    Args:
        threshold: Jaccard similarity at or above which a pair is a near-duplicate.
        num_perm: Signature length; ``bands * rows`` never exceeds it.
        min_jaccard: The containment rule's Jaccard floor (``containment_min_jaccard``), or
            ``None`` without that rule. Pairs down to ``min(threshold, min_jaccard)`` must
            become candidates.

    Returns:
        ``(bands, rows)``: the most rows per band (fewest false candidates) whose curve,
        with ``bands = num_perm // rows``, still reaches :data:`MIN_RECALL_AT_THRESHOLD`
        at the lowest acceptable similarity.

    >>> lsh_params(0.7, 128), lsh_params(0.7, 128, 0.5), lsh_params(0.7, 128, 0.8)
    ((25, 5), (42, 3), (25, 5))
    >>> lsh_params(0.9, 128)
    (11, 11)
    """
    target = threshold if min_jaccard is None else min(threshold, min_jaccard)
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if _probability(target, bands, rows) >= MIN_RECALL_AT_THRESHOLD:
            return bands, rows
    return num_perm, 1


def s_curve(
    bands: int, rows: int, points: tuple[float, ...] = _CURVE_POINTS
) -> list[tuple[float, float]]:
    """Probability that a pair of each Jaccard similarity becomes an LSH candidate.

    Args:
        bands: LSH bands.
        rows: Rows per band.
        points: Jaccard similarities to evaluate.

    Returns:
        ``(jaccard, probability)`` pairs.

    >>> [(s, round(p, 2)) for s, p in s_curve(25, 5, (0.5, 0.9))]
    [(0.5, 0.55), (0.9, 1.0)]
    """
    return [(s, _probability(s, bands, rows)) for s in points]


def s_curve_text(bands: int, rows: int) -> str:
    """A two-line S-curve table for ``--help`` and the docs.

    Args:
        bands: LSH bands.
        rows: Rows per band.

    Returns:
        The table as text.

    >>> s_curve_text(9, 14).splitlines()[0]
    'bands=9 rows=14: P(candidate | Jaccard)'
    """
    curve = s_curve(bands, rows)
    head = "Jaccard " + "".join(f"{s:6.2f}" for s, _ in curve)
    body = "P       " + "".join(f"{p:6.2f}" for _, p in curve)
    return f"bands={bands} rows={rows}: P(candidate | Jaccard)\n{head}\n{body}"


def band_keys(signatures: U32, bands: int, rows: int) -> U64:
    """64-bit keys of each band of each signature.

    Args:
        signatures: ``(n, num_perm)`` uint32 matrix.
        bands: LSH bands.
        rows: Rows per band.

    Returns:
        ``(n, bands)`` uint64 matrix; equal bands give equal keys.

    >>> sig = np.arange(12, dtype=np.uint32).reshape(2, 6)
    >>> keys = band_keys(np.vstack([sig, sig[:1]]), 2, 3)
    >>> keys.shape, bool((keys[0] == keys[2]).all()), bool(keys[0, 0] == keys[1, 0])
    ((3, 2), True, False)
    """
    sig = np.asarray(signatures, dtype=np.uint32)
    n = sig.shape[0]
    out = np.empty((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            h = np.full(n, np.uint64(band + 1) * _MIX, dtype=np.uint64)
            for col in range(band * rows, (band + 1) * rows):
                h = (h ^ sig[:, col].astype(np.uint64)) * _MIX
            h ^= h >> _S33
            h *= _F1
            h ^= h >> _S33
            h *= _F2
            h ^= h >> _S33
            out[:, band] = h
    return out


def bucket_pairs(keys: U64, rank: I64 | None, cap: int) -> tuple[I64, I64]:
    """Candidate pairs of one band: members sharing a key, each paired with earlier members.

    Args:
        keys: The band's key per article, shape ``(n,)``.
        rank: Survivor rank per article (0 is kept first); ties are not allowed. ``None``:
            the articles are already in rank order (one stable sort per band instead of a
            two-key sort: what a caller looping over many bands should arrange once).
        cap: Most earlier-ranked bucket members a member is paired with.

    Returns:
        ``(child, parent)`` index arrays (positions in ``keys``); each parent ranks before
        its child.

    >>> keys = np.array([7, 5, 7, 7], dtype=np.uint64)
    >>> child, parent = bucket_pairs(keys, np.array([3, 0, 1, 2]), cap=8)
    >>> sorted(zip(child.tolist(), parent.tolist()))
    [(0, 2), (0, 3), (3, 2)]
    >>> len(bucket_pairs(keys, np.array([3, 0, 1, 2]), cap=1)[0])
    2
    >>> ranked = keys[[1, 2, 3, 0]]  # the same articles, in rank order
    >>> sorted(zip(*(a.tolist() for a in bucket_pairs(ranked, None, cap=8))))
    [(2, 1), (3, 1), (3, 2)]
    """
    n = len(keys)
    if n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    order = np.argsort(keys, kind="stable") if rank is None else np.lexsort((rank, keys))
    sk = keys[order]
    new_run = np.empty(n, dtype=bool)
    new_run[0] = True
    np.not_equal(sk[1:], sk[:-1], out=new_run[1:])
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0))
    pos_in_run = np.arange(n) - run_start
    counts = np.minimum(pos_in_run, cap)
    total = int(counts.sum())
    if total == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    child_sorted = np.repeat(np.arange(n), counts)
    first = np.cumsum(counts) - counts
    offsets = np.arange(total) - np.repeat(first, counts)
    parent_sorted = np.repeat(run_start, counts) + offsets
    return order[child_sorted].astype(np.int64), order[parent_sorted].astype(np.int64)


def effective_params(cfg: DedupConfig) -> tuple[int, int]:
    """The ``(bands, rows)`` a run uses: ``cfg.bands``/``cfg.rows`` when set, else chosen.

    Chosen means :func:`lsh_params` for ``cfg.threshold`` alone. The containment rule then
    judges the candidates that banding finds (a pair at Jaccard 0.5 is a candidate about 55%
    of the time with 25 × 5). Choosing the bands for the containment floor instead (42 × 3:
    99.6% at 0.5) finds more contained copies on small corpora, but its candidate count grows
    faster than the corpus: measured on the throughput corpus, ``resolve`` took 1.3 s at 60k
    articles and 21.4 s at 240k (16× for 4×), against 0.44 s and 2.67 s with 25 × 5, and at
    240k it removed fewer copies because the per-bucket cap starts to bite. Set
    ``bands = 42, rows = 3`` explicitly where that trade is wanted.

    Args:
        cfg: Dedup settings.

    Returns:
        ``(bands, rows)``.

    >>> effective_params(DedupConfig()), effective_params(DedupConfig(bands=16, rows=8))
    ((25, 5), (16, 8))
    """
    if cfg.bands is not None and cfg.rows is not None:
        return cfg.bands, cfg.rows
    return lsh_params(cfg.threshold, cfg.num_perm)
