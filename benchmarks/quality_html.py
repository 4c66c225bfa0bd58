"""HTML input end to end: Scrapinghub article bodies and readability-test-pages titles.

Reads ``../shared/corpora`` (or ``$NORMNEWS_CORPORA``); exits 0 with a message when absent.
Writes ``benchmarks/results/quality_html.md`` and ``.json``.

Measures:

- **scrapinghub-article-extraction from HTML**: ``normnews run`` on the 181 pages as shipped
  (``html/<id>.html.gz``), the ``text`` column scored against the gold ``articleBody`` with the
  benchmark's metric (``quality_clean.tp_fp_fn``/``prf``), next to trafilatura alone
  (``normnews.ingest.html.extract`` on the same pages, no cleaning) and to trafilatura's
  published figure (F1 0.958). Reported for all pages and for the two halves (even / odd
  position in sorted id order); nothing here was tuned on either half.
- **readability-test-pages titles**: ``normnews run`` on every ``source.html``; the ``title``
  column against ``expected-metadata.json``'s ``title`` (whitespace-normalised, exact).
- **HTML throughput**: pages per second of the scrapinghub run (wall clock, 1 worker).

Usage: ``PYTHONPATH=src python benchmarks/quality_html.py``
"""

from __future__ import annotations

import gzip
import json
import platform
import re
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from normnews.config import load_config
from normnews.ingest.html import extract
from normnews.pipeline import run
from quality_clean import CORPORA, RESULTS, prf, tp_fp_fn

PUBLISHED_TRAFILATURA_F1 = 0.958


def _articles(out: Path) -> list[dict[str, Any]]:
    files = sorted(out.glob("articles/**/*.parquet"))
    rows: list[dict[str, Any]] = []
    for f in files:
        rows.extend(pq.read_table(f, columns=["source", "title", "text"]).to_pylist())
    return rows


def _run(inp: Path, out: Path) -> tuple[list[dict[str, Any]], float]:
    config = load_config(None, input_dir=inp, out_dir=out, workers=1, **{"dedup.enabled": False})
    start = time.perf_counter()
    run(config)
    return _articles(out), time.perf_counter() - start


def scrapinghub(work: Path) -> dict[str, Any]:
    base = CORPORA / "scrapinghub-article-extraction"
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    rows, seconds = _run(base / "html", work / "sh-out")
    ours = {r["source"].split(".", 1)[0]: r["text"] for r in rows}
    keys = sorted(truth)
    alone: dict[str, str] = {}
    for key in keys:
        with gzip.open(base / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as fh:
            page = extract(fh.read(), truth[key].get("url"))
        alone[key] = page.text if page else ""

    def score(pred: dict[str, str], subset: list[str]) -> dict[str, float]:
        return prf([tp_fp_fn(truth[k].get("articleBody", ""), pred.get(k, "")) for k in subset])

    halves = {"all": keys, "even": keys[0::2], "odd": keys[1::2]}
    return {
        "pages": len(keys),
        "articles_written": len(rows),
        "normnews_run": {name: score(ours, ks) for name, ks in halves.items()},
        "trafilatura_alone": {name: score(alone, ks) for name, ks in halves.items()},
        "published_trafilatura_f1": PUBLISHED_TRAFILATURA_F1,
        "run_seconds": seconds,
        "pages_per_second": len(keys) / seconds,
    }


def readability_titles(work: Path) -> dict[str, Any]:
    with tarfile.open(CORPORA / "readability-test-pages" / "readability-test-pages.tar.xz") as tar:
        tar.extractall(work / "rd", filter="data")
    inp = work / "rd-in"
    inp.mkdir()
    expected: dict[str, str] = {}
    for source in sorted((work / "rd").rglob("source.html")):
        meta_path = source.parent / "expected-metadata.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        if not meta.get("title"):
            continue
        shutil.copy(source, inp / f"{source.parent.name}.html")
        expected[source.parent.name] = " ".join(str(meta["title"]).split())
    rows, _ = _run(inp, work / "rd-out")
    got = {r["source"].rsplit(".", 1)[0]: " ".join((r["title"] or "").split()) for r in rows}
    right = sum(got.get(k) == v for k, v in expected.items())
    # Readability keeps the site name in many expected titles ("Mozilla - Wikipedia"); a title
    # that is the expected one with a site-name part before or after it dropped is counted
    # separately, never mixed into the exact figure.
    part = sum(_is_part(got.get(k) or "", v) for k, v in expected.items())
    misses = sorted(k for k, v in expected.items() if got.get(k) != v)
    return {
        "pages_with_expected_title": len(expected),
        "articles_written": len(rows),
        "title_exact": right / len(expected) if expected else 0.0,
        "title_exact_or_site_part_dropped": part / len(expected) if expected else 0.0,
        "misses": misses,
    }


def _is_part(got: str, expected: str) -> bool:
    """``got`` is ``expected``, or ``expected`` minus a leading or trailing part cut at a
    separator (`` - ``, `` | ``, `` _ ``, `` [``, `` · ``, `` — ``)."""
    if got == expected:
        return True
    if not got or len(got) < 0.4 * len(expected):
        return False
    rest = expected.removeprefix(got) if expected.startswith(got) else None
    if rest is None and expected.endswith(got):
        rest = expected.removesuffix(got)
    return (
        rest is not None
        and re.fullmatch(r"\s*(?:[-|_·—:\[]).*|.*(?:[-|_·—:\]])\s*", rest) is not None
    )


def markdown(res: dict[str, Any]) -> str:
    sh, rd = res["scrapinghub"], res["readability_titles"]
    lines = [
        "# HTML input quality",
        "",
        f"Run {res['date']} on {res['machine']}; command: `{res['command']}`.",
        "",
        f"## Scrapinghub article extraction from HTML ({sh['pages']} pages, "
        f"{sh['articles_written']} articles written)",
        "",
        "| what | half | precision | recall | F1 |",
        "|---|---|---|---|---|",
    ]
    for label, key in (
        ("normnews run (trafilatura + cleaning)", "normnews_run"),
        (
            "trafilatura alone (our settings)",
            "trafilatura_alone",
        ),
    ):
        for half, m in sh[key].items():
            lines.append(
                f"| {label} | {half} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |"
            )
    lines += [
        "| trafilatura 2.0.0, published | all | 0.938 | 0.978 | "
        f"{sh['published_trafilatura_f1']} |",
        "",
        f"HTML throughput: {sh['pages_per_second']:.1f} pages/s ({sh['run_seconds']:.1f} s for "
        f"{sh['pages']} pages, 1 worker, extraction in the reading process, shared 2-core box).",
        "",
        f"## readability-test-pages titles ({rd['pages_with_expected_title']} pages)",
        "",
        f"Title exactly right (whitespace-normalised): {rd['title_exact']:.1%}; exactly right "
        "or the expected title with a site-name part (after/before a separator) dropped: "
        f"{rd['title_exact_or_site_part_dropped']:.1%}. "
        f"Misses: {', '.join(rd['misses']) or 'none'}.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    if not (CORPORA / "scrapinghub-article-extraction").exists():
        print(f"corpora not found under {CORPORA}; nothing measured")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        res: dict[str, Any] = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.machine()}, Python {platform.python_version()}",
            "command": "PYTHONPATH=src python benchmarks/quality_html.py",
            "scrapinghub": scrapinghub(work),
            "readability_titles": readability_titles(work),
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality_html.json").write_text(json.dumps(res, indent=2) + "\n")
    (RESULTS / "quality_html.md").write_text(markdown(res))
    print(markdown(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
