"""Do no harm: how much of clean professional text does the cleaner keep?

Every set here is text an author or an editor published, already extracted: nothing in it is
scraper junk the cleaner should remove (apart from documented furniture such as the Reuters
``Reuter`` sign-off, which is cut from the reference before counting). The cleaner runs as the
pipeline runs it: a line census over the whole set (site = :func:`normnews.clean.census.site_of`
of the record's URL and its source path as ``normnews run`` on the set's folder would see it),
then :func:`normnews.clean.normalise` per record with the default configs.

Per article, the words of the source (after repair, the documented normalisation, so a mended
``isn #39;t`` is not a loss) are compared as a multiset with the words of the cleaned text and
the cleaned title; the share of source words found again is what was kept.

Reads ``../shared/corpora`` (or ``$NORMNEWS_CORPORA``); exits 0 with a message when absent.
Deterministic. Writes ``benchmarks/results/do_no_harm.md`` and ``.json``.

Usage: ``PYTHONPATH=src python benchmarks/do_no_harm.py [--label NAME] [--sets reuters,bbc]``
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from normnews.clean import normalise
from normnews.clean.census import LineCensus, line_keys, site_of
from normnews.clean.evidence import evidence_keys
from normnews.clean.repair import repair
from normnews.config import CleanConfig, RepairConfig

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", ROOT.parent / "shared" / "corpora"))
RESULTS = ROOT / "benchmarks" / "results"
REPAIR = RepairConfig()
CLEAN = CleanConfig()
WORD_RE = re.compile(r"\w+")
SIGNOFF_RE = re.compile(r"\s*\breuter\s*$", re.IGNORECASE)
"""Reuters-21578's documented sign-off: cut from the reference, so removing it is no loss."""
TARGETS = {"kept": 0.999, "over10": 0.002, "over50": 0}
WORST = 10


@dataclass(frozen=True, slots=True)
class Doc:
    """One record as the pipeline would read it."""

    id: str
    title: str | None
    text: str
    url: str | None
    source: str
    record: int = 0


# --- sets ------------------------------------------------------------------------------------


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _tar_files(path: Path, suffix: str, inside: str = "") -> Iterator[tuple[str, bytes]]:
    """``(member name, bytes)`` of the regular files of a tarball ending in ``suffix`` (and
    holding ``inside`` in their path), in name order."""
    with tarfile.open(path) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if member.isfile() and member.name.endswith(suffix) and inside in member.name:
                handle = tar.extractfile(member)
                assert handle is not None
                yield member.name, handle.read()


def reuters() -> list[Doc]:
    """Reuters-21578 as shipped (the JSONL); one file, no URLs, title and body fields."""
    path = CORPORA / "reuters-21578" / "reuters21578.jsonl.gz"
    out = []
    for i, doc in enumerate(_jsonl(path)):
        if doc.get("body") and doc["body"].strip():
            out.append(
                Doc(str(doc["newid"]), doc.get("title"), doc["body"], None, "reuters.jsonl", i)
            )
    return out


def bbc() -> list[Doc]:
    """The BBC raw files (``category/NNN.txt``): first line the title, as the .txt reader."""
    path = CORPORA / "bbc-news-fulltext" / "bbc-raw-data_files.tar.gz"
    out = []
    for member, data in _tar_files(path, ".txt"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        title, _, body = text.lstrip().partition("\n")
        name = "/".join(member.split("/")[-2:])
        out.append(Doc(name.removesuffix(".txt"), title.strip(), body.lstrip("\n"), None, name))
    return out


def newspaper3k() -> list[Doc]:
    """newspaper3k's expected texts (``<site><n>.txt``); the site named in the file is the
    URL host when it looks like one."""
    path = CORPORA / "newspaper3k-fixtures" / "newspaper3k-tests-data-html-text.tar.xz"
    out = []
    for member, data in _tar_files(path, ".txt", "/text/"):
        text = data.decode("utf-8", "replace")
        name = member.rsplit("/", 1)[-1].removesuffix(".txt")
        host = name.rstrip("0123456789")
        url = f"http://{host}/" if "." in host else None
        out.append(Doc(name, None, text, url, f"newspaper3k/{name}.txt"))
    return out


def goose3() -> list[Doc]:
    """goose3's expected title and cleaned_text per fixture, with the fixture's URL."""
    path = CORPORA / "goose3-fixtures" / "goose3-tests-data-content.tar.xz"
    out = []
    for member, data in _tar_files(path, ".json"):
        doc = json.loads(data.decode("utf-8"))
        expected = doc.get("expected", {})
        text = expected.get("cleaned_text") or ""
        if text.strip():
            name = member.rsplit("/", 1)[-1].removesuffix(".json")
            out.append(
                Doc(name, expected.get("title"), text, doc.get("url"), "goose3.jsonl", len(out))
            )
    return out


def l3s() -> list[Doc]:
    """L3S-GN1: the human-labelled full-text blocks of each page, one paragraph per block."""
    path = CORPORA / "l3s-gn1-news-boilerplate" / "l3s-gn1-labelled-blocks.jsonl.gz"
    out = []
    for i, doc in enumerate(_jsonl(path)):
        blocks = [b["text"].strip() for b in doc.get("blocks", []) if b.get("label") == "fulltext"]
        text = "\n\n".join(b for b in blocks if b)
        if text:
            out.append(Doc(doc["id"], doc.get("headline"), text, doc.get("url"), "l3s.jsonl", i))
    return out


def tgcontest() -> list[Doc]:
    """tgcontest article texts (EN and RU pools), each URL once, with its title."""
    folder = CORPORA / "tgcontest-thread-pairs"
    csv.field_size_limit(1 << 30)
    seen: dict[str, Doc] = {}
    for name in ("en_train_pool", "ru_train_pool", "ru_exam_pool", "ru_honey_pool"):
        with (folder / f"{name}.tsv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                for side in ("first", "second"):
                    url = row.get(f"INPUT:{side}_url") or ""
                    text = row.get(f"INPUT:{side}_text") or ""
                    if url and text.strip() and url not in seen:
                        title = row.get(f"INPUT:{side}_title")
                        seen[url] = Doc(url, title, text, url, f"{name}.tsv", len(seen))
    return list(seen.values())


SETS = {
    "reuters": ("Reuters-21578 (JSONL as shipped)", reuters),
    "bbc": ("BBC raw files", bbc),
    "newspaper3k": ("newspaper3k expected texts", newspaper3k),
    "goose3": ("goose3 cleaned texts", goose3),
    "l3s": ("L3S-GN1 full-text blocks", l3s),
    "tgcontest": ("tgcontest article texts (EN+RU)", tgcontest),
}


# --- measurement -----------------------------------------------------------------------------


def words(text: str) -> Counter[str]:
    return Counter(WORD_RE.findall(text.lower()))


def reference(doc: Doc, set_name: str) -> str:
    text = repair(doc.text, REPAIR)[0]
    if set_name == "reuters":
        text = SIGNOFF_RE.sub("", text)
    return text


def site(doc: Doc) -> str:
    return site_of(doc.url, doc.source)


def measure(set_name: str, docs: list[Doc]) -> dict[str, Any]:
    census = LineCensus()
    for doc in docs:
        keys = line_keys(doc.text, max_words=CLEAN.boilerplate_max_words)
        census.add(keys + evidence_keys(doc.text, doc.title), site(doc))
    frequent = census.frequent(CLEAN)
    total = kept_total = 0
    rows = []
    steps: Counter[str] = Counter()
    start = time.perf_counter()
    for doc in docs:
        out = normalise(
            doc.title, doc.text, repair=REPAIR, clean=CLEAN, frequent=frequent, url=doc.url
        )
        ref = words(reference(doc, set_name))
        got = words(out.text) + words(out.title)
        n = sum(ref.values())
        if not n:
            continue
        kept = sum((ref & got).values())
        total += n
        kept_total += kept
        lost = n - kept
        if lost:
            removing = [e for e in out.edits if e.step not in ("repair", "reflow")]
            steps.update({e.step for e in removing})
            rows.append(
                {
                    "id": doc.id,
                    "words": n,
                    "lost": lost,
                    "share": lost / n,
                    "lost_words": sorted((ref - got).elements())[:12],
                    "edits": [f"[{e.step}] {e.detail}"[:200] for e in removing][:6],
                }
            )
    seconds = time.perf_counter() - start
    articles = len(docs)
    rows.sort(key=lambda r: (-r["share"], -r["lost"], r["id"]))
    over10 = [r for r in rows if r["share"] > 0.10]
    over50 = [r for r in rows if r["share"] > 0.50]
    return {
        "name": SETS[set_name][0],
        "articles": articles,
        "words": total,
        "kept": kept_total / total if total else 1.0,
        "articles_losing_words": len(rows),
        "over10": len(over10),
        "over10_share": len(over10) / articles if articles else 0.0,
        "over50": len(over50),
        "steps_in_losing_articles": dict(steps.most_common()),
        "frequent_lines": len(frequent),
        "normalise_seconds": round(seconds, 2),
        "worst": rows[:WORST],
    }


def verdict(row: dict[str, Any]) -> bool:
    return (
        row["kept"] >= TARGETS["kept"]
        and row["over10_share"] <= TARGETS["over10"]
        and row["over50"] <= TARGETS["over50"]
    )


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "# Do no harm: words kept on clean professional text",
        "",
        f"- command: `{res['command']}`",
        f"- label: {res['label']}; commit {res['commit']}",
        f"- date: {res['date']}",
        f"- machine: {res['machine']}",
        "- config: default `RepairConfig()` / `CleanConfig()`; census over each whole set",
        "- measure: word multiset of the repaired source (Reuters: trailing `Reuter` sign-off cut)"
        " vs words of the cleaned title + text",
        f"- targets per set: ≥ {TARGETS['kept']:.1%} words kept, ≤ {TARGETS['over10']:.1%} of "
        "articles losing > 10%, none losing > 50%",
        "",
        "| set | articles | words | kept | articles losing any | > 10% | > 10% share | > 50% "
        "| met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in res["sets"].values():
        lines.append(
            f"| {row['name']} | {row['articles']} | {row['words']} | {row['kept']:.3%} | "
            f"{row['articles_losing_words']} | {row['over10']} | {row['over10_share']:.2%} | "
            f"{row['over50']} | {'yes' if verdict(row) else 'no'} |"
        )
    for row in res["sets"].values():
        lines += [
            "",
            f"## {row['name']}: worst {WORST}",
            "",
            f"Steps in articles that lost words: {row['steps_in_losing_articles']}; "
            f"census lines called frequent: {row['frequent_lines']}.",
            "",
        ]
        for r in row["worst"]:
            lines.append(
                f"- `{r['id']}`: lost {r['lost']}/{r['words']} words ({r['share']:.1%}); "
                f"lost: {' '.join(r['lost_words'])}"
            )
            for edit in r["edits"]:
                lines.append(f"  - {edit}")
    notes = res.get("notes")
    if notes:
        lines += ["", "## Notes", "", notes]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="HEAD")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--out", default="do_no_harm", help="results file stem")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"corpora not found at {CORPORA}; nothing to measure", file=sys.stderr)
        return 0
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    res: dict[str, Any] = {
        "command": "PYTHONPATH=src python " + " ".join(["benchmarks/do_no_harm.py", *sys.argv[1:]]),
        "label": args.label,
        "commit": commit,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": (
            f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "sets": {},
    }
    for name in args.sets.split(","):
        docs = SETS[name][1]()
        res["sets"][name] = row = measure(name, docs)
        print(
            f"{name}: {row['articles']} articles, kept {row['kept']:.4%}, >10% {row['over10']} "
            f"({row['over10_share']:.2%}), >50% {row['over50']}, {row['normalise_seconds']} s",
            file=sys.stderr,
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    notes = RESULTS / f"{args.out}.notes.md"
    if notes.exists():
        res["notes"] = notes.read_text(encoding="utf-8")
    (RESULTS / f"{args.out}.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    (RESULTS / f"{args.out}.md").write_text(markdown(res), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
