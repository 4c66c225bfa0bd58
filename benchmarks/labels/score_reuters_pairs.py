"""Score a normnews run's Reuters-21578 merges against ``reuters_pairs.jsonl``.

Usage: ``python benchmarks/labels/score_reuters_pairs.py MERGES.json`` where MERGES.json is a
list of ``{"removed": NEWID, "kept": NEWID}`` (from ``benchmarks/quality_dedup.py`` or a run's
``duplicates`` joined to the corpus). Precision counts merged labelled pairs; merged-pair
recall is the share of pairs labelled *same* that the run merged.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def score(merges: list[dict]) -> dict[str, object]:
    labels = {
        (r["a"], r["b"]): r
        for r in map(json.loads, (HERE / "reuters_pairs.jsonl").read_text().splitlines())
    }
    merged = {(min(m["removed"], m["kept"]), max(m["removed"], m["kept"])) for m in merges}
    judged = [k for k in merged if k in labels]
    tp = sum(labels[k]["label"] == "same" for k in judged)
    same = sum(r["label"] == "same" for r in labels.values())
    return {
        "labelled_pairs": len(labels),
        "labelled_same": same,
        "merged_labelled": len(judged),
        "merged_unlabelled": len(merged) - len(judged),
        "precision": round(tp / len(judged), 4) if judged else 1.0,
        "merged_pair_recall": round(tp / same, 4) if same else 1.0,
        "false_merges": sorted(
            [[*k, labels[k]["reason"]] for k in judged if labels[k]["label"] != "same"]
        ),
    }


if __name__ == "__main__":
    print(json.dumps(score(json.loads(Path(sys.argv[1]).read_text())), indent=1))
