"""The dedup stage on the throughput corpus: what the evidence costs, per article and in resolve.

Generates (or reuses) the throughput benchmark's corpus of N articles with
``benchmarks/throughput/corpus.py`` (generation only; the throughput benchmark itself is not
run), cleans every text with ``normnews.clean.normalise`` (no line census), and then measures,
in this one process on the same cleaned texts:

* per article, in the worker's place: signing (``Signer.signatures_and_keys``) and what the
  evidence adds to it (``Signer.sign_with`` and ``EvidenceMaker.rows``, as ``process.py``
  calls them, less signing), in microseconds per article;
* the dedup stage as the pipeline times it (``Deduper.add_batch`` of every batch, then
  ``resolve``), with evidence (this version's default) and without it (``evidence=None``: the
  signature rule alone over the MinHash bands, i.e. the decisions before issue 11 with the
  sentence bands keyed on exact copies only);
* the decisions of both, so the extra copies are counted.

With ``--baseline-src DIR`` (a checkout's ``src`` of the version before, e.g. from
``git archive 6141b7c src``), the same signatures also go through that version's ``Deduper``
in a subprocess: the stage's time *before* this change, on the same machine and data.

Usage: ``PYTHONPATH=src python benchmarks/dedup_stage.py [--n 100000] [--baseline-src DIR]``;
writes ``benchmarks/results/dedup_stage.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from normnews.clean import normalise
from normnews.config import CleanConfig, DedupConfig, RepairConfig
from normnews.dedup import Deduper, EvidenceMaker, Signer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "throughput"))
import corpus as throughput_corpus  # noqa: E402

CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", HERE.parents[1] / "shared" / "corpora"))
WORK = HERE / "work"
BATCH = 256
REPAIR, CLEAN = RepairConfig(), CleanConfig()


def texts_of(n: int) -> tuple[list[str | None], list[str]]:
    folder, _ = throughput_corpus.generate(CORPORA, WORK, n)
    cache = WORK / f"dedup_stage_cleaned_{n}.pkl"
    if cache.exists():
        with cache.open("rb") as fh:
            cached: tuple[list[str | None], list[str]] = pickle.load(fh)  # our own file
        return cached
    titles: list[str | None] = []
    texts: list[str] = []
    for shard in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                res = normalise(
                    rec["title"], rec["text"], repair=RepairConfig(), clean=CleanConfig()
                )
                if res.text.strip():
                    titles.append(res.title)
                    texts.append(res.text)
    with cache.open("wb") as fh:
        pickle.dump((titles, texts), fh)
    return titles, texts


def stage(
    cfg: DedupConfig, sigs: np.ndarray, keys: list[int], ev: np.ndarray | None, lengths: list[int]
) -> tuple[float, float, dict[int, object]]:
    t0 = time.perf_counter()
    d = Deduper(cfg)
    for s in range(0, len(keys), BATCH):
        k = len(keys[s : s + BATCH])
        d.add_batch(
            [f"a{s + i}" for i in range(k)],
            keys[s : s + BATCH],
            sigs[s : s + BATCH],
            [None] * k,
            lengths[s : s + BATCH],
            None if ev is None else ev[s : s + BATCH],
        )
    t1 = time.perf_counter()
    out = d.resolve()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, dict(out)


_BASELINE = """
import sys, time, numpy as np
from normnews.config import DedupConfig
from normnews.dedup import Deduper
data = np.load(sys.argv[1])
sigs, keys, lengths = data["sigs"], data["keys"].tolist(), data["lengths"].tolist()
best = None
for _ in range(3):
    t0 = time.perf_counter()
    d = Deduper(DedupConfig())
    for s in range(0, len(keys), 256):
        k = len(keys[s : s + 256])
        d.add_batch([f"a{s + i}" for i in range(k)], keys[s : s + 256], sigs[s : s + 256],
                    [None] * k, lengths[s : s + 256])
    t1 = time.perf_counter()
    out = d.resolve()
    t2 = time.perf_counter()
    if best is None or t2 - t0 < best[0] + best[1]:
        best = (t1 - t0, t2 - t1, len(out))
print(best[0], best[1], best[2])
"""


def baseline(src: Path, sigs: np.ndarray, keys: list[int], lengths: list[int]) -> dict:
    import subprocess

    npz = WORK / "dedup_stage_arrays.npz"
    np.savez(npz, sigs=sigs, keys=np.array(keys, dtype=np.uint64), lengths=np.array(lengths))
    env = {**os.environ, "PYTHONPATH": str(src)}
    res = subprocess.run(
        [sys.executable, "-c", _BASELINE, str(npz)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    add_s, resolve_s, removed = res.stdout.split()
    npz.unlink()
    return {
        "src": str(src),
        "add_s": round(float(add_s), 3),
        "resolve_s": round(float(resolve_s), 3),
        "stage_s": round(float(add_s) + float(resolve_s), 3),
        "removed": int(removed),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--baseline-src", type=Path, default=None)
    args = ap.parse_args()
    cfg = DedupConfig()
    t0 = time.perf_counter()
    titles, texts = texts_of(args.n)
    clean_s = time.perf_counter() - t0
    signer, maker = Signer(cfg), EvidenceMaker(cfg)
    t0 = time.perf_counter()
    sig_parts, keys = [], []
    for s in range(0, len(texts), BATCH):
        sg, kk = signer.signatures_and_keys(texts[s : s + BATCH])
        sig_parts.append(sg)
        keys += kk
    sign_s = time.perf_counter() - t0
    # As the worker does (process.py): one pass signs both shingle sizes, then the rows.
    t0 = time.perf_counter()
    parts = []
    for s in range(0, len(texts), BATCH):
        _, kk, norms, edit = signer.sign_with(texts[s : s + BATCH], maker.edit_signer)
        parts.append(maker.rows(titles[s : s + BATCH], texts[s : s + BATCH], kk, norms, edit))
    ev = np.concatenate(parts)
    evidence_s = time.perf_counter() - t0 - sign_s
    sigs = np.concatenate(sig_parts)
    lengths = [len(t) for t in texts]
    runs = {}
    for name, rows in (("with_evidence", ev), ("signatures_only", None)):
        best = None
        for _ in range(3):
            add_s, resolve_s, out = stage(cfg, sigs, keys, rows, lengths)
            if best is None or add_s + resolve_s < best[0] + best[1]:
                best = (add_s, resolve_s, out)
        assert best is not None
        runs[name] = {
            "add_s": round(best[0], 3),
            "resolve_s": round(best[1], 3),
            "stage_s": round(best[0] + best[1], 3),
            "removed": len(best[2]),
            "removed_by_reason": dict(Counter(m.reason for m in best[2].values())),  # type: ignore[attr-defined]
        }
    if args.baseline_src is not None:
        runs["before_this_change"] = baseline(args.baseline_src, sigs, keys, lengths)
    n = len(texts)
    result = {
        "command": "PYTHONPATH=src python benchmarks/dedup_stage.py --n "
        + str(args.n)
        + (f" --baseline-src {args.baseline_src}" if args.baseline_src else ""),
        "machine": f"{platform.machine()} python {platform.python_version()}, "
        f"{os.cpu_count()} cores (shared with other jobs while measured)",
        "articles": n,
        "clean_s_not_part_of_the_measure": round(clean_s, 1),
        "per_article_us": {
            "sign": round(sign_s / n * 1e6, 1),
            "evidence": round(evidence_s / n * 1e6, 1),
        },
        "dedup_stage": runs,
        "best_of": 3,
    }
    (HERE / "results" / "dedup_stage.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
