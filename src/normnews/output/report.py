"""``normnews report``: one run, and the trend across the runs in OUT, as one HTML page.

The page is self-contained and works offline: the charts are inline SVG drawn by
:mod:`normnews.output.charts`, the style sheet is inline, and there is no script at all, so
nothing can fail to load. Everything on it comes from the manifests in ``OUT/_runs/`` and a few
rows of the run's own datasets (samples): the page is the same bytes for the same OUT.

What it shows, top to bottom: the key numbers; the funnel (records → articles, duplicates by
method, rejects by reason); cleaning (edits per step, the share of words each step removed per
article, the articles that lost most with the ``normnews explain`` line that shows why, the
learned boilerplate lines as text); dedup (similarity of the removed copies with the threshold,
cluster sizes, before/after samples); timings and throughput; trends per run, with runs far
from the others in red.
"""

from __future__ import annotations

import html
import json
import logging
import shlex
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from normnews.errors import InputError
from normnews.output import charts
from normnews.output.publish import write_atomic
from normnews.schema import dataset_lookup, first_sorted
from normnews.state import STATE_DIR
from normnews.statefiles import load_line_text

log = logging.getLogger("normnews")

SAMPLES = 3
"""Before/after samples shown for cleaning and for dedup."""
LEARNED_SHOWN = 20
"""Learned boilerplate lines listed, for this run and for all runs."""
EXCERPT = 420
OUTLIER_MADS = 3.0
"""A run is an outlier when it is this many (scaled) median absolute deviations from the
median of the other runs, and at least :data:`OUTLIER_FLOOR` of the median away."""
OUTLIER_FLOOR = 0.25
MIN_RUNS_FOR_OUTLIERS = 4
OLDER = "this run's manifest (written by an older normnews)"
_SECTIONS = ("counts", "config", "versions", "text", "dedup", "lsh", "outputs", "timings_s")


@dataclass(frozen=True)
class ReportResult:
    """A written report."""

    path: Path
    run_id: str
    runs: int
    """Published runs in OUT (the trend's length)."""


def load_manifests(out: Path) -> list[dict[str, Any]]:
    """The published runs' manifests in OUT, oldest first (run date, start, id).

    Args:
        out: The output root.

    Returns:
        The manifests (one that is not valid JSON, whose ``run_id`` is not its file name, or
        whose sections are not objects, is skipped with a warning).
    """
    found = []
    for path in sorted((out / "_runs").glob("*.json")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("skipping unreadable manifest %s: %s", path, exc)
            continue
        # A manifest names itself: its run id is its file name (so the page written beside it
        # stays in _runs/), it has a run date to order the trend by, and its sections are
        # objects (an older manifest may lack some; none may be of another kind).
        if (
            isinstance(manifest, dict)
            and manifest.get("run_id") == path.stem
            and isinstance(manifest.get("run_date"), str)
            and all(isinstance(manifest.get(k, {}), dict) for k in _SECTIONS)
        ):
            found.append(manifest)
        else:
            log.warning("skipping %s: not a run manifest of this folder", path)
    return sorted(found, key=lambda m: (m["run_date"], str(m.get("started_at", "")), m["run_id"]))


def write_report(out: Path, *, run_id: str | None = None, to: Path | None = None) -> ReportResult:
    """Render the report of one run and write it atomically.

    Args:
        out: The output root.
        run_id: The run to report on; default the latest.
        to: Where to write; default ``OUT/_runs/<run_id>.html`` (beside the manifest).

    Returns:
        Where it went, which run, and how many runs the trend covers.

    Raises:
        InputError: OUT has no published run, or none with that id.
    """
    runs = load_manifests(out)
    if not runs:
        raise InputError(f"{out} has no run manifests; run `normnews run DIR --out {out}` first.")
    if run_id is None:
        chosen = runs[-1]
    else:
        matching = [m for m in runs if m["run_id"] == run_id]
        if not matching:
            known = ", ".join(m["run_id"] for m in runs[-5:])
            raise InputError(f"{out} has no run {run_id!r}; the latest runs are: {known}.")
        chosen = matching[0]
    path = to or out / "_runs" / f"{chosen['run_id']}.html"
    write_atomic(path, render(out, runs, chosen).encode("utf-8"))
    return ReportResult(path, chosen["run_id"], len(runs))


def render(out: Path, runs: list[dict[str, Any]], run: dict[str, Any]) -> str:
    """The page of ``run`` (one of ``runs``) as HTML text."""
    sections = [
        _header(run),
        _numbers(run),
        _section(
            "Funnel",
            [_funnel(run)],
            "Every input record ends as an article, a duplicate or a reject.",
        ),
        _cleaning(out, run),
        _dedup(out, run),
        _timings(run),
        _trends(runs, run),
    ]
    return _PAGE.format(
        title=html.escape(f"normnews run {run['run_id']}"), style=_STYLE, body="\n".join(sections)
    )


# --- sections ---------------------------------------------------------------------------------


def _header(run: dict[str, Any]) -> str:
    cfg = run.get("config", {})
    versions = run.get("versions", {})
    facts = [
        ("run", run["run_id"]),
        ("run date", run["run_date"]),
        ("status", run.get("status", "")),
        ("started", run.get("started_at", "")),
        ("finished", run.get("finished_at", "")),
        ("input", cfg.get("input_dir", "")),
        ("config", run.get("config_fingerprint", "")),
        ("normnews", versions.get("normnews", "")),
    ]
    items = "".join(f"<span><b>{_e(k)}</b> {_e(v)}</span>" for k, v in facts)
    return f'<header><h1>normnews run report</h1><p class="facts">{items}</p></header>'


def _numbers(run: dict[str, Any]) -> str:
    counts = run.get("counts", {})
    text = run.get("text", {})
    records = counts.get("records_in", 0)
    seconds = sum(run.get("timings_s", {}).values())
    cards = [
        ("records in", f"{records:,}"),
        ("articles", f"{counts.get('articles', 0):,}"),
        (
            "duplicates",
            f"{counts.get('duplicates', 0):,} ({_pct(counts.get('duplicates', 0), records)})",
        ),
        ("rejects", f"{counts.get('rejects', 0):,} ({_pct(counts.get('rejects', 0), records)})"),
        ("words removed", _pct(text.get("words_removed", 0), text.get("words_in", 0))),
        ("lost over half", _known(counts.get("articles_lost_over_half"), "{:,} articles")),
        ("dates unparsed", _known(counts.get("date_parse_failures"), "{:,}")),
        ("throughput", f"{records / seconds:,.0f} records/s" if seconds else "–"),
    ]
    body = "".join(f'<div class="card"><span>{_e(k)}</span><b>{_e(v)}</b></div>' for k, v in cards)
    return f'<section class="cards">{body}</section>'


def _funnel(run: dict[str, Any]) -> str:
    counts = run.get("counts", {})
    rows: list[tuple[str, float, str]] = [
        ("records in", counts.get("records_in", 0), charts.INK),
        ("articles kept", counts.get("articles", 0), charts.ACCENT),
        ("exact duplicates", counts.get("duplicates_exact", 0), charts.PALETTE[1]),
        ("near duplicates", counts.get("duplicates_near", 0), charts.PALETTE[1]),
    ]
    for reason, n in sorted(counts.get("rejects_by_reason", {}).items(), key=lambda kv: -kv[1]):
        rows.append((f"reject: {reason}", n, charts.WARN))
    return _chart(
        "funnel",
        charts.bars(
            "funnel",
            [r[0] for r in rows],
            [r[1] for r in rows],
            colors=[r[2] for r in rows],
            title="Records in, and where they went",
        ),
    )


def _cleaning(out: Path, run: dict[str, Any]) -> str:
    counts = run.get("counts", {})
    text = run.get("text", {})
    edits = counts.get("edits_by_step", {}) or {"none": 0}
    hist = text.get("share_histogram", {})
    by_step = hist.get("by_step", {})
    series = {"all steps": by_step.get("total", [0] * 20)}
    series.update({k: v for k, v in sorted(by_step.items()) if k != "total"})
    edges = hist.get("bins", [i / 20 for i in range(21)])
    removed = text.get("words_removed_by_step", {})
    parts = [
        '<div class="row">',
        _chart(
            "edits",
            charts.bars(
                "edits",
                [f"{k} ({removed.get(k, 0):,} words)" for k in edits],
                list(edits.values()),
                title="Edits per step (words removed)",
            ),
        ),
        _chart(
            "removed-share",
            charts.histogram(
                "removed-share",
                edges,
                series,
                title="Share of each article's words removed",
                xlabel="% of the article's words removed",
                percent=True,
            ),
        ),
        "</div>",
        _most_lost(out, run),
        _learned(out, run),
    ]
    lead = (
        f"{text.get('words_removed', 0):,} of {text.get('words_in', 0):,} words removed "
        f"({_pct(text.get('words_removed', 0), text.get('words_in', 0))}); "
        f"{text.get('lost_over_half', {}).get('count', 0):,} article(s) lost more than half."
        if text
        else f"Edits per step only: {OLDER} has no text statistics (words removed)."
    )
    return _section("Cleaning", parts, lead)


def _most_lost(out: Path, run: dict[str, Any]) -> str:
    worst = run.get("text", {}).get("most_lost", [])
    if not worst:
        return "<h3>Articles that lost the most</h3><p>No article lost any words.</p>"
    input_dir = Path(str(run.get("config", {}).get("input_dir", ".")))
    rows = []
    for item in worst:
        command = (
            f"normnews explain {shlex.quote(str(input_dir / item['source']))} "
            f"--record {item['record']} --out {shlex.quote(str(out))}"
        )
        rows.append(
            f"<tr><td class=num>{item['share'] * 100:.0f}%</td>"
            f"<td>{_e(item.get('title') or '(no title)')}<br><small>{_e(item['source'])}"
            f"#{item['record']} · {item.get('words_in', 0):,} words in</small></td>"
            f"<td><code>{_e(command)}</code></td></tr>"
        )
    samples = _cleaning_samples(out, worst[:SAMPLES])
    return (
        "<h3>Articles that lost the most</h3><table><tr><th>lost</th><th>article</th>"
        "<th>see why</th></tr>" + "".join(rows) + "</table>" + samples
    )


def _cleaning_samples(out: Path, worst: Sequence[dict[str, Any]]) -> str:
    ids = [str(w["article_id"]) for w in worst]
    found = {
        str(r["article_id"]): r
        for r in dataset_lookup(
            out / "articles", "article_id", ids, ["article_id", "text", "edits"]
        )
    }
    blocks = []
    for item in worst:
        row = found.get(str(item["article_id"]))
        if row is None:
            continue  # removed as a duplicate: its text is not kept
        removed = [
            f"<li><b>{_e(e['step'])}</b> {_e(e['detail'])}</li>"
            for e in row.get("edits") or []
            if str(e["detail"]).startswith("removed")
        ]
        blocks.append(
            f'<div class="sample"><h4>{_e(item.get("title") or item["source"])}</h4>'
            f'<div class="pair"><div><h5>removed</h5><ul>{"".join(removed) or "<li>–</li>"}'
            f"</ul></div><div><h5>kept</h5><p>{_e(_excerpt(str(row['text'])))}</p></div></div>"
            "</div>"
        )
    return "<h3>Before and after</h3>" + "".join(blocks) if blocks else ""


def _learned(out: Path, run: dict[str, Any]) -> str:
    """This run's learned lines removed most often, and all runs' (from ``_state``)."""
    this_run = run.get("learned_lines", [])[:LEARNED_SHOWN]
    all_runs = load_line_text(out / STATE_DIR)[:LEARNED_SHOWN]
    if not this_run and not all_runs:
        return (
            "<h3>Learned boilerplate lines</h3><p>No line has been removed as learned "
            "boilerplate yet (a line must repeat across a site's articles first).</p>"
        )
    parts = []
    for title, lines in (("in this run", this_run), ("in all runs so far", all_runs)):
        if not lines:
            parts.append(f"<h3>Learned boilerplate lines removed {title}</h3><p>None.</p>")
            continue
        rows = "".join(
            f"<tr><td class=num>{n['count']:,}</td><td>{_e(n['text'])}</td>"
            f"<td>{_e(n['site'] or '(no site)')}</td></tr>"
            for n in lines
        )
        parts.append(
            f"<h3>Learned boilerplate lines removed most often {title}</h3><table><tr>"
            f"<th>articles</th><th>line</th><th>site</th></tr>{rows}</table>"
        )
    return '<div class="row">' + "".join(f"<div>{p}</div>" for p in parts) + "</div>"


def _dedup(out: Path, run: dict[str, Any]) -> str:
    dedup = run.get("dedup", {})
    hist = dedup.get("similarity_histogram", {})
    edges = hist.get("bins", [i / 50 for i in range(51)])
    sizes = dedup.get("cluster_sizes", {}) or {"none": 0}
    threshold = dedup.get("threshold", run.get("config", {}).get("dedup", {}).get("threshold"))
    parts = [
        '<div class="row">',
        _chart(
            "similarity",
            charts.histogram(
                "similarity",
                edges,
                {"removed copies": hist.get("counts", [0] * (len(edges) - 1))},
                title="Similarity of each removed copy to the article kept",
                xlabel="estimated Jaccard similarity",
                marker=threshold,
                marker_label=f"threshold {threshold}",
            ),
        ),
        _chart(
            "clusters",
            charts.bars(
                "clusters",
                [f"{k} articles" if k != "none" else "none" for k in sizes],
                list(sizes.values()),
                title="Duplicate clusters by size (kept + removed)",
            ),
        ),
        "</div>",
        _duplicate_samples(out, run),
    ]
    lsh = run.get("lsh", {})
    lead = (
        f"LSH {lsh.get('bands', '?')} bands × {lsh.get('rows', '?')} rows; every candidate is "
        "verified before anything is removed."
    )
    if not dedup:
        lead += f" {OLDER.capitalize()} has no similarity statistics: the charts are empty."
    return _section("Duplicates", parts, lead)


def _duplicate_samples(out: Path, run: dict[str, Any]) -> str:
    parts = [out / part["path"] for part in run.get("outputs", {}).get("duplicates", [])]
    # The least similar copies removed are the ones worth a look.
    picked = first_sorted([p for p in parts if p.is_file()], ["similarity", "article_id"], SAMPLES)
    if not picked:
        return ""
    kept = {
        str(r["article_id"]): r
        for r in dataset_lookup(
            out / "articles",
            "article_id",
            sorted({str(r["duplicate_of"]) for r in picked}),
            ["article_id", "source", "record", "title", "text"],
        )
    }
    blocks = []
    for dup in picked:
        original = kept.get(str(dup["duplicate_of"]))
        kept_html = (
            f"<h5>kept: {_e(original['title'])}</h5><small>{_e(original['source'])}"
            f"#{original['record']}</small><p>{_e(_excerpt(str(original['text'])))}</p>"
            if original
            else f"<h5>kept by an earlier run</h5><small>{_e(dup['duplicate_of'])}</small>"
        )
        blocks.append(
            f'<div class="sample"><h4>{_e(dup["method"])} copy, similarity '
            f'{dup["similarity"]:.2f}</h4><div class="pair"><div><h5>removed: '
            f"{_e(dup.get('title') or '')}</h5><small>{_e(dup['source'])}#{dup['record']}"
            f"</small></div><div>{kept_html}</div></div></div>"
        )
    return "<h3>Removed copies, least similar first</h3>" + "".join(blocks)


def _timings(run: dict[str, Any]) -> str:
    timings = run.get("timings_s", {}) or {"none": 0.0}
    records = run.get("counts", {}).get("records_in", 0)
    seconds = sum(timings.values())
    chart = _chart(
        "timings",
        charts.bars(
            "timings",
            list(timings),
            list(timings.values()),
            title="Seconds per stage",
            fmt="{:.3f} s",
        ),
    )
    rate = f"{records / seconds:,.0f} records/s" if seconds else "–"
    return _section("Timings", [chart], f"{seconds:.2f} s in all; {rate}.")


def _trends(runs: list[dict[str, Any]], run: dict[str, Any]) -> str:
    labels = [f"{m['run_date']}" for m in runs]
    current = next(i for i, m in enumerate(runs) if m["run_id"] == run["run_id"])
    metrics: list[tuple[str, str, list[float], bool]] = [
        ("trend-articles", "Articles kept", [_count(m, "articles") for m in runs], False),
        ("trend-duplicates", "Duplicate rate", [_rate(m, "duplicates") for m in runs], True),
        ("trend-rejects", "Reject rate", [_rate(m, "rejects") for m in runs], True),
        ("trend-removed", "Words removed", [_removed_share(m) for m in runs], True),
    ]
    parts = ['<div class="row">']
    flagged: list[str] = []
    for name, title, values, percent in metrics:
        odd = outliers(values)
        flagged += [f"{title.lower()} on {labels[i]} ({runs[i]['run_id']})" for i in odd]
        parts.append(
            _chart(
                name,
                charts.trend(
                    name,
                    labels,
                    values,
                    title=title,
                    current=current,
                    outliers=odd,
                    percent=percent,
                ),
            )
        )
    parts.append("</div>")
    note = (
        "Stands out: " + "; ".join(flagged) + "."
        if flagged
        else f"{len(runs)} run(s); none stands out from the others."
    )
    return _section("Across runs", parts, note + " The ringed point is this run.")


def outliers(values: Sequence[float]) -> list[int]:
    """Indexes of values far from the median of the others (robust: median absolute deviation).

    >>> outliers([100, 104, 98, 101, 99, 12])
    [5]
    >>> outliers([1, 2, 3])
    []
    """
    found = []
    for i, value in enumerate(values):
        others = [v for j, v in enumerate(values) if j != i]
        if len(others) < MIN_RUNS_FOR_OUTLIERS:
            continue
        median = statistics.median(others)
        mad = 1.4826 * statistics.median(abs(v - median) for v in others)
        if abs(value - median) > max(OUTLIER_MADS * mad, OUTLIER_FLOOR * abs(median), 1e-9):
            found.append(i)
    return found


# --- helpers ----------------------------------------------------------------------------------


def _count(m: dict[str, Any], key: str) -> float:
    return float(m.get("counts", {}).get(key, 0))


def _rate(m: dict[str, Any], key: str) -> float:
    records = _count(m, "records_in")
    return _count(m, key) / records if records else 0.0


def _removed_share(m: dict[str, Any]) -> float:
    text = m.get("text", {})
    return text.get("words_removed", 0) / text["words_in"] if text.get("words_in") else 0.0


def _known(value: object, fmt: str) -> str:
    """``value`` formatted, or a dash when the manifest does not have it (an older one)."""
    return "–" if value is None else fmt.format(value)


def _pct(part: float, whole: float) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def _e(value: object) -> str:
    return html.escape(str(value))


def _chart(name: str, svg: str) -> str:
    return f'<figure class="chart" data-chart="{name}">{svg}</figure>'


def _section(title: str, parts: Sequence[str], lead: str = "") -> str:
    intro = f'<p class="lead">{_e(lead)}</p>' if lead else ""
    return f"<section><h2>{_e(title)}</h2>{intro}{''.join(parts)}</section>"


_STYLE = """
:root { color-scheme: light; --ink: #1f2933; --muted: #7b8794; --line: #e4e7eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #f5f7fa; }
main { max-width: 1240px; margin: 0 auto; padding: 18px 22px 40px; }
header h1 { font-size: 22px; margin: 0 0 6px; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0; color: var(--muted); }
.facts b { color: var(--ink); font-weight: 600; margin-right: 4px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px;
  margin-top: 16px; }
section h2 { font-size: 17px; margin: 0 0 4px; }
.lead { margin: 0 0 10px; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px;
  background: none; border: 0; padding: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card span { display: block; color: var(--muted); font-size: 12px; }
.card b { font-size: 18px; }
.row { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 12px; }
figure.chart { margin: 0; max-width: 640px; }
figure.chart svg { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
code { font-size: 12px; background: #f0f4f8; padding: 2px 4px; border-radius: 4px;
  word-break: break-all; }
small { color: var(--muted); }
h3 { font-size: 14px; margin: 16px 0 6px; }
.sample { border-left: 3px solid var(--line); padding: 4px 10px; margin: 8px 0; }
.sample h4 { margin: 0 0 4px; font-size: 13px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.pair h5 { margin: 0; font-size: 12px; color: var(--muted); }
.pair p, .pair ul { margin: 4px 0; font-size: 13px; }
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body><main>
{body}
</main></body>
</html>
"""
