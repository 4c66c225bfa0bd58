"""The "bare script" peer: a one-off multiprocessing script doing the same job as normnews.

    python bare_script.py CORPUS OUT.parquet [--workers N]

What a competent engineer writes for a one-off job (the issue's "100-line multiprocessing
script"): a ``multiprocessing.Pool`` with all cores over the JSONL.gz shards; per article ftfy
``fix_text`` only when the text is not plain ASCII, word 5-gram shingles of the lower-cased
whitespace tokens, a datasketch ``MinHash`` (128 permutations, ``affine32``, xxh32) copied
from one template; then in the parent a ``MinHashLSH`` with 16 bands of 8 rows, query before
insert, keeping an article when it has no candidate among the kept ones (no Jaccard check); then one
zstd Parquet file of the kept ``id``, ``title`` and ``text``. Everything is held in memory,
as the peer does. Prints one JSON line with the counts and the wall time per stage.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import ftfy
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
BANDS, ROWS = 16, 8
SHINGLE = 5
SCHEMA = pa.schema([("id", pa.string()), ("title", pa.string()), ("text", pa.string())])
# Built once (the permutations are the expensive part) and copied per article; forked
# workers inherit it.
TEMPLATE = MinHash(num_perm=NUM_PERM, scheme="affine32", hashfunc=xxhash.xxh32_intdigest)


def signature(text: str) -> LeanMinHash:
    """MinHash of the text's word 5-shingles (the whole text when it is shorter)."""
    words = text.lower().split()
    shingles = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    m = TEMPLATE.copy()
    m.update_batch([s.encode("utf-8") for s in shingles])
    # Lean: only seed and hash values go back to the parent, not the permutations.
    return LeanMinHash(m)


def process_shard(path: Path) -> tuple[list[Any], list[Any], list[str], list[LeanMinHash]]:
    """Read one shard; repair non-ASCII texts; sign every article."""
    ids, titles, texts, sigs = [], [], [], []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text = row.get("text") or ""
            if not text.isascii():
                text = ftfy.fix_text(text)
            ids.append(row.get("id"))
            titles.append(row.get("title"))
            texts.append(text)
            sigs.append(signature(text))
    return ids, titles, texts, sigs


def main() -> None:
    """Sign in parallel, dedup in the parent, write the kept articles."""
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--workers", type=int, default=0, help="0 = one per core")
    args = ap.parse_args()
    workers = args.workers or os.cpu_count() or 1
    timings: dict[str, float] = {}
    start = time.perf_counter()
    ids: list[Any] = []
    titles: list[Any] = []
    texts: list[str] = []
    sigs: list[LeanMinHash] = []
    with Pool(workers) as pool:
        # imap keeps shard order, so "first of a group" is first in corpus order.
        for s_ids, s_titles, s_texts, s_sigs in pool.imap(
            process_shard, sorted(args.corpus.glob("*.jsonl.gz"))
        ):
            ids += s_ids
            titles += s_titles
            texts += s_texts
            sigs += s_sigs
    timings["read_clean_sign"] = round(time.perf_counter() - start, 3)

    start = time.perf_counter()
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    keep: list[int] = []
    for i, sig in enumerate(sigs):
        # Only kept articles go into the index: a removed one is then always a candidate of
        # a kept one, never of another removed one (no chains).
        if not lsh.query(sig):
            keep.append(i)
            lsh.insert(i, sig)
    timings["lsh"] = round(time.perf_counter() - start, 3)

    start = time.perf_counter()
    table = pa.table(
        [[ids[i] for i in keep], [titles[i] for i in keep], [texts[i] for i in keep]],
        schema=SCHEMA,
    )
    pq.write_table(table, args.out, compression="zstd")
    timings["write"] = round(time.perf_counter() - start, 3)
    print(
        json.dumps(
            {
                "articles": len(texts),
                "kept": len(keep),
                "removed": len(texts) - len(keep),
                "timings": timings,
                "workers": workers,
            }
        )
    )


if __name__ == "__main__":
    main()
