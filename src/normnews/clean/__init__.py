"""Repair and clean one article: repair → reflow → titles → boilerplate → truncation.

:func:`normalise` is what the pipeline calls; each step is a pure function in its own module
(:mod:`~normnews.clean.repair`, :mod:`~normnews.clean.reflow`, :mod:`~normnews.clean.titles`,
:mod:`~normnews.clean.boilerplate`, :mod:`~normnews.clean.truncation`) and can be switched off
in :class:`~normnews.config.CleanConfig` / :class:`~normnews.config.RepairConfig`. Corpus
line frequency lives in :mod:`~normnews.clean.census`; the audit report in
:mod:`~normnews.clean.explain`.

Output text: paragraphs separated by exactly one blank line, single spaces inside a
paragraph, no leading or trailing whitespace (see :mod:`~normnews.clean.reflow`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from normnews.clean.boilerplate import _strip_boilerplate
from normnews.clean.reflow import collapse, reflow
from normnews.clean.repair import FtfyMemo, _repair_article
from normnews.clean.titles import _strip_titles, clean_title, strip_title_counter
from normnews.clean.truncation import _trim_truncated
from normnews.config import CleanConfig, RepairConfig
from normnews.model import Edit

__all__ = ["STEPS", "Normalised", "normalise", "step_counts"]

STEPS = ("repair", "reflow", "title", "boilerplate", "truncation")
"""Edit steps, in the order they run."""
TITLE_BREAKS_RE = re.compile(r"\r\n?|[\n\u2028\u2029]")
MAX_PASSES = 4
"""Cleaning repeats until nothing changes (a removal can expose a new repeat); bounded."""


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised article: cleaned title and text, and every edit that made them."""

    title: str
    text: str
    edits: tuple[Edit, ...]


@dataclass(slots=True)
class _Memo:
    """Per-paragraph verdicts of one article's cleaning passes.

    Every step decides each paragraph by a pure function of the paragraph (titles,
    boilerplate's own rules) or of it and its neighbour (truncation); a later pass sees mostly
    the same paragraphs, so it looks their verdicts up instead of deciding them again.
    """

    titles: dict[str, str | None] = field(default_factory=dict)
    boilerplate: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    truncation: dict[tuple[str, str | None], tuple[str, str]] = field(default_factory=dict)


def _clean_pass(
    title: str, text: str, clean: CleanConfig, frequent: frozenset[int], memo: _Memo
) -> tuple[str, list[Edit]]:
    edits: list[Edit] = []
    # The steps pass the paragraph list on: each returns the split of the text it would
    # return, so the text is split once per pass and joined once.
    paragraphs = text.split("\n\n")
    if clean.titles and title:
        paragraphs, found = _strip_titles(title, paragraphs, memo.titles)
        edits += found
    if clean.boilerplate:
        paragraphs, found = _strip_boilerplate(paragraphs, frequent, clean, memo.boilerplate)
        edits += found
    if clean.truncation:
        paragraphs, found = _trim_truncated(paragraphs, memo.truncation)
        edits += found
    return ("\n\n".join(paragraphs) if edits else text), edits


def _structure(text: str, clean: CleanConfig) -> tuple[str, list[Edit]]:
    if clean.reflow:
        return reflow(text)
    # Without reflow, each line is still its own paragraph, so the output format holds.
    lines = (collapse(line) for line in text.split("\n"))
    return "\n\n".join(line for line in lines if line), []


def normalise(
    title: str | None,
    text: str,
    *,
    repair: RepairConfig,
    clean: CleanConfig,
    frequent: frozenset[int] = frozenset(),
    url: str | None = None,
) -> Normalised:
    """Repair and clean one article's title and body; never raises on any ``str``.

    Args:
        title: The title as read, or ``None``.
        text: The body as read.
        repair: Repair settings.
        clean: Cleaning settings.
        frequent: Census keys of boilerplate lines, sign-offs and title affixes for this
            run (:meth:`normnews.clean.census.LineCensus.frequent`).
        url: The article's URL, if any: a title suffix that names its host is the site's.

    Returns:
        The normalised article. Idempotent: normalising the result changes nothing.

    >>> out = normalise("Floods hit Valencia 0",
    ...                 "Floods hit Valencia\\n\\nRain fell all day on the coast. "
    ...                 "Roads were shut by the\\n\\nLeave a Reply",
    ...                 repair=RepairConfig(), clean=CleanConfig())
    >>> out.title, out.text
    ('Floods hit Valencia', 'Rain fell all day on the coast.')
    >>> step_counts(out.edits)
    {'repair': 0, 'reflow': 0, 'title': 2, 'boilerplate': 1, 'truncation': 1}
    """
    edits: list[Edit] = []
    ftfy_memo: FtfyMemo = {}
    # A title is one line: join its lines first, so ftfy sees what the output will hold.
    raw_title = title or ""
    if "\r" in raw_title or "\n" in raw_title or "\u2028" in raw_title or "\u2029" in raw_title:
        raw_title = TITLE_BREAKS_RE.sub(" ", raw_title)  # tested first: titles rarely break
    new_title, found = _repair_article(raw_title, repair, ftfy_memo)
    edits += found
    collapsed = collapse(new_title.replace("\n", " "))
    if found and collapsed != new_title and repair.enabled:
        # A repaired "Â " became a space that collapsing removed: the rest is new text for
        # ftfy ("ÁºÖ"), so repair it once more and the title is a fixed point.
        collapsed, found = _repair_article(collapsed, repair, ftfy_memo)
        edits += found
        collapsed = collapse(collapsed.replace("\n", " "))
    new_title = collapsed
    if clean.titles:
        new_title, found = clean_title(new_title, frequent, url)
        edits += found
    body, found = _repair_article(text, repair, ftfy_memo)
    edits += found
    body, found = _structure(body, clean)
    edits += found
    if found and repair.enabled:
        # Joined lines are new text for ftfy ("Ã" + "©" across a wrap); repair once more so
        # the result is a fixed point.
        body, found = _repair_article(body, repair, ftfy_memo)
        edits += found
    if clean.titles:
        new_title, found = strip_title_counter(new_title, body)
        edits += found
    memo = _Memo()
    for _ in range(MAX_PASSES):
        body, found = _clean_pass(new_title, body, clean, frequent, memo)
        edits += found
        if not found:
            break
    return Normalised(new_title, body, tuple(edits))


def step_counts(edits: Iterable[Edit]) -> dict[str, int]:
    """How many edits each step made (every step present, in pipeline order).

    Args:
        edits: Edits of one article or of many.

    Returns:
        ``{step: count}`` for each of :data:`STEPS`.

    >>> step_counts([Edit("title", "x"), Edit("title", "y")])["title"]
    2
    """
    counts = Counter(edit.step for edit in edits)
    return {step: counts.get(step, 0) for step in STEPS}
