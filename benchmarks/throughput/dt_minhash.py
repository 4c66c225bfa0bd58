"""datatrove's documented MinHash deduplication pipeline, with ftfy and Parquet output.

Runs in its own virtualenv (``benchmarks/work/venv-datatrove``, ``datatrove[processing]==0.10.1``
plus ``spacy`` for the whitespace tokenizer), never in the project's environment:

    venv-datatrove/bin/python dt_minhash.py CORPUS WORKDIR --workers 2 --tokenizer whitespace

It follows ``examples/minhash_deduplication.py`` of datatrove: stage 1 signatures, stage 2
buckets (one task per bucket), stage 3 clusters (one task), stage 4 filter, each stage a
``LocalPipelineExecutor`` with all cores. Two changes make it the same work as normnews:

- ``FTFYFormatter`` after the reader in stage 1, with a ``JsonlWriter`` that keeps the fixed
  texts so stage 4 reads them instead of running ftfy a second time (fair to datatrove: ftfy
  runs once per article, as in normnews);
- ``ParquetWriter`` (zstd) for the kept documents and, as the exclusion writer, for the removed
  ones; the example's ``TokensCounter`` is left out (it downloads a tokenizer from a hub).

The tokenizer: ``english`` is datatrove's default (NLTK punkt, whose data must be downloaded
and cannot be here); ``whitespace`` passes ``WhitespaceTokenizer()`` (spaCy ``xx``), the
fastest configuration. Prints one JSON line with wall time per stage and document counts.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
)
from datatrove.pipeline.formatters import FTFYFormatter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter, ParquetWriter
from datatrove.utils.hashing import HashConfig
from datatrove.utils.word_tokenizers import WhitespaceTokenizer

# The documented ParquetWriter infers its schema from the first document; a corpus where
# ``published`` is null for BBC and a string for Reuters needs the explicit schema its
# docstring asks for.
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("text", pa.string()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("published", pa.string()),
    ]
)


def flat(writer: Any, document: Any) -> dict[str, Any]:
    """One output row: id, text and the article fields from the reader's metadata."""
    meta = document.metadata
    return {
        "id": document.id,
        "text": document.text,
        "title": meta.get("title"),
        "url": meta.get("url"),
        "published": meta.get("published"),
    }


def main() -> None:
    """Run the four stages and print their timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("work")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--tokenizer", choices=["whitespace", "english"], default="whitespace")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    base = args.work
    shutil.rmtree(base, ignore_errors=True)
    Path(base).mkdir(parents=True)
    files = len(list(Path(args.corpus).glob("*.jsonl.gz")))
    tasks = max(1, min(args.workers, files))
    config = MinhashConfig(
        hash_config=HashConfig(precision=64), num_buckets=14, hashes_per_bucket=8
    )
    language = WhitespaceTokenizer() if args.tokenizer == "whitespace" else "en"
    timings: dict[str, float] = {}

    def run(name: str, executor: LocalPipelineExecutor) -> None:
        start = time.perf_counter()
        executor.run()
        timings[name] = round(time.perf_counter() - start, 3)

    run(
        "signatures",
        LocalPipelineExecutor(
            pipeline=[
                JsonlReader(args.corpus, glob_pattern="*.jsonl.gz"),
                FTFYFormatter(),
                JsonlWriter(f"{base}/fixed", compression=None),
                MinhashDedupSignature(f"{base}/signatures", config=config, language=language),
            ],
            tasks=tasks,
            workers=args.workers,
            logging_dir=f"{base}/logs/signatures",
        ),
    )
    run(
        "buckets",
        LocalPipelineExecutor(
            pipeline=[MinhashDedupBuckets(f"{base}/signatures", f"{base}/buckets", config=config)],
            tasks=config.num_buckets,
            workers=args.workers,
            logging_dir=f"{base}/logs/buckets",
        ),
    )
    run(
        "clusters",
        LocalPipelineExecutor(
            pipeline=[MinhashDedupCluster(f"{base}/buckets", f"{base}/remove_ids", config=config)],
            tasks=1,
            logging_dir=f"{base}/logs/clusters",
        ),
    )
    run(
        "filter",
        LocalPipelineExecutor(
            pipeline=[
                JsonlReader(f"{base}/fixed"),
                MinhashDedupFilter(
                    f"{base}/remove_ids",
                    exclusion_writer=ParquetWriter(
                        f"{base}/removed", compression="zstd", adapter=flat, schema=SCHEMA
                    ),
                ),
                ParquetWriter(f"{base}/output", compression="zstd", adapter=flat, schema=SCHEMA),
            ],
            tasks=tasks,
            workers=args.workers,
            logging_dir=f"{base}/logs/filter",
        ),
    )

    def rows(folder: str) -> int:
        return sum(
            pq.ParquetFile(f).metadata.num_rows for f in Path(base, folder).glob("*.parquet")
        )

    print(
        json.dumps(
            {
                "timings": timings,
                "kept": rows("output"),
                "removed": rows("removed"),
                "tasks": tasks,
                "workers": args.workers,
                "tokenizer": args.tokenizer,
            }
        )
    )


if __name__ == "__main__":
    main()
