"""Candidate verification and clustering without chaining.

**Verification.** A candidate pair is a near-duplicate when its similarity is at least the
threshold. The similarity is the MinHash estimate of the Jaccard similarity (the share of
equal signature positions), discounted for site templates:

* a *template value* is a MinHash value that, at its position, is shared by at least
  ``template_min_docs`` of the articles taking part in candidate pairs. It comes from a
  shingle that many different articles contain: template text the cleaner did not remove.
* at each position the pair's union minimum (the smaller of the two values) either is a
  template value or is not. Restricted to the positions where it is not, the agreement rate
  estimates the Jaccard similarity of the two articles *without* the shared template.
* when at least ``MIN_INFORMATIVE`` positions are free of template values, that estimate is the
  similarity; otherwise (almost all of both texts is common text) the plain estimate is used.

So two different short stories inside one heavy template (plain Jaccard 0.8, all of it
template) score near 0, while a copy that carries the same template scores high on its own
text. Exact shingle Jaccard is not computed: it would need the shingles of every candidate
kept or re-read; 128 permutations estimate it within ~0.04 at 0.7. Known limit: a story
copied with edits into ``template_min_docs`` or more articles of one run looks like a
template itself, and copies whose edits exceed ``MIN_INFORMATIVE`` positions are then kept.

**Clustering** processes articles in survivor order (history first, then the configured
policy). An article is removed when it is verified-similar to an article that is still kept at
that moment and ranks before it; it points to the most similar such article (ties: the
better-ranked). It is never removed because of a third article, so with A~B, B~C and A far
from C, A is kept, B is removed as a copy of A, and C is kept: A and C never merge. Every
``duplicate_of`` is a kept article, and each kept article with copies is the one survivor of
its cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

MIN_INFORMATIVE = 16
"""Template-free positions needed before the template-discounted estimate is trusted."""


@dataclass(frozen=True, slots=True)
class Match:
    """Why an article is removed: the kept article it copies, how similar, and how found.

    Attributes:
        duplicate_of: ``article_id`` of the kept article (possibly from an earlier run).
        similarity: 1.0 for exact copies, else the (template-discounted) Jaccard estimate.
        method: ``"exact"`` or ``"near"``.
    """

    duplicate_of: str
    similarity: float
    method: str


def template_mask(signatures: U32, min_docs: int) -> Bools:
    """Which signature values are template values (shared by ``min_docs`` or more rows).

    Args:
        signatures: ``(m, num_perm)`` uint32, one row per distinct article.
        min_docs: Rows that must share a value at a position for it to count as template.

    Returns:
        ``(m, num_perm)`` boolean mask.

    >>> sigs = np.array([[1, 5], [1, 6], [1, 7], [2, 7]], dtype=np.uint32)
    >>> template_mask(sigs, 3).tolist()
    [[True, False], [True, False], [True, False], [False, False]]
    """
    mask = np.zeros(signatures.shape, dtype=bool)
    if not len(signatures):
        return mask
    for k in range(signatures.shape[1]):
        _, inverse, counts = np.unique(signatures[:, k], return_inverse=True, return_counts=True)
        mask[:, k] = counts[inverse] >= min_docs
    return mask


def similarities(a: U32, b: U32, tmpl_a: Bools, tmpl_b: Bools) -> tuple[F64, F64]:
    """Plain and template-discounted Jaccard estimates of row pairs.

    Args:
        a: Signatures of the first members, ``(k, num_perm)``.
        b: Signatures of the second members.
        tmpl_a: Template mask of ``a`` (see :func:`template_mask`).
        tmpl_b: Template mask of ``b``.

    Returns:
        ``(similarity, plain)``: the similarity used for decisions and the plain estimate.

    >>> a = np.array([[1, 2, 3, 4]], dtype=np.uint32)
    >>> b = np.array([[1, 2, 3, 9]], dtype=np.uint32)
    >>> no = np.zeros((1, 4), dtype=bool)
    >>> [x.tolist() for x in similarities(a, b, no, no)]
    [[0.75], [0.75]]
    """
    agree = a == b
    plain = agree.mean(axis=1)
    union_is_template = np.where(a <= b, tmpl_a, tmpl_b)
    informative = ~union_is_template
    n_inf = informative.sum(axis=1)
    rest = (agree & informative).sum(axis=1) / np.maximum(n_inf, 1)
    sim = np.where(n_inf >= MIN_INFORMATIVE, rest, plain)
    return sim.astype(np.float64), plain.astype(np.float64)


def cluster(rank: I64, child: I64, parent: I64, sim: F64) -> dict[int, tuple[int, float]]:
    """Greedy clustering in survivor order, without chaining (see the module docs).

    Args:
        rank: Survivor rank of every node (lower is kept first); unique.
        child: Verified pairs: one member...
        parent: ...and the other (either order).
        sim: Their similarity.

    Returns:
        ``{removed node: (kept node it copies, similarity)}``.

    >>> rank = np.array([0, 1, 2])          # A, B, C
    >>> cluster(rank, np.array([1, 2]), np.array([0, 1]), np.array([0.8, 0.8]))
    {1: (0, 0.8)}
    """
    swap = rank[child] < rank[parent]
    c = np.where(swap, parent, child)
    p = np.where(swap, child, parent)
    order = np.lexsort((rank[p], -sim, rank[c]))
    removed: dict[int, tuple[int, float]] = {}
    decided = -1
    for ci, pi, s in zip(c[order].tolist(), p[order].tolist(), sim[order].tolist(), strict=True):
        if ci == decided or pi in removed:
            continue
        # First edge of ``ci`` (in order) to a still-kept parent: the best one.
        removed[ci] = (pi, s)
        decided = ci
    return removed
