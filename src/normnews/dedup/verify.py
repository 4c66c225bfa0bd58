"""Candidate verification that weighs what differs, not only how much is shared.

A pure numpy function of per-article arrays (signature rows, template masks, evidence rows of
:mod:`normnews.dedup.evidence`), so any engine can call it on its candidate pairs.

A candidate pair is a copy when **the text is similar enough** by one of three rules...

* *Jaccard*: the (template-discounted) MinHash estimate reaches ``threshold``;
* *containment*: the smaller text is ``containment``-contained in the larger and the Jaccard
  estimate reaches ``containment_min_jaccard`` (a copy that lost a paragraph);
* *edited*: the word-bigram containment of the smaller text (from the edit signatures)
  reaches ``edit_containment``, the bigram Jaccard ``containment_min_jaccard`` (the shorter
  text keeps at least half of the longer: a story inside a page of three stories is not a
  copy of it) and the 5-gram estimate ``edit_min_jaccard``: a copy whose edited words broke
  many 5-word shingles (each edit breaks five) but few bigrams (two);

...**and its values agree** (figures, dates, tickers, names; see ``evidence``). Let ``a_only``
and ``b_only`` be the values only one side has (estimated from the two bottom-k sketches when a
text has more values than the sketch holds). Values *conflict* when both are non-zero: each
text states something the other does not, which a copy that only lost or gained a passage
never does.

* *strict* items, whose shorter text has fewer than ``strict_words`` words (dividend notices,
  earnings tables, market reports), or whose figures are at least 15% of their words (tables
  of prices or results at any length), need exact agreement: no value conflict (a copy that
  lost a line may lack values, never state other ones), and for texts with more values than
  the sketch holds, equal digests of all values. Such items share their template; the
  values are the news.
* longer items may conflict in at most ``figure_tolerance`` of their facts (figures, dates,
  tickers: the same weekly report of another week differs in its date and most figures)
  and ``value_tolerance`` of their other values (names), each counted as
  ``min(a_only, b_only)`` over the shorter side's count of figures or names, and not in
  both at once: a rewrite or a scraper's junk changes names, a re-send its figures; another
  story sharing the template (another company's notice, another week's report) changes
  both.

**Corrections and repeats.** When either text is marked as a correction or repeat
(``FLAG_CORRECTION``) and the text rules hold, the pair is a copy whatever its values: the
correction of a dividend notice changes the figure it corrects. Its reason is
``corrected``. A longer pair accepted with conflicting values (a re-send with changed
figures) gets ``changed_values``; one accepted by the edited rule alone ``edited``; any
other ``near``. Evidence rows marked ``FLAG_UNKNOWN`` (not computed) skip the value and edit
rules: the decision is the signature rule alone.

>>> import numpy as np
>>> from normnews.config import DedupConfig
>>> from normnews.dedup.evidence import EvidenceMaker
>>> a = "Qtly div 25 cts vs 25 cts prior qtr. Pay May 31. Record May 1."
>>> b = "Qtly div 25 cts vs 25 cts prior qtr. Pay June 10. Record May 15."
>>> ev = EvidenceMaker(DedupConfig()).rows([None, None], [a, b])
>>> values_agree(ev[:1], ev[1:], DedupConfig()).tolist()
[False]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from normnews.config import DedupConfig
from normnews.dedup.clusters import estimates
from normnews.dedup.evidence import (
    DATE,
    EDIT,
    EMPTY_VALUE,
    FIGURE,
    FLAG_CORRECTION,
    FLAG_UNKNOWN,
    FLAGS,
    KIND_MASK,
    N_FIGURES,
    N_VALUES,
    N_WORDS,
    NAME,
    VALUE_DIGEST,
    VALUE_SLOTS,
    VALUES,
)

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

REASONS = ("near", "edited", "corrected", "changed_values")
"""Reason codes of accepted pairs (index = code), written to ``duplicates.reason``."""
NEAR, EDITED, CORRECTED, CHANGED_VALUES = range(4)
_EPS = 1e-9
_TABLE_DENSITY = 0.15
MIN_INFORMATIVE_EDIT = 8
"""Template-free edit-signature positions needed before the edited rule may accept a pair."""


def value_differences(ev_a: U32, ev_b: U32, kind: int | None = None) -> tuple[F64, F64, F64]:
    """Values only in ``a``, only in ``b`` and in both, per pair (estimated past the sketch).

    Args:
        ev_a: Evidence rows of the first members, ``(k, WIDTH)``.
        ev_b: Evidence rows of the second members.
        kind: Count only values of this class (``evidence.NAME``, ``FIGURE``, ``DATE``: the
            low two bits of a value's hash), or ``None`` for all.

    Returns:
        ``(a_only, b_only, shared)`` as float64 counts.
    """
    return _Membership(ev_a, ev_b).counts(kind)


class _Membership:
    """Which of the pair's union bottom-k values each side holds (computed once per chunk)."""

    def __init__(self, ev_a: U32, ev_b: U32) -> None:
        va = np.ascontiguousarray(ev_a[:, VALUES])
        vb = np.ascontiguousarray(ev_b[:, VALUES])
        self.na = ev_a[:, N_VALUES].astype(np.float64)
        self.nb = ev_b[:, N_VALUES].astype(np.float64)
        # The union's bottom-k: the VALUE_SLOTS smallest of both sketches (EMPTY sorts last).
        union = np.sort(np.concatenate([va, vb], axis=1), axis=1)
        dup = np.zeros(union.shape, dtype=bool)
        dup[:, 1:] = union[:, 1:] == union[:, :-1]
        # Each sketch holds distinct values, so a value seen twice in the union is in both.
        keys = np.sort(np.where(dup, EMPTY_VALUE, union), axis=1)[:, :VALUE_SLOTS]
        self.keys = keys
        self.real = keys != EMPTY_VALUE
        self.in_a = _member(keys, va) & self.real
        self.in_b = _member(keys, vb) & self.real
        # A key above a sketch's largest value is unknown for that side when it is full.
        top_a = np.where(self.na > VALUE_SLOTS, va[:, -1], EMPTY_VALUE)
        top_b = np.where(self.nb > VALUE_SLOTS, vb[:, -1], EMPTY_VALUE)
        self.known = self.real & (keys <= top_a[:, None]) & (keys <= top_b[:, None])
        self.exact = (self.na <= VALUE_SLOTS) & (self.nb <= VALUE_SLOTS)

    def counts(self, kind: int | None = None) -> tuple[F64, F64, F64]:
        in_a, in_b, known = self.in_a, self.in_b, self.known
        if kind is not None:
            of_kind = (self.keys & np.uint32(KIND_MASK)) == kind
            in_a, in_b, known = in_a & of_kind, in_b & of_kind, known & of_kind
        all_known = np.maximum(self.known.sum(axis=1), 1).astype(np.float64)
        both = (self.in_a & self.in_b & self.known).sum(axis=1) / all_known
        # Sizes of the union from the two counts and the shared share (J = both).
        size = np.where(both < 1.0, (self.na + self.nb) / (1.0 + np.maximum(both, 0.0)), self.na)
        a_only = np.where(
            self.exact,
            (in_a & ~in_b).sum(axis=1),
            (in_a & ~in_b & known).sum(axis=1) / all_known * size,
        )
        b_only = np.where(
            self.exact,
            (in_b & ~in_a).sum(axis=1),
            (in_b & ~in_a & known).sum(axis=1) / all_known * size,
        )
        shared = np.where(
            self.exact,
            (in_a & in_b).sum(axis=1),
            (in_a & in_b & known).sum(axis=1) / all_known * size,
        )
        return a_only.astype(np.float64), b_only.astype(np.float64), shared.astype(np.float64)


def _member(keys: U32, sketch: U32) -> Bools:
    """``keys[i, j] in sketch[i]`` for sorted rows: one searchsorted over row-tagged values."""
    k = sketch.shape[0]
    rows = (np.arange(k, dtype=np.uint64) << np.uint64(32))[:, None]
    flat = (rows | sketch.astype(np.uint64)).ravel()
    probe = (rows | keys.astype(np.uint64)).ravel()
    pos = np.minimum(np.searchsorted(flat, probe), len(flat) - 1)
    return np.asarray((flat[pos] == probe).reshape(keys.shape), dtype=bool)


def values_agree(
    ev_a: U32, ev_b: U32, cfg: DedupConfig, membership: _Membership | None = None
) -> Bools:
    """Whether each pair's values allow it to be one story (module docs: strict or tolerant).

    Args:
        ev_a: Evidence rows of the first members.
        ev_b: Evidence rows of the second members.
        cfg: Dedup settings (``strict_words``, ``figure_tolerance``, ``value_tolerance``).
        membership: The pairs' value membership when already computed.

    Returns:
        Boolean mask over the pairs (pairs with unknown evidence agree).
    """
    membership = membership if membership is not None else _Membership(ev_a, ev_b)
    a_only, b_only, _ = membership.counts()
    conflicts = {}
    for kind in (NAME, FIGURE, DATE):
        only_a, only_b, _ = membership.counts(kind)
        conflicts[kind] = np.minimum(only_a, only_b)
    words = np.minimum(ev_a[:, N_WORDS], ev_b[:, N_WORDS])
    fewest_figures = np.minimum(ev_a[:, N_FIGURES], ev_b[:, N_FIGURES])
    # Tables (earnings, prices) are formulaic at any length: figures are many of their words.
    strict = (words < cfg.strict_words) | (fewest_figures >= _TABLE_DENSITY * words)
    fewest = np.maximum(np.minimum(ev_a[:, N_VALUES], ev_b[:, N_VALUES]), 1).astype(np.float64)
    conflict = np.minimum(a_only, b_only)
    # Past the sketch (long tables) exact agreement is checked on the digest of all values.
    beyond = (ev_a[:, N_VALUES] > VALUE_SLOTS) | (ev_b[:, N_VALUES] > VALUE_SLOTS)
    same_digest = ev_a[:, VALUE_DIGEST] == ev_b[:, VALUE_DIGEST]
    ok_strict = np.where(beyond, same_digest, conflict < 0.5)
    figures = np.maximum(np.minimum(ev_a[:, N_FIGURES], ev_b[:, N_FIGURES]), 1).astype(np.float64)
    names = np.maximum(fewest - figures, 1.0)
    # Dates and tickers are facts like figures: they share the figures' tolerance. A rewrite
    # changes names and wording, a re-send its figures; other news (another company's notice,
    # another week's report) changes both.
    facts = conflicts[FIGURE] + conflicts[DATE]
    ok_loose = (
        (facts / figures <= cfg.figure_tolerance + _EPS)
        & (conflicts[NAME] / names <= cfg.value_tolerance + _EPS)
        & ((facts < 0.5) | (conflicts[NAME] < 0.5))
    )
    unknown = ((ev_a[:, FLAGS] | ev_b[:, FLAGS]) & FLAG_UNKNOWN) != 0
    return np.asarray(np.where(strict, ok_strict, ok_loose) | unknown, dtype=bool)


def edit_estimates(
    ev_a: U32, ev_b: U32, tmpl_a: Bools | None = None, tmpl_b: Bools | None = None
) -> tuple[F64, F64]:
    """Word-bigram Jaccard and containment (smaller in larger) from the edit signatures.

    Like the 5-gram estimate (``clusters.estimates``), positions whose union minimum is a
    template value are left out; with fewer than ``MIN_INFORMATIVE_EDIT`` positions left the
    containment is 0 (pages of one site contain each other's template).

    Args:
        ev_a: Evidence rows of the first members.
        ev_b: Evidence rows of the second members.
        tmpl_a: Template mask of ``ev_a[:, EDIT]`` (``clusters.template_mask``), or ``None``.
        tmpl_b: Of ``ev_b[:, EDIT]``.

    Returns:
        ``(jaccard, containment)`` per pair.
    """
    a = ev_a[:, EDIT]
    b = ev_b[:, EDIT]
    if tmpl_a is None or tmpl_b is None:
        informative = np.ones(a.shape, dtype=bool)
    else:
        informative = ~np.where(a <= b, tmpl_a, tmpl_b)
    n_inf = informative.sum(axis=1)
    eq = ((a == b) & informative).sum(axis=1)
    a_lt = ((a < b) & informative).sum(axis=1)
    b_lt = n_inf - eq - a_lt
    jac = eq / np.maximum(n_inf, 1)
    cont = np.where(
        n_inf >= MIN_INFORMATIVE_EDIT, eq / np.maximum(eq + np.minimum(a_lt, b_lt), 1), 0.0
    )
    return jac.astype(np.float64), cont.astype(np.float64)


def verify(
    sig_a: U32,
    sig_b: U32,
    tmpl_a: Bools,
    tmpl_b: Bools,
    ev_a: U32,
    ev_b: U32,
    cfg: DedupConfig,
    edit_tmpl_a: Bools | None = None,
    edit_tmpl_b: Bools | None = None,
    estimated: tuple[F64, F64] | None = None,
) -> tuple[Bools, F64, I64]:
    """Decide candidate pairs: similar enough by a text rule, and values that agree.

    Args:
        sig_a: MinHash signatures of the first members, ``(k, num_perm)``.
        sig_b: Of the second members.
        tmpl_a: Template masks of ``sig_a`` (``clusters.template_mask``).
        tmpl_b: Of ``sig_b``.
        ev_a: Evidence rows of the first members, ``(k, WIDTH)``.
        ev_b: Of the second members.
        cfg: Dedup settings.
        edit_tmpl_a: Template mask of ``ev_a[:, EDIT]``, or ``None`` (no discount).
        edit_tmpl_b: Of ``ev_b[:, EDIT]``.
        estimated: ``(similarity, containment)`` from ``clusters.estimates`` when the caller
            has them already.

    Returns:
        ``(accepted, similarity, reason)``: the mask, the (template-discounted) Jaccard
        estimate, and a code into :data:`REASONS` (meaningful where accepted).
    """
    if estimated is None:
        sim, _, cont = estimates(sig_a, sig_b, tmpl_a, tmpl_b)
    else:
        sim, cont = estimated
    by_jaccard = sim >= cfg.threshold - _EPS
    by_containment = (sim >= cfg.containment_min_jaccard - _EPS) & (cont >= cfg.containment - _EPS)
    flags = ev_a[:, FLAGS] | ev_b[:, FLAGS]
    known = (flags & FLAG_UNKNOWN) == 0
    edit_jac, edit_cont = edit_estimates(ev_a, ev_b, edit_tmpl_a, edit_tmpl_b)
    by_edit = (
        known
        & (sim >= cfg.edit_min_jaccard - _EPS)
        & (edit_cont >= cfg.edit_containment - _EPS)
        & (edit_jac >= cfg.containment_min_jaccard - _EPS)
    )
    by_text = by_jaccard | by_containment | by_edit
    marked = known & ((flags & FLAG_CORRECTION) != 0)
    reason = np.full(len(sim), NEAR, dtype=np.int64)
    reason[by_edit & ~(by_jaccard | by_containment)] = EDITED
    # Values are compared only where the text already qualifies (most candidates do not).
    ok = by_text.copy()
    sel = np.flatnonzero(by_text)
    if len(sel):
        ea, eb = ev_a[sel], ev_b[sel]
        membership = _Membership(ea, eb)
        agree = values_agree(ea, eb, cfg, membership)
        ok[sel] = agree | marked[sel]
        a_only, b_only, _ = membership.counts()
        changed = known[sel] & (a_only >= 0.5) & (b_only >= 0.5)
        reason[sel[changed]] = CHANGED_VALUES
    reason[marked] = CORRECTED
    return np.asarray(ok, dtype=bool), sim.astype(np.float64), reason


def needs_edit_rule(sim: F64, containment: F64, cfg: DedupConfig) -> Bools:
    """Pairs only the edited rule could accept (5-gram rules fail, Jaccard >= its floor).

    The deduper computes the edit signatures' template mask over these pairs' articles only.

    Args:
        sim: Template-discounted Jaccard estimates.
        containment: Containment estimates.
        cfg: Dedup settings.

    Returns:
        Boolean mask over the pairs.
    """
    by_jaccard = sim >= cfg.threshold - _EPS
    by_containment = (sim >= cfg.containment_min_jaccard - _EPS) & (
        containment >= cfg.containment - _EPS
    )
    return np.asarray(
        (sim >= cfg.edit_min_jaccard - _EPS) & ~(by_jaccard | by_containment), dtype=bool
    )
