"""What the per-article dedup evidence costs in a worker, and whether a new version is equal.

Times, per article and in the worker's order, on cleaned texts of the throughput corpus
(``dedup_stage.py``'s cache: the first ``--n`` of its articles), BBC and Reuters-21578:

* ``sign``: ``Signer.sign`` alone (the MinHash signature, as before issue 11);
* ``evidence``: what the evidence adds: ``Signer.sign_with(texts, maker.edit_signer)`` minus
  ``sign``, plus ``EvidenceMaker.rows`` given the keys, normal forms and edit signatures;
* ``baseline``: with ``--baseline FILE`` (an older ``evidence.py``, e.g.
  ``git show 26cff79:src/normnews/dedup/evidence.py > /tmp/evidence_old.py``), that
  version's ``rows`` given keys and normal forms (it signs the bigrams itself), and whether
  its rows equal this version's on every article.

Batches of 256 as in the pipeline, best of ``--repeat``, all variants interleaved in one
process so that they see the same machine load.

Usage: ``PYTHONPATH=src python benchmarks/evidence_cost.py [--baseline FILE] [--n 8192]``;
writes ``benchmarks/results/evidence_cost.json``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import pickle
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from normnews.clean import normalise
from normnews.config import CleanConfig, DedupConfig, RepairConfig
from normnews.dedup import EvidenceMaker, Signer

HERE = Path(__file__).resolve().parent
CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", HERE.parents[1] / "shared" / "corpora"))
BATCH = 256


def corpus(path: Path, limit: int) -> tuple[list[str | None], list[str]]:
    titles: list[str | None] = []
    texts: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if not rec.get("body"):
                continue
            res = normalise(
                rec.get("title"), rec["body"], repair=RepairConfig(), clean=CleanConfig()
            )
            if res.text.strip():
                titles.append(res.title)
                texts.append(res.text)
            if len(texts) >= limit:
                break
    return titles, texts


def measure(name: str, titles: list[str | None], texts: list[str], old: Any, repeat: int) -> dict:
    cfg = DedupConfig()
    signer, maker = Signer(cfg), EvidenceMaker(cfg)
    old_maker = old.EvidenceMaker(cfg) if old is not None else None
    batches = [(titles[s : s + BATCH], texts[s : s + BATCH]) for s in range(0, len(texts), BATCH)]
    best: dict[str, float] = {}
    equal = True
    for _ in range(repeat):
        times = {"sign": 0.0, "sign_with": 0.0, "rows": 0.0, "baseline_rows": 0.0}
        for bt, bx in batches:
            t0 = time.perf_counter()
            signer.sign(bx)
            t1 = time.perf_counter()
            _, keys, norms, edit = signer.sign_with(bx, maker.edit_signer)
            t2 = time.perf_counter()
            rows = maker.rows(bt, bx, keys, norms, edit)
            t3 = time.perf_counter()
            times["sign"] += t1 - t0
            times["sign_with"] += t2 - t1
            times["rows"] += t3 - t2
            if old_maker is not None:
                t4 = time.perf_counter()
                before = old_maker.rows(bt, bx, keys, norms)
                times["baseline_rows"] += time.perf_counter() - t4
                equal = equal and bool(np.array_equal(before, rows))
        for key, value in times.items():
            best[key] = min(best.get(key, value), value)
    n = len(texts)
    out = {
        "articles": n,
        "mean_chars": round(sum(map(len, texts)) / n),
        "sign_us": round(best["sign"] / n * 1e6, 1),
        "evidence_us": round((best["sign_with"] - best["sign"] + best["rows"]) / n * 1e6, 1),
    }
    if old is not None:
        out["baseline_evidence_us"] = round(best["baseline_rows"] / n * 1e6, 1)
        out["rows_equal_to_baseline"] = equal
    print(name, out, flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", type=Path, default=None)
    ap.add_argument("--n", type=int, default=8192)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    old = None
    if args.baseline is not None:
        spec = importlib.util.spec_from_file_location("evidence_baseline", args.baseline)
        assert spec is not None and spec.loader is not None
        old = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(old)
    sets = {}
    cache = HERE / "work" / "dedup_stage_cleaned_100000.pkl"
    if cache.exists():
        with cache.open("rb") as fh:
            titles, texts = pickle.load(fh)  # our own file, written by dedup_stage.py
        sets["throughput"] = (titles[: args.n], texts[: args.n])
    sets["bbc"] = corpus(CORPORA / "bbc-news-fulltext" / "bbc-news-2225.jsonl.gz", 10**9)
    sets["reuters"] = corpus(CORPORA / "reuters-21578" / "reuters21578.jsonl.gz", args.n)
    result = {
        "command": "PYTHONPATH=src python benchmarks/evidence_cost.py"
        + (f" --baseline {args.baseline}" if args.baseline else "")
        + f" --n {args.n} --repeat {args.repeat}",
        "machine": f"{platform.machine()} python {platform.python_version()}, "
        f"{os.cpu_count()} cores (shared with other jobs while measured)",
        "batch": BATCH,
        "sets": {name: measure(name, t, x, old, args.repeat) for name, (t, x) in sets.items()},
    }
    (HERE / "results" / "evidence_cost.json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
