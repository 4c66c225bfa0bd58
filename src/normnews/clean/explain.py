"""A human-readable audit of one article's normalisation (``normnews explain FILE``).

The report has four parts: the title before and after, the article before (as read), the
article after, and the changes. The "after" text marks nothing; the "changes" part lists every
edit as ``- [step] detail`` in pipeline order, and a paragraph diff shows each removed (``-``)
or changed (``~``) paragraph of the reflowed text against the final one.
"""

from __future__ import annotations

import difflib

from normnews.clean import Normalised, normalise, step_counts
from normnews.clean.reflow import reflow
from normnews.clean.repair import repair as repair_text
from normnews.clean.repair import shorten
from normnews.config import CleanConfig, RepairConfig

RULE = "=" * 72


def _paragraph_diff(before: str, after: str) -> list[str]:
    """``-`` removed paragraphs, ``~`` changed ones (``->`` what they became), in order."""
    old = [p for p in before.split("\n\n") if p]
    new = [p for p in after.split("\n\n") if p]
    lines: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        targets = list(new[j1:j2])
        for paragraph in old[i1:i2]:
            became = next((t for t in targets if paragraph.startswith(t)), None)
            if became is None:
                lines.append(f"  - {shorten(paragraph, 160)}")
            else:
                targets.remove(became)
                lines.append(f"  ~ {shorten(paragraph, 160)}")
                lines.append(f"    -> {shorten(became, 160)}")
        lines.extend(f"  + {shorten(p, 160)}" for p in targets)
    return lines


def explain(
    title: str | None,
    text: str,
    *,
    repair: RepairConfig,
    clean: CleanConfig,
    frequent: frozenset[int] = frozenset(),
) -> str:
    """Show an article before and after normalisation, with every change and its reason.

    Args:
        title: The title as read, or ``None``.
        text: The body as read.
        repair: Repair settings.
        clean: Cleaning settings.
        frequent: Census keys of boilerplate lines (as for :func:`normalise`).

    Returns:
        A plain-text report.

    >>> report = explain("Rain in Oslo", "Rain in Oslo 0\\n\\nIt rained.\\n\\nLeave a Reply",
    ...                  repair=RepairConfig(), clean=CleanConfig())
    >>> print(report.split("CHANGES")[1].strip())  # doctest: +NORMALIZE_WHITESPACE
    (title 1, boilerplate 1)
    - [title] removed "Rain in Oslo 0" (repeat with a comment counter)
    - [boilerplate] removed "Leave a Reply" (comment form phrase)
    <BLANKLINE>
    PARAGRAPHS REMOVED OR CHANGED (after repair and reflow)
      - Rain in Oslo 0
      - Leave a Reply
    """
    result = normalise(title, text, repair=repair, clean=clean, frequent=frequent)
    return explain_result(title, text, result, repair=repair, clean=clean)


def explain_result(
    title: str | None,
    text: str,
    result: Normalised,
    *,
    repair: RepairConfig,
    clean: CleanConfig,
) -> str:
    """The report of :func:`explain` for a result the caller already has (no second pass).

    Args:
        title: The title as read, or ``None``.
        text: The body as read.
        result: What :func:`normalise` made of them with these settings.
        repair: Repair settings.
        clean: Cleaning settings.

    Returns:
        A plain-text report.
    """
    repaired, _ = repair_text(text, repair)
    staged = reflow(repaired)[0] if clean.reflow else repaired
    counts = step_counts(result.edits)
    summary = ", ".join(f"{step} {n}" for step, n in counts.items() if n) or "no changes"
    parts = [
        RULE,
        f"TITLE BEFORE: {title or ''}",
        f"TITLE AFTER:  {result.title}",
        RULE,
        "BEFORE",
        text.rstrip(),
        RULE,
        "AFTER",
        result.text,
        RULE,
        "CHANGES",
        f"({summary})",
    ]
    parts.extend(f"- [{edit.step}] {edit.detail}" for edit in result.edits)
    diff = _paragraph_diff(staged, result.text)
    if diff:
        parts.append("")
        parts.append("PARAGRAPHS REMOVED OR CHANGED (after repair and reflow)")
        parts.extend(diff)
    return "\n".join(parts) + "\n"
