"""The whole job through the real CLI: every input format, the output contract, accounting."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from helpers import run_cli
from normnews.schema import ARTICLES, DUPLICATES, REJECTS

DAY = "2026-11-24"

_STORIES = [
    (
        "Harbour pilots strike over night shifts",
        "Harbour pilots walked out on Monday in a dispute over night-shift pay, leaving six "
        "container ships waiting outside the breakwater.\n\nThe port authority said talks "
        "would resume on Wednesday.",
    ),
    (
        "Rail freight volumes hit record",
        "Rail freight volumes reached a record in October, the operators' association said, as "
        "hauliers moved timber and grain off the congested motorways.\n\nVolumes were up 14 "
        "percent on a year earlier.",
    ),
    (
        "New ferry enters service on island route",
        "A battery-electric ferry entered service on the island route on Friday, replacing a "
        "diesel vessel built in 1984.\n\nThe crossing takes 25 minutes and the ship charges at "
        "both ends.",
    ),
    (
        "Council delays vote on parking charges",
        "The council postponed a vote on higher parking charges after shopkeepers presented a "
        "petition with 4,000 signatures.\n\nThe vote is now expected in January.",
    ),
]


def _story(i: int, suffix: str = "") -> tuple[str, str]:
    title, text = _STORIES[i % len(_STORIES)]
    # Distinct text per record so near-duplicate removal does not blur the accounting.
    # The note is long enough that two records of one story stay under the near-copy
    # threshold with every sentence of the story kept (the cleaner removes no sentences).
    note = (
        f"File note {suffix}: item {i} of the batch, logged as {suffix} number {i} "
        f"by the {suffix} desk for the {suffix} archive."
    )
    return f"{title} {suffix}".strip(), f"{text}\n\n{note}"


def _jsonl(records: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _csv(rows: list[dict[str, str]], delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


_COMPRESS = {
    "": lambda b: b,
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda b: zstandard.ZstdCompressor().compress(b),
}


def build_tree(root: Path) -> int:
    """Write one file per format × compression plus broken files; return the record count."""
    records = 0
    n = 0
    for comp, fn in _COMPRESS.items():
        tag = comp.strip(".") or "plain"
        title, text = _story(n, f"txt-{tag}")
        (root / f"txt/story-{tag}.txt{comp}").parent.mkdir(parents=True, exist_ok=True)
        (root / f"txt/story-{tag}.txt{comp}").write_bytes(fn(f"{title}\n\n{text}\n".encode()))
        n += 1
        records += 1
        title, text = _story(n, f"md-{tag}")
        (root / f"md/story-{tag}.md{comp}").parent.mkdir(parents=True, exist_ok=True)
        (root / f"md/story-{tag}.md{comp}").write_bytes(fn(f"# {title}\n\n{text}\n".encode()))
        n += 1
        records += 1
        rows = []
        for _ in range(3):
            title, text = _story(n, f"jsonl-{tag}-{n}")
            rows.append({"headline": title, "body": text, "link": f"https://x.example/{n}"})
            n += 1
        (root / "feeds").mkdir(exist_ok=True)
        (root / f"feeds/feed-{tag}.jsonl{comp}").write_bytes(fn(_jsonl(rows)))
        (root / f"feeds/feed-{tag}.ndjson{comp}").write_bytes(fn(_jsonl(rows[:1])))
        records += 4
        title, text = _story(n, f"json-{tag}")
        n += 1
        (root / f"feeds/array-{tag}.json{comp}").write_bytes(
            fn(json.dumps([{"title": title, "content": text, "date": "2026-11-20"}]).encode())
        )
        records += 1
        csv_rows = []
        for _ in range(2):
            title, text = _story(n, f"csv-{tag}-{n}")
            csv_rows.append({"title": title, "text": text, "published": "2026-11-21T10:00:00Z"})
            n += 1
        (root / f"feeds/table-{tag}.csv{comp}").write_bytes(fn(_csv(csv_rows)))
        (root / f"feeds/table-{tag}.tsv{comp}").write_bytes(fn(_csv(csv_rows[:1], "\t")))
        records += 3
        title, text = _story(n, f"parquet-{tag}")
        n += 1
        buf = io.BytesIO()
        pq.write_table(pa.table({"title": [title], "article": [text], "url": ["https://p/1"]}), buf)
        (root / f"feeds/table-{tag}.parquet{comp}").write_bytes(fn(buf.getvalue()))
        records += 1

    broken = root / "broken"
    broken.mkdir()
    lines = [
        {"title": f"Dispatch {i}", "text": f"Dispatch number {i} reports {i * 37 % 101} boats."}
        for i in range(400)
    ]
    packed = gzip.compress(_jsonl(lines))
    # Cut the stream two thirds in: the lines before the cut are readable, the rest are lost.
    (broken / "truncated.jsonl.gz").write_bytes(packed[: len(packed) * 2 // 3])
    (broken / "malformed.jsonl").write_bytes(
        _jsonl([{"title": "Fine one", "text": "A complete record."}])
        + b'{"title": "cut\n'
        + _jsonl([{"title": "No text here"}])
        + _jsonl([{"title": "Empty", "text": "   "}])
    )
    records += 4
    (broken / "rows.csv").write_text(
        'title,text\n"Good row","A good row of text."\n"Bad row","text","extra"\n'
    )
    records += 2
    (broken / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (broken / "empty.txt").write_bytes(b"")
    (broken / "notes.docx").write_bytes(b"PK\x03\x04 not a supported format")
    records += 3
    (root / ".hidden.txt").write_text("Hidden\n\nNever read.")
    return records


def _read(out: Path, dataset: str) -> pa.Table:
    return pq.read_table(out / dataset / f"run_date={DAY}")


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    root = tmp_path_factory.mktemp("mixed")
    src = root / "in"
    src.mkdir()
    build_tree(src)
    out = root / "out"
    result = run_cli("run", src, "--out", out, "--run-date", DAY, "--workers", "2")
    return src, out, result


def test_every_format_is_read_and_the_run_succeeds(mixed_run):
    """It reads every format and compression, exits 0 and prints one JSON summary line."""
    _, out, result = mixed_run
    assert result.code == 0, result.stderr
    summary = result.summary
    assert summary["status"] == "ok"
    assert summary["run_date"] == DAY
    sources = set(_read(out, "articles").column("source").to_pylist())
    for comp in ("plain", "gz", "bz2", "xz", "zst"):
        for kind in ("txt/story-", "md/story-"):
            assert any(s.startswith(kind + comp) for s in sources), (kind, comp, sources)
        for name in ("feed-", "array-", "table-"):
            assert any(s.startswith(f"feeds/{name}{comp}") for s in sources), (name, comp)
    assert not any(".hidden" in s for s in sources)


def test_columns_and_types_match_the_contract(mixed_run):
    """Each dataset has exactly the schema DESIGN §2 promises, read back with pyarrow."""
    _, out, _ = mixed_run
    for dataset, schema in (
        ("articles", ARTICLES),
        ("duplicates", DUPLICATES),
        ("rejects", REJECTS),
    ):
        files = sorted((out / dataset / f"run_date={DAY}").glob("part-*.parquet"))
        assert files, dataset
        for path in files:
            got = pq.read_schema(path)
            assert got.names == schema.names
            assert [f.type for f in got] == [f.type for f in schema]
            meta = pq.ParquetFile(path).metadata
            assert meta.row_group(0).column(0).compression == "ZSTD"


def test_every_input_record_is_accounted_for(mixed_run):
    """Records in = articles + duplicates + rejects, and the manifest says the same."""
    _, out, result = mixed_run
    summary = result.summary
    n = {d: _read(out, d).num_rows for d in ("articles", "duplicates", "rejects")}
    assert summary["articles"] == n["articles"]
    assert summary["duplicates"] == n["duplicates"]
    assert summary["rejects"] == n["rejects"]
    assert summary["records_in"] == n["articles"] + n["duplicates"] + n["rejects"]
    manifest = json.loads(Path(summary["manifest"]).read_text())
    inputs = {i["path"]: i["records"] for i in manifest["inputs"]}
    assert sum(inputs.values()) == summary["records_in"]
    assert manifest["counts"]["records_in"] == summary["records_in"]


def test_bad_input_becomes_reject_rows_with_reasons(mixed_run):
    """Broken files and records become reject rows; good records of the same file are kept."""
    _, out, _ = mixed_run
    rejects = _read(out, "rejects").to_pylist()
    by_source: dict[str, set[str]] = {}
    for r in rejects:
        by_source.setdefault(r["source"], set()).add(r["reason"])
        assert r["detail"], r
    assert "broken/image.txt" in by_source
    assert "broken/empty.txt" in by_source
    assert "broken/notes.docx" in by_source
    assert "broken/truncated.jsonl.gz" in by_source
    assert len(by_source["broken/malformed.jsonl"]) >= 2  # bad JSON and missing/empty text
    assert "broken/rows.csv" in by_source
    kept = set(_read(out, "articles").column("source").to_pylist())
    assert {"broken/malformed.jsonl", "broken/rows.csv", "broken/truncated.jsonl.gz"} <= kept


def test_duckdb_reads_the_hive_partitioned_output(mixed_run):
    """DuckDB reads all three datasets with hive partitioning and sees the run_date column."""
    _, out, result = mixed_run
    con = duckdb.connect()
    for dataset in ("articles", "duplicates", "rejects"):
        rows = con.execute(
            f"SELECT run_date, count(*) FROM read_parquet('{out}/{dataset}/**/*.parquet', "
            "hive_partitioning = true) GROUP BY run_date"
        ).fetchall()
        total = sum(c for _, c in rows)
        assert total == result.summary[dataset]
        assert all(str(d) == DAY for d, _ in rows)
    cols = con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{out}/articles/**/*.parquet', "
        "hive_partitioning = true)"
    ).fetchall()
    types = {name: typ for name, typ, *_ in cols}
    assert types["published"].startswith("TIMESTAMP")
    assert types["edits"].startswith("STRUCT(step VARCHAR, detail VARCHAR)[]")


def test_manifest_is_complete(mixed_run):
    """The manifest records config, fingerprint, LSH parameters, inputs, counts and outputs."""
    _, out, result = mixed_run
    manifest = json.loads(Path(result.summary["manifest"]).read_text())
    for key in (
        "run_id",
        "status",
        "versions",
        "config",
        "config_fingerprint",
        "lsh",
        "inputs",
        "counts",
        "outputs",
        "timings_s",
    ):
        assert key in manifest, key
    assert manifest["lsh"]["bands"] * manifest["lsh"]["rows"] <= manifest["lsh"]["num_perm"]
    assert all("digest" in i and "size" in i for i in manifest["inputs"])
    assert not list(out.glob(".staging-*"))


def test_ids_and_bytes_are_stable_across_runs(tmp_path, sample_dir):
    """Two runs over the same input give the same article_ids and byte-identical articles."""
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = run_cli("run", sample_dir, "--out", out, "--run-date", DAY)
        assert result.code == 0, result.stderr
        outs.append(out)
    files = [sorted((o / "articles" / f"run_date={DAY}").glob("*.parquet")) for o in outs]
    assert [f.name for f in files[0]] == [f.name for f in files[1]]
    for a, b in zip(*files, strict=True):
        assert a.read_bytes() == b.read_bytes()
    again = run_cli("run", sample_dir, "--out", outs[0], "--run-date", DAY, "--reprocess")
    assert again.code == 0, again.stderr
    after = sorted((outs[0] / "articles" / f"run_date={DAY}").glob("*.parquet"))
    assert [p.read_bytes() for p in after] == [p.read_bytes() for p in files[1]]


def test_a_second_run_with_nothing_new_exits_99(tmp_path, sample_dir):
    """Rerunning over the same directory processes nothing and exits 99 with a summary."""
    out = tmp_path / "out"
    assert run_cli("run", sample_dir, "--out", out, "--run-date", DAY).code == 0
    again = run_cli("run", sample_dir, "--out", out, "--run-date", DAY)
    assert again.code == 99
    assert again.summary["status"] == "nothing_to_do"


def test_too_many_rejects_exit_65_and_publish_nothing(tmp_path):
    """A feed where most records fail exits 65, publishes no partition, and says why."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "bad.jsonl").write_text('{"title": "x"}\nnot json\n{"text": "One fine article."}\n')
    out = tmp_path / "out"
    result = run_cli("run", src, "--out", out, "--run-date", DAY, "--max-error-rate", "0.1")
    assert result.code == 65
    assert "max_error_rate" in result.summary["message"]
    assert not (out / "articles").exists()
    assert not list((out / "_runs").glob("*.json"))  # a manifest there means published
    manifest = json.loads(next((out / "_runs" / "failed").glob("*.json")).read_text())
    assert manifest["status"] == "failed_too_many_rejects"
    assert {r["reason"] for r in manifest["counts"]["first_rejects"]} == {
        "missing_text",
        "bad_json",
    }


def test_config_errors_exit_2_with_a_message(tmp_path, sample_dir):
    """An invalid option value or config file exits 2 and names the problem."""
    bad = tmp_path / "normnews.toml"
    bad.write_text("[dedup]\nthreshold = 1.5\n")
    result = run_cli("run", sample_dir, "--out", tmp_path / "o", "--config", bad)
    assert result.code == 2
    assert "threshold" in result.summary["message"]
    missing = run_cli("run", tmp_path / "nope", "--out", tmp_path / "o")
    assert missing.code == 2
    assert "nope" in missing.summary["message"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for out in (a_file, a_file / "below"):
        result = run_cli("run", sample_dir, "--out", out)
        assert result.code == 2, result.stdout
        assert "is a file" in result.summary["message"]


def test_a_held_lock_makes_the_second_run_exit_75(tmp_path, sample_dir):
    """While one run holds OUT's lock, another exits 75 at once and says who holds it."""
    from normnews.state import RunLock

    out = tmp_path / "out"
    with RunLock(out):
        result = run_cli("run", sample_dir, "--out", out)
    assert result.code == 75
    assert "lock" in result.summary["message"]
    # The lock of a process that is gone is no lock: the next run just takes it.
    assert run_cli("run", sample_dir, "--out", out, "--run-date", DAY).code == 0


def test_the_input_copy_is_not_modified(tmp_path, sample_dir):
    """normnews never writes into its input directory."""
    src = tmp_path / "in"
    shutil.copytree(sample_dir, src)
    before = sorted((p.relative_to(src), p.read_bytes()) for p in src.rglob("*") if p.is_file())
    assert run_cli("run", src, "--out", tmp_path / "out", "--run-date", DAY).code == 0
    after = sorted((p.relative_to(src), p.read_bytes()) for p in src.rglob("*") if p.is_file())
    assert before == after


def test_the_output_does_not_depend_on_the_number_of_workers(mixed_run, tmp_path):
    """One worker or two, any batch size: the same bytes in every dataset and state file."""
    src, out2, _ = mixed_run
    out1 = tmp_path / "one-worker"
    result = run_cli(
        "run", src, "--out", out1, "--run-date", DAY, "--workers", "1", "--batch-size", "7"
    )
    assert result.code == 0, result.stderr
    for dataset in ("articles", "duplicates", "rejects", "_state"):
        a = sorted((out1 / dataset).rglob("*.parquet"))
        b = sorted((out2 / dataset).rglob("*.parquet"))
        assert [p.name for p in a] == [p.name for p in b]
        assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b], dataset
