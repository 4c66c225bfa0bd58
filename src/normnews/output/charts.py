"""The report's charts as inline SVG (the only matplotlib import).

matplotlib draws each chart on its own :class:`~matplotlib.figure.Figure` (no pyplot, so no
global figure state and no GUI backend) and saves it as SVG text that goes straight into the
page: no script, no image file, nothing fetched. Text stays text (``svg.fonttype = none``), which
keeps a chart to a few kilobytes. The output is deterministic: no date in the metadata, and a
fixed hash salt per chart (ids inside two inline SVGs must not collide).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

INK = "#1f2933"
MUTED = "#7b8794"
ACCENT = "#2563eb"
WARN = "#dc2626"
PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#8b5cf6", "#ef4444", "#06b6d4")
WIDTH = 5.6
"""Inches: two charts side by side fit a 1280-pixel laptop screen."""

_RC: Any = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}


def _svg(fig: Figure, name: str) -> str:
    rc: Any = {**_RC, "svg.hashsalt": f"normnews-{name}"}
    with matplotlib.rc_context(rc):
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    # The page holds the <svg> element itself: drop the XML prolog and doctype.
    return text[text.index("<svg") :]


def _figure(height: float) -> Figure:
    with matplotlib.rc_context(_RC):
        return Figure(figsize=(WIDTH, height), layout="constrained")


def bars(
    name: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str = "",
    colors: Sequence[str] | None = None,
    fmt: str = "{:,.0f}",
) -> str:
    """A horizontal bar chart, first label on top, each bar labelled with its value."""
    with matplotlib.rc_context(_RC):
        fig = _figure(max(1.6, 0.32 * len(labels) + 0.9))
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, values, color=list(colors or [ACCENT] * len(labels)), height=0.65)
        ax.set_yticks(positions, labels)
        top = max(values, default=0) or 1
        for y, v in zip(positions, values, strict=True):
            ax.text(v + top * 0.01, y, fmt.format(v), va="center", fontsize=8, color=INK)
        ax.set_xlim(0, top * 1.15)
        if fmt == "{:,.0f}":
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        return _svg(fig, name)


def histogram(
    name: str,
    edges: Sequence[float],
    series: dict[str, Sequence[int]],
    *,
    title: str,
    xlabel: str,
    marker: float | None = None,
    marker_label: str = "",
    percent: bool = False,
) -> str:
    """Counts per bin (one step line per series, the first filled); an optional vertical
    marker (the dedup threshold)."""
    with matplotlib.rc_context(_RC):
        fig = _figure(2.6)
        ax = fig.add_subplot()
        for i, (label, counts) in enumerate(series.items()):
            color = PALETTE[i % len(PALETTE)]
            xs = [e * 100 for e in edges] if percent else list(edges)
            if i == 0:
                ax.stairs(counts, xs, fill=True, alpha=0.25, color=color)
            ax.stairs(counts, xs, color=color, linewidth=1.4, label=label)
        if marker is not None:
            x = marker * 100 if percent else marker
            ax.axvline(x, color=WARN, linestyle="--", linewidth=1.2, label=marker_label)
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("articles")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        highest = max((max(counts, default=0) for counts in series.values()), default=0)
        ax.set_ylim(0, max(1, highest) * 1.15)
        ax.legend(frameon=False, fontsize=8)
        return _svg(fig, name)


def trend(
    name: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    current: int | None,
    outliers: Sequence[int] = (),
    percent: bool = False,
) -> str:
    """One value per run, in run order; the report's run ringed, outliers in red."""
    with matplotlib.rc_context(_RC):
        fig = _figure(2.1)
        ax = fig.add_subplot()
        shown = [v * 100 for v in values] if percent else list(values)
        xs = list(range(len(shown)))
        ax.plot(xs, shown, color=ACCENT, marker="o", markersize=3.5, linewidth=1.4)
        for i in outliers:
            ax.plot([i], [shown[i]], marker="o", markersize=7, color=WARN, linestyle="none")
        if current is not None:
            ax.plot(
                [current],
                [shown[current]],
                marker="o",
                markersize=10,
                markerfacecolor="none",
                markeredgecolor=INK,
                linestyle="none",
            )
        step = max(1, len(labels) // 8)
        ax.set_xticks(xs[::step], [labels[i] for i in xs[::step]], rotation=30, ha="right")
        ax.set_title(title + (" (%)" if percent else ""), loc="left")
        ax.set_ylim(bottom=0, top=(max(shown, default=0) or 1) * 1.2)
        return _svg(fig, name)
