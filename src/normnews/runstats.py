"""How much text each cleaning step removed, and which learned lines it removed: the run's
text statistics for the manifest and the report.

Words removed per step come from the edits themselves: a paragraph removal is recorded as
``removed "<paragraph>" (<why>)``, quoting at most 120 characters. A quote that was not cut
counts exactly, and then words in = words kept + words removed, with no split of the raw text.
When a quote was cut (it ends in ``…``), the raw text's words give the article's total, and
the cut quotes share what the exact ones leave, in proportion to their quoted words.

Everything here is bounded: fixed histogram bins, the first and the worst few articles, and
the learned lines most removed.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from normnews.model import Edit

REMOVED_RE = re.compile(r'^removed "(?P<quote>.*)" \((?P<why>[^()]*)\)$', re.DOTALL)
CUT = "…"
REMOVED = 'removed "'
DATE_STEP = "published"
"""The edit step of a publication time that could not be parsed."""
BINS = 20
"""Histogram bins of the share of words removed (0–5 %, 5–10 %, …, 95–100 %)."""
FIRST_IDS = 20
"""Ids kept of the articles that lost more than half their words."""
WORST = 10
"""Articles kept of those that lost the largest share."""
LINES_KEPT = 200
"""Learned lines (text, site) kept per run, the most removed first."""
_LINES_PRUNE = 20_000
HALF = 0.5


def word_count(clean_text: str) -> int:
    """Words of a cleaned text, counted from its separators: it has single spaces inside
    paragraphs and one blank line between them, so no split is needed.

    >>> word_count("Rain fell. Roads closed.\\n\\nIt cleared."), word_count("")
    (6, 0)
    """
    # Single-character counts: counting "\n\n" takes three times as long as "\n".
    return clean_text.count(" ") + clean_text.count("\n") // 2 + 1 if clean_text else 0


def words_removed(
    edits: Iterable[Edit], words_out: int, raw_text: str
) -> tuple[dict[str, float], int]:
    """Words each step removed from one article's body, and its words in.

    Words in are words out plus the words removed. When every removal is quoted in full that
    sum is exact and the raw text is never split (the common case, and the cheap one); when a
    quote was cut, the raw text's words give the total and the cut quotes share what the
    exact ones leave.

    Args:
        edits: The article's edits.
        words_out: Words of the cleaned body (:func:`word_count`).
        raw_text: The body as read (split only when a quote was cut).

    Returns:
        ``{step: words}`` for the steps that removed any, and the words in.

    >>> words_removed([Edit("boilerplate", 'removed "Share this story" (share prompt)')], 7, "")
    ({'boilerplate': 3.0}, 10)
    >>> cut = Edit("truncation", 'removed "a b c…" (cut mid-sentence)')
    >>> words_removed([cut, Edit("title", 'removed "Big news" (repeat)')], 10, "w " * 20)
    ({'title': 2.0, 'truncation': 8.0}, 20)
    """
    exact: Counter[str] = Counter()
    cut: list[tuple[str, int]] = []
    for edit in edits:
        match = REMOVED_RE.match(edit.detail)
        if match is None:
            continue
        quote = match["quote"]
        if quote.endswith(CUT):
            cut.append((edit.step, len(quote.split())))
        else:
            exact[edit.step] += len(quote.split())
    out = {step: float(n) for step, n in exact.items()}
    known = sum(exact.values())
    if not cut:
        return out, words_out + known
    quoted = sum(n for _, n in cut)
    words_in = max(len(raw_text.split()), words_out + known + quoted)
    rest = words_in - words_out - known
    for step, n in cut:
        out[step] = out.get(step, 0.0) + (rest * n / quoted if quoted else 0.0)
    return out, words_in


@dataclass(slots=True)
class TextStats:
    """The text statistics of a batch or a run; :meth:`merge` adds another's (input order)."""

    words_in: int = 0
    removed_by_step: Counter[str] = field(default_factory=Counter)
    histogram: dict[str, list[int]] = field(default_factory=dict)
    """Per step (and ``total``): articles per bin of the share of words removed."""
    over_half: int = 0
    first_over_half: list[dict[str, Any]] = field(default_factory=list)
    worst: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    """A min-heap of ``(share, -order, article)``: the :data:`WORST` largest shares."""
    date_failures: int = 0
    lines: Counter[tuple[str, str]] = field(default_factory=Counter)
    """``(site, text)`` of lines removed as learned boilerplate → articles."""
    articles: int = 0

    def add(
        self,
        meta: dict[str, Any],
        edits: list[Edit],
        *,
        words_out: int,
        raw_text: str,
        site: str,
        learned_reason: str,
    ) -> None:
        """Count one article.

        Args:
            meta: ``article_id``, ``source``, ``record``, ``title`` (kept for the lists).
            edits: Its edits.
            words_out: Words of its cleaned body (:func:`word_count`).
            raw_text: Its body as read (see :func:`words_removed`).
            site: Its site (for learned lines).
            learned_reason: The boilerplate reason that marks a learned (frequent) line.
        """
        order = self.articles
        self.articles += 1
        if not any(e.detail.startswith(REMOVED) or e.step == DATE_STEP for e in edits):
            # The common case: nothing removed, so nothing to parse.
            self.words_in += words_out
            self._bin("total", 0.0)
            return
        by_step, words_in = words_removed(edits, words_out, raw_text)
        self.words_in += words_in
        self.removed_by_step.update({k: round(v) for k, v in by_step.items()})
        total = max(0, words_in - words_out)
        share = total / words_in if words_in else 0.0
        self._bin("total", share)
        for step, n in by_step.items():
            self._bin(step, n / words_in if words_in else 0.0)
        if share > HALF:
            self.over_half += 1
            if len(self.first_over_half) < FIRST_IDS:
                self.first_over_half.append({**meta, "share": round(share, 4)})
        if share > 0 and (len(self.worst) < WORST or (share, -order) > self.worst[0][:2]):
            entry = (share, -order, {**meta, "share": round(share, 4), "words_in": words_in})
            if len(self.worst) < WORST:
                heapq.heappush(self.worst, entry)
            else:
                heapq.heapreplace(self.worst, entry)
        learned = f"({learned_reason})"
        for edit in edits:
            if edit.step == DATE_STEP:
                self.date_failures += 1
            elif edit.detail.endswith(learned):
                match = REMOVED_RE.match(edit.detail)
                if match and match["why"] == learned_reason:
                    self.lines[(site, match["quote"])] += 1
        if len(self.lines) > _LINES_PRUNE:
            self.lines = Counter(dict(self.lines.most_common(LINES_KEPT * 10)))

    def _bin(self, step: str, share: float) -> None:
        counts = self.histogram.setdefault(step, [0] * BINS)
        counts[min(BINS - 1, int(share * BINS))] += 1

    def merge(self, other: TextStats) -> None:
        """Add a later batch's statistics (its articles come after this one's)."""
        offset = self.articles
        self.articles += other.articles
        self.words_in += other.words_in
        self.removed_by_step.update(other.removed_by_step)
        for step, counts in other.histogram.items():
            mine = self.histogram.setdefault(step, [0] * BINS)
            for i, n in enumerate(counts):
                mine[i] += n
        self.over_half += other.over_half
        room = FIRST_IDS - len(self.first_over_half)
        self.first_over_half += other.first_over_half[: max(0, room)]
        for share, order, meta in other.worst:
            entry = (share, order - offset, meta)
            if len(self.worst) < WORST:
                heapq.heappush(self.worst, entry)
            elif entry[:2] > self.worst[0][:2]:
                heapq.heapreplace(self.worst, entry)
        self.date_failures += other.date_failures
        self.lines.update(other.lines)
        if len(self.lines) > _LINES_PRUNE:
            self.lines = Counter(dict(self.lines.most_common(LINES_KEPT * 10)))

    def learned_lines(self) -> list[dict[str, Any]]:
        """The learned lines removed most often: text, site, articles (ties by text)."""
        ranked = sorted(self.lines.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))
        return [{"text": text, "site": site, "count": n} for (site, text), n in ranked[:LINES_KEPT]]

    def to_manifest(self) -> dict[str, Any]:
        """The manifest's ``text`` section."""
        worst = sorted(self.worst, key=lambda e: (-e[0], -e[1]))
        return {
            "articles": self.articles,
            "words_in": self.words_in,
            "words_removed_by_step": dict(sorted(self.removed_by_step.items())),
            "words_removed": sum(self.removed_by_step.values()),
            "lost_over_half": {"count": self.over_half, "first": self.first_over_half},
            "most_lost": [meta for _, _, meta in worst],
            "share_histogram": {
                "bins": [round(i / BINS, 2) for i in range(BINS + 1)],
                "by_step": dict(sorted(self.histogram.items())),
            },
            "date_parse_failures": self.date_failures,
        }


SIMILARITY_BINS = 50


def duplicate_stats(found: Iterable[tuple[float, str, str]], threshold: float) -> dict[str, Any]:
    """The manifest's ``dedup`` section: how similar the removed copies were, and cluster sizes.

    Args:
        found: ``(similarity, method, duplicate_of)`` of each removed duplicate.
        threshold: The run's Jaccard threshold (drawn on the report's histogram).

    Returns:
        ``threshold``, a similarity histogram over ``[0, 1]`` and ``{cluster size: clusters}``
        (a cluster is a kept article and its removed copies; kept articles from earlier runs
        count too).

    >>> duplicate_stats([(1.0, "exact", "a"), (0.8, "near", "a"), (0.9, "near", "b")], 0.7)[
    ...     "cluster_sizes"]
    {'2': 1, '3': 1}
    """
    counts = [0] * SIMILARITY_BINS
    survivors: Counter[str] = Counter()
    methods: Counter[str] = Counter()
    for similarity, method, duplicate_of in found:
        counts[min(SIMILARITY_BINS - 1, int(similarity * SIMILARITY_BINS))] += 1
        survivors[duplicate_of] += 1
        methods[method] += 1
    sizes = Counter(n + 1 for n in survivors.values())
    return {
        "threshold": threshold,
        "similarity_histogram": {
            "bins": [round(i / SIMILARITY_BINS, 2) for i in range(SIMILARITY_BINS + 1)],
            "counts": counts,
        },
        "by_method": dict(sorted(methods.items())),
        "cluster_sizes": {str(k): sizes[k] for k in sorted(sizes)},
    }
