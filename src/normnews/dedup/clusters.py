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
  similarity. With fewer (almost all of both texts is common text) the few template-free
  positions are still the only evidence about the texts' own words: the similarity is the
  smaller of the plain estimate and the template-free agreement rate. Two pages whose only
  own text is a two-word dateline disagree at their one to fifteen template-free positions
  (rate 0) and stay apart; a copy of a very short story agrees at them (rate 1) and is
  compared on the plain estimate, as are two pages with no template-free position at all.
  The rate of 1-5 positions is coarse: a template-dominated copy whose own text was edited
  is kept when one of its few free positions falls on the edit (a deliberate lean towards
  keeping: inside a heavy template the own text *is* the story).

So two different short stories inside one heavy template (plain Jaccard 0.8, all of it
template) score near 0, while a copy that carries the same template scores high on its own
text.

**Containment.** A copy that dropped a paragraph, or the last sentences, of a short story is
nearly contained in the original while its Jaccard similarity falls to 0.5-0.7. The two
signatures estimate containment without knowing the set sizes: at a position where the values
are equal the union minimum is a shared shingle; where ``a < b`` it is a shingle only ``A``
has, and where ``a > b`` one only ``B`` has. So ``eq / (eq + #(a > b))`` estimates
``|A ∩ B| / |B|``, the share of ``B`` contained in ``A`` (the same as
``J (|A| + |B|) / ((1 + J) |B|)`` with the true sizes, without storing them, so history rows
need nothing new). :func:`estimates` reports the containment of the smaller text in the
larger, ``eq / (eq + min(#(a < b), #(a > b)))``, on the template-free positions (0 when
there are fewer than ``MIN_INFORMATIVE``: on template values every page of a site contains
every other). :func:`accepted` then takes a pair when its similarity reaches the threshold,
*or* when its containment reaches ``cfg.containment`` and its similarity
``cfg.containment_min_jaccard``. Copies with edited words are not contained (both texts lose
the same shingles: containment ~0.8) and still need the threshold.

Exact shingle Jaccard is not computed: it would need the shingles of every candidate kept or
re-read; 128 permutations estimate it within ~0.04 at 0.7. Known limit: a story
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

from normnews.config import DedupConfig

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

_BIN_MASK = 0xFFFF
MIN_INFORMATIVE = 16
"""Template-free positions needed before the template-discounted estimate is trusted."""
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Match:
    """Why an article is removed: the kept article it copies, how similar, and how found.

    Attributes:
        duplicate_of: ``article_id`` of the kept article (possibly from an earlier run).
        similarity: 1.0 for exact copies, else the (template-discounted) Jaccard estimate.
        method: ``"exact"`` or ``"near"``.
        reason: Why in more detail (``duplicates.reason``): ``exact``, ``near``, ``edited``
            (accepted by the edit-tolerant rule), ``corrected`` (a correction or repeat and
            the item it corrects) or ``changed_values`` (a longer re-send whose figures or
            names changed); see ``normnews.dedup.verify``.
    """

    duplicate_of: str
    similarity: float
    method: str
    reason: str = ""


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
    mask = np.zeros(signatures.shape, dtype=bool, order="F")
    if not len(signatures):
        return mask
    by_column = np.asfortranarray(signatures)  # each column contiguous: one copy, fast scans
    for k in range(signatures.shape[1]):
        col = by_column[:, k]
        # Count by the low 16 bits first (a bin's count bounds each of its values' counts),
        # then count exactly only the rows of bins that reach min_docs: the same mask as a
        # full np.unique per column, without sorting every column.
        bins = (col & np.uint32(_BIN_MASK)).astype(np.intp)
        heavy = np.bincount(bins, minlength=_BIN_MASK + 1) >= min_docs
        rows = np.flatnonzero(heavy[bins])
        if not len(rows):
            continue
        _, inverse, counts = np.unique(col[rows], return_inverse=True, return_counts=True)
        mask[rows, k] = counts[inverse] >= min_docs
    return mask


def estimates(a: U32, b: U32, tmpl_a: Bools, tmpl_b: Bools) -> tuple[F64, F64, F64]:
    """Template-discounted Jaccard, plain Jaccard and containment estimates of row pairs.

    Args:
        a: Signatures of the first members, ``(k, num_perm)``.
        b: Signatures of the second members.
        tmpl_a: Template mask of ``a`` (see :func:`template_mask`).
        tmpl_b: Template mask of ``b``.

    Returns:
        ``(similarity, plain, containment)``: the similarity used for decisions, the plain
        estimate, and the share of the smaller text contained in the larger (module docs).

    >>> a = np.arange(20, dtype=np.uint32)[None, :]
    >>> b = a.copy()
    >>> b[0, :8] += 100          # the union minimum is one only ``a`` has: a contains b
    >>> no = np.zeros((1, 20), dtype=bool)
    >>> [x.tolist() for x in estimates(a, b, no, no)]
    [[0.6], [0.6], [1.0]]
    """
    agree = a == b
    plain = agree.mean(axis=1)
    union_is_template = np.where(a <= b, tmpl_a, tmpl_b)
    informative = ~union_is_template
    n_inf = informative.sum(axis=1)
    eq_inf = (agree & informative).sum(axis=1)
    use_informative = n_inf >= MIN_INFORMATIVE
    rate = np.where(n_inf > 0, eq_inf / np.maximum(n_inf, 1), 1.0)
    sim = np.where(use_informative, rate, np.minimum(plain, rate))
    # Containment needs the template-free evidence: on template values every page of a site
    # "contains" every other, so pairs without enough free positions get no containment.
    a_only = ((a < b) & informative).sum(axis=1)
    b_only = n_inf - eq_inf - a_only
    cont = np.where(
        use_informative, eq_inf / np.maximum(eq_inf + np.minimum(a_only, b_only), 1), 0.0
    )
    return sim.astype(np.float64), plain.astype(np.float64), cont.astype(np.float64)


def accepted(sim: F64, containment: F64, cfg: DedupConfig) -> Bools:
    """Which verified pairs are near-duplicates: the threshold or the containment rule.

    Args:
        sim: (Template-discounted) Jaccard estimates.
        containment: Containment estimates of the smaller text in the larger.
        cfg: Dedup settings (``threshold``, ``containment``, ``containment_min_jaccard``).

    Returns:
        Boolean mask over the pairs.

    >>> cfg = DedupConfig()
    >>> accepted(np.array([0.72, 0.55, 0.55, 0.45]), np.array([0.8, 0.95, 0.8, 1.0]), cfg)
    array([ True,  True, False, False])
    """
    by_jaccard = sim >= cfg.threshold - _EPS
    by_containment = (sim >= cfg.containment_min_jaccard - _EPS) & (
        containment >= cfg.containment - _EPS
    )
    return np.asarray(by_jaccard | by_containment, dtype=bool)


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
