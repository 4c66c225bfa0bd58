"""Per-article ``normalise`` time of two source trees, alternated on the same machine.

The loop is :func:`quality_clean.speed`'s (BBC all 2,225 bodies, the first 5,000 Reuters-21578
bodies, three passes each, no census), run in a fresh interpreter per tree and round so the
two trees see the same load. Use it to check that a change to ``normnews.clean`` keeps
``normalise`` within its speed budget: extract the base commit's ``src`` somewhere first
(``git archive <commit> src | tar -x -C /tmp/base``).

Usage: ``python benchmarks/clean_speed_ab.py --base /tmp/base/src --head src [--rounds 3]``
Writes ``benchmarks/results/clean_speed_ab.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", ROOT.parent / "shared" / "corpora"))
RESULTS = ROOT / "benchmarks" / "results"

CHILD = """
import gzip, json, statistics, sys, time
from normnews.clean import normalise
from normnews.config import CleanConfig, RepairConfig
corpora = sys.argv[1]
def load(path):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]
bbc = load(corpora + "/bbc-news-fulltext/bbc-news-2225.jsonl.gz")
reuters = [d for d in load(corpora + "/reuters-21578/reuters21578.jsonl.gz") if d.get("body")]
out = {}
for name, docs in (("bbc", bbc), ("reuters", reuters[:5000])):
    times = []
    for _ in range(3):
        for doc in docs:
            start = time.perf_counter()
            normalise(doc["title"], doc["body"], repair=RepairConfig(), clean=CleanConfig())
            times.append(time.perf_counter() - start)
    mean, median = statistics.mean(times), statistics.median(times)
    out[name] = {"mean_ms": mean * 1e3, "median_ms": median * 1e3}
print(json.dumps(out))
"""


def run(src: str) -> dict[str, dict[str, float]]:
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(CORPORA)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, dict[str, float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="src folder of the base tree")
    parser.add_argument("--head", default="src", help="src folder of the changed tree")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"corpora not found at {CORPORA}; nothing to measure", file=sys.stderr)
        return 0
    runs: dict[str, list[dict[str, dict[str, float]]]] = {"base": [], "head": []}
    for _ in range(args.rounds):
        for label, src in (("base", args.base), ("head", args.head)):
            runs[label].append(run(src))
    summary = {
        label: {
            corpus: {
                stat: statistics.median(r[corpus][stat] for r in rounds)
                for stat in ("mean_ms", "median_ms")
            }
            for corpus in ("bbc", "reuters")
        }
        for label, rounds in runs.items()
    }
    res = {
        "command": "python benchmarks/clean_speed_ab.py " + " ".join(sys.argv[1:]),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "rounds": runs,
        "summary": summary,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "clean_speed_ab.json").write_text(json.dumps(res, indent=1) + "\n", "utf-8")
    lines = [
        "# normalise per-article time: base vs head (alternated runs)",
        "",
        f"- command: `{res['command']}`",
        f"- date: {res['date']}; machine: {res['machine']} (shared with other work)",
        f"- {args.rounds} alternated rounds; each round 3 passes over BBC (2,225) and Reuters "
        "(first 5,000 bodies), no census; medians over rounds",
        "",
        "| corpus | base mean ms | head mean ms | change | base median ms | head median ms "
        "| change |",
        "|---|---|---|---|---|---|---|",
    ]
    for corpus in ("bbc", "reuters"):
        b, h = summary["base"][corpus], summary["head"][corpus]
        lines.append(
            f"| {corpus} | {b['mean_ms']:.4f} | {h['mean_ms']:.4f} | "
            f"{h['mean_ms'] / b['mean_ms'] - 1:+.1%} | {b['median_ms']:.4f} | "
            f"{h['median_ms']:.4f} | {h['median_ms'] / b['median_ms'] - 1:+.1%} |"
        )
    (RESULTS / "clean_speed_ab.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
