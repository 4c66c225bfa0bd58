"""The I/O floor: read the JSONL.gz shards and write the texts as Parquet, nothing else.

    python io_floor.py CORPUS OUT.parquet

One process, shard by shard (streaming): gzip + ``json.loads`` per line, then one zstd Parquet
file with ``id``, ``title`` and ``text``. Prints one JSON line with the row count. Any real
pipeline has to do at least this much.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA = pa.schema([("id", pa.string()), ("title", pa.string()), ("text", pa.string())])


def main() -> None:
    """Copy every shard's texts into one Parquet file."""
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
    n = 0
    with pq.ParquetWriter(out, SCHEMA, compression="zstd") as writer:
        for shard in sorted(corpus.glob("*.jsonl.gz")):
            ids, titles, texts = [], [], []
            with gzip.open(shard, "rt", encoding="utf-8") as fh:
                for line in fh:
                    row = json.loads(line)
                    ids.append(row.get("id"))
                    titles.append(row.get("title"))
                    texts.append(row.get("text"))
            writer.write_table(pa.table([ids, titles, texts], schema=SCHEMA))
            n += len(texts)
    print(json.dumps({"rows": n}))


if __name__ == "__main__":
    main()
