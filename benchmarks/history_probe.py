"""Scale benchmark for dedup state: history probe and Deduper memory per article.

1. Writes a synthetic history of N_HISTORY (default 1,000,000) signatures with
   ``PartitionWriter`` into a temp dir (10 daily partitions), then, in a fresh subprocess,
   probes 50,000 new articles against it (10% are near copies of history rows) through
   ``Deduper.resolve`` and records wall time and peak RSS of that process.
2. In fresh subprocesses, adds 100k / 300k / 1M synthetic articles (1% near copies) to a
   ``Deduper`` with a spill directory and records peak RSS and time of add + resolve.

Synthetic signatures are random uint32 rows: the costs measured here (streaming, band keys,
sorting, memory) do not depend on the text. Usage::

    PYTHONPATH=src python benchmarks/history_probe.py [--history N] [--sizes 100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from normnews.config import DedupConfig
from normnews.dedup import Deduper, HistoryIndex, PartitionWriter

RESULTS = Path(__file__).parent / "results"
CFG = DedupConfig()
DAY0 = date(2026, 1, 1)


def _peak_mb() -> float:
    """Peak RSS of this process image (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _near_copies(rng: np.random.Generator, sigs: np.ndarray) -> np.ndarray:
    """Copies with ~8% of positions changed (estimated Jaccard ~0.92)."""
    out = sigs.copy()
    mask = rng.random(out.shape) < 0.08
    out[mask] = rng.integers(0, 2**32, size=int(mask.sum()), dtype=np.uint32)
    return out


def write_history(state: Path, n: int) -> dict[str, float]:
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    per_day = n // 10
    for d in range(10):
        w = PartitionWriter(state, DAY0 + timedelta(days=d), CFG)
        for start in range(0, per_day, 100_000):
            k = min(100_000, per_day - start)
            base = d * per_day + start
            sigs = rng.integers(0, 2**32, size=(k, CFG.num_perm), dtype=np.uint32)
            w.write(
                [f"h{base + i:09d}" for i in range(k)],
                rng.integers(0, 2**63, size=k, dtype=np.uint64),
                sigs,
            )
        w.close()
    size = sum(p.stat().st_size for p in (state / "history").rglob("*.parquet"))
    return {"write_s": time.perf_counter() - t0, "history_bytes": size}


def probe(state: Path, n_new: int) -> dict[str, float]:
    rng = np.random.default_rng(2)
    t0 = time.perf_counter()
    history = HistoryIndex.open(state, CFG, before=DAY0 + timedelta(days=30))
    n_hist = len(history)
    # 10% near copies of random history rows: read those rows back (ids are h%09d).
    pick = np.sort(rng.choice(n_hist, size=n_new // 10, replace=False))
    _, hist_sigs = history._fetch(pick.astype(np.int64))
    sigs = np.concatenate(
        [
            _near_copies(rng, hist_sigs),
            rng.integers(0, 2**32, size=(n_new - len(pick), CFG.num_perm), dtype=np.uint32),
        ]
    )
    t1 = time.perf_counter()
    d = Deduper(CFG, history=history)
    for s in range(0, n_new, 10_000):
        k = len(sigs[s : s + 10_000])
        d.add_batch(
            [f"n{s + i}" for i in range(k)],
            rng.integers(0, 2**63, size=k, dtype=np.uint64).tolist(),
            sigs[s : s + 10_000],
            [None] * k,
            [100] * k,
        )
    out = d.resolve()
    t2 = time.perf_counter()
    found = sum(1 for i, m in out.items() if i < len(pick) and m.duplicate_of == f"h{pick[i]:09d}")
    return {
        "history_rows": n_hist,
        "new": n_new,
        "planted": len(pick),
        "found": found,
        "removed": len(out),
        "probe_resolve_s": t2 - t1,
        "setup_s": t1 - t0,
        "peak_rss_mb": _peak_mb(),
    }


def deduper_memory(n: int, spill: Path) -> dict[str, float]:
    rng = np.random.default_rng(3)
    base_rss = _peak_mb()
    t0 = time.perf_counter()
    d = Deduper(CFG, spill_dir=spill)
    batch = 10_000
    planted = 0
    prev = np.empty((0, CFG.num_perm), dtype=np.uint32)
    for s in range(0, n, batch):
        sigs = rng.integers(0, 2**32, size=(batch, CFG.num_perm), dtype=np.uint32)
        if s:
            sigs[:100] = _near_copies(rng, prev[:100])
            planted += 100
        prev = sigs
        d.add_batch(
            [f"{s + i:016x}" for i in range(batch)],
            rng.integers(0, 2**63, size=batch, dtype=np.uint64).tolist(),
            sigs,
            [None] * batch,
            [1000] * batch,
        )
    t1 = time.perf_counter()
    after_add = _peak_mb()
    out = d.resolve()
    t2 = time.perf_counter()
    d.close()
    return {
        "articles": n,
        "planted": planted,
        "removed": len(out),
        "add_s": t1 - t0,
        "resolve_s": t2 - t1,
        "peak_rss_mb": _peak_mb(),
        "rss_after_add_mb": after_add,
        "baseline_rss_mb": base_rss,
        "bytes_per_article": (_peak_mb() - base_rss) * 1024 * 1024 / n,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--history", type=int, default=1_000_000)
    ap.add_argument("--new", type=int, default=50_000)
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, path = args.child
        res = (
            probe(Path(path), args.new)
            if kind == "probe"
            else deduper_memory(int(kind), Path(path))
        )
        print(json.dumps(res))
        return
    me = [sys.executable, __file__]
    results: dict[str, object] = {
        "machine": f"{platform.machine()} {platform.processor()} "
        f"python {platform.python_version()}",
        "config": {"num_perm": CFG.num_perm},
    }
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "_state"
        results["write"] = write_history(state, args.history)
        out = subprocess.run(
            [*me, "--new", str(args.new), "--child", "probe", str(state)],
            check=True,
            capture_output=True,
            text=True,
        )
        results["probe"] = json.loads(out.stdout.splitlines()[-1])
    mem = []
    for n in [int(x) for x in args.sizes.split(",") if x]:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                [*me, "--child", str(n), tmp], check=True, capture_output=True, text=True
            )
            mem.append(json.loads(out.stdout.splitlines()[-1]))
    results["deduper_memory"] = mem
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "history_probe.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
