"""Score a normnews run's Reuters-21578 merges against ``reuters_pairs.jsonl``.

Usage: ``python benchmarks/labels/score_reuters_pairs.py OUT`` where OUT is the output root of
``normnews run DIR --out OUT`` on a folder holding only ``reuters21578.jsonl.gz`` (its
``duplicates`` are joined to the kept ``articles``; ``record`` is the line index in the corpus
file, mapped to NEWID), or a JSON file listing ``{"removed": NEWID, "kept": NEWID}``.
Precision counts merged labelled pairs; merged-pair recall is the share of pairs labelled
*same* that the run merged.
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


def merges_of_run(out: Path) -> list[dict]:
    """``{"removed", "kept", "reason"}`` NEWIDs of every duplicate in a run's output."""
    import gzip
    import os

    import duckdb

    corpora = Path(os.environ.get("NORMNEWS_CORPORA", HERE.parents[2] / "shared" / "corpora"))
    with gzip.open(corpora / "reuters-21578" / "reuters21578.jsonl.gz", "rt") as fh:
        newid = [json.loads(line)["newid"] for line in fh]
    dups = f"read_parquet('{out}/duplicates/**/*.parquet', union_by_name = true)"
    # Runs before schema version 2 have no reason column: their method stands in.
    names = [c[0] for c in duckdb.sql(f"describe select * from {dups}").fetchall()]
    why = "d.reason" if "reason" in names else "d.method"
    rows = duckdb.sql(
        f"""select d.record, a.record, {why} from {dups} d
        join read_parquet('{out}/articles/**/*.parquet') a on a.article_id = d.duplicate_of"""
    ).fetchall()
    return [{"removed": newid[r], "kept": newid[k], "reason": why} for r, k, why in rows]


if __name__ == "__main__":
    arg = Path(sys.argv[1])
    merges = merges_of_run(arg) if arg.is_dir() else json.loads(arg.read_text())
    print(json.dumps(score(merges), indent=1))
