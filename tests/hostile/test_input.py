"""Hostile input files: each reproduces one way a file used to lose records, hang the run, or
reach outside the input directory."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from helpers import run_cli, story_text
from normnews.config import LimitsConfig
from normnews.errors import EmptyInput, NothingToDo
from normnews.ingest.compression import compress
from normnews.ingest.discover import discover
from normnews.ingest.readers import read_file
from normnews.model import RawRecord, Reject

from .common import DAY, counts, feed_lines, rows, run_job


def _summary(items: list[RawRecord | Reject]) -> list[tuple[int | None, str]]:
    return [(i.record, "ok" if isinstance(i, RawRecord) else i.reason) for i in items]


def test_jsonl_lines_python_cannot_hold_cost_one_reject_each(tmp_path: Path):
    """Item 2: a 5,001-digit integer and 100,000-deep nesting are one ``bad_json`` reject each;
    every later line is still read (201 lines -> 199 articles + 2 rejects)."""
    lines = [json.dumps({"title": f"T{i}", "text": story_text(i)}) for i in range(199)]
    lines.insert(50, '{"text": "x", "n": ' + "7" * 5001 + "}")
    lines.insert(120, "[" * 100_000 + "]" * 100_000)
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_job(inp, out)
    assert result.counts["records_in"] == 201
    assert counts(out) == {"articles": 199, "duplicates": 0, "rejects": 2}
    assert [(r["record"], r["reason"]) for r in rows(out, "rejects")] == [
        (50, "bad_json"),
        (120, "bad_json"),
    ]


def test_a_deep_json_document_is_one_reject(tmp_path: Path):
    """A ``.json`` document nested 100,000 deep is one ``bad_json`` reject, not a crash."""
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (found,) = discover(tmp_path)
    assert _summary(list(read_file(found))) == [(None, "bad_json")]


def test_an_unterminated_csv_quote_costs_one_row(tmp_path: Path):
    """Item 4: a quote that never closes no longer swallows the rest of the file: that row is
    an ``unterminated_quote`` reject (its second paragraph, on a line of its own, a ``bad_row``)
    and the 99 rows before and after it are articles, none glued to another."""
    body = ["title,text"]
    for i in range(100):
        text = f'"{story_text(i)}' if i == 40 else f'"{story_text(i)}"'
        body.append(f"Story {i},{text}")
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "feed.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    run_job(inp, out)
    assert counts(out) == {"articles": 99, "duplicates": 0, "rejects": 2}
    assert [(r["record"], r["reason"]) for r in rows(out, "rejects")] == [
        (40, "unterminated_quote"),
        (41, "bad_row"),
    ]
    assert all("Story" not in r["text"] for r in rows(out, "articles"))
    assert sorted(r["title"] for r in rows(out, "articles")) == sorted(
        f"Story {i}" for i in range(100) if i != 40
    )


def test_a_legitimate_multiline_csv_field_is_kept(tmp_path: Path):
    """A quoted field spanning lines, with doubled quotes, at the end of the file is a record,
    not an unterminated quote."""
    data = 'title,text\nA,"line one\nsaid ""hi""\nline three"\n'
    (tmp_path / "f.csv").write_text(data, encoding="utf-8")
    (found,) = discover(tmp_path)
    (item,) = list(read_file(found))
    assert isinstance(item, RawRecord)
    assert item.text == 'line one\nsaid "hi"\nline three'


def test_a_csv_field_over_the_record_limit_is_too_large_and_reading_goes_on(tmp_path: Path):
    """A quoted field longer than ``max_record_bytes`` is one ``too_large`` reject; the rows
    after it are read."""
    huge = "word " * 2000
    data = f'title,text\nA,"{story_text(1)}"\nB,"{huge}\n{huge}"\nC,"{story_text(3)}"\n'
    (tmp_path / "f.csv").write_text(data, encoding="utf-8")
    (found,) = discover(tmp_path)
    items = list(read_file(found, LimitsConfig(max_record_bytes=4096)))
    assert _summary(items) == [(0, "ok"), (1, "too_large"), (2, "ok")]


@pytest.mark.slow
def test_a_fifo_and_a_character_device_do_not_hang_the_run(tmp_path: Path):
    """Item 7, with real files: a FIFO and ``/dev/null``-like character device in the input
    are never opened for reading; each is an ``unreadable`` reject and the run ends."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(3), encoding="utf-8")
    os.mkfifo(inp / "y.jsonl")
    try:
        os.mknod(inp / "z.jsonl", stat.S_IFCHR | 0o644, os.makedev(1, 5))
        devices = ["y.jsonl", "z.jsonl"]
    except PermissionError:
        devices = ["y.jsonl"]  # not root: the FIFO alone
    result = run_cli("run", inp, "--out", out, "--run-date", DAY, "--workers", "1", timeout=60)
    assert result.code == 0, result.stderr
    assert sorted((r["source"], r["reason"]) for r in rows(out, "rejects")) == [
        (name, "unreadable") for name in devices
    ]
    assert counts(out)["articles"] == 3
    # A FIFO stays a FIFO: recorded as seen, so the next run has nothing new to do.
    again = run_cli("run", inp, "--out", out, "--run-date", DAY, "--workers", "1", timeout=60)
    assert again.code == 99, again.stderr


def test_a_symlink_swapped_after_discovery_is_not_followed(tmp_path: Path):
    """Item 8, with real files: a link that pointed inside the input when discovered and points
    at a secret outside when read is refused (``outside_input``); the secret is never read."""
    inp, secret = tmp_path / "in", tmp_path / "secret.txt"
    inp.mkdir()
    secret.write_text("Secret\n\nroot:x:0:0:the password file\n", encoding="utf-8")
    (inp / "real.txt").write_text("Real\n\nA real article.\n", encoding="utf-8")
    (inp / "news.txt").symlink_to(inp / "real.txt")
    files = discover(inp)
    (inp / "news.txt").unlink()
    (inp / "news.txt").symlink_to(secret)
    items = [item for f in files for item in read_file(f)]
    assert "password" not in repr(items)
    assert [(i.source, i.reason) for i in items if isinstance(i, Reject)] == [
        ("news.txt", "outside_input")
    ]


def test_a_folder_swapped_for_a_link_is_not_followed(tmp_path: Path):
    """Item 8, one level up: a sub-folder replaced by a link to the outside after discovery is
    refused when the file is opened."""
    inp, outside = tmp_path / "in", tmp_path / "outside"
    (inp / "sub").mkdir(parents=True)
    outside.mkdir()
    (inp / "sub" / "a.txt").write_text("Title\n\ninside\n", encoding="utf-8")
    (outside / "a.txt").write_text("Title\n\nthe secret\n", encoding="utf-8")
    files = discover(inp)
    (inp / "sub").rename(tmp_path / "moved")
    (inp / "sub").symlink_to(outside, target_is_directory=True)
    items = [item for f in files for item in read_file(f)]
    assert "secret" not in repr([i for i in items if isinstance(i, RawRecord)])
    assert [(i.source, i.reason) for i in items if isinstance(i, Reject)] == [
        ("sub/a.txt", "outside_input")
    ]


def test_a_symlink_out_of_the_input_gets_a_reject_row(tmp_path: Path):
    """Item 13: a link skipped for pointing outside is a reject row in ``rejects/``."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (tmp_path / "elsewhere.jsonl").write_text(feed_lines(2), encoding="utf-8")
    (inp / "a.jsonl").write_text(feed_lines(2, start=10), encoding="utf-8")
    (inp / "link.jsonl").symlink_to(tmp_path / "elsewhere.jsonl")
    run_job(inp, out)
    assert [(r["source"], r["reason"]) for r in rows(out, "rejects")] == [
        ("link.jsonl", "outside_input")
    ]
    # Rejected once, then known: the next run has nothing new to do (it would otherwise fail
    # every day on a 100% reject rate)...
    with pytest.raises(NothingToDo):
        run_job(inp, out, day="2026-01-02")
    # ...until the link changes.
    (inp / "link.jsonl").unlink()
    (inp / "link.jsonl").symlink_to(tmp_path)
    os.utime(inp / "link.jsonl", ns=(1, 1), follow_symlinks=False)
    assert run_job(inp, out, day="2026-01-02", max_error_rate=1.0).counts["rejects"] == 1


def test_a_file_name_that_is_not_utf8_is_read(tmp_path: Path):
    """Item 11: a non-UTF-8 file name no longer aborts the run; its records are read, with the
    name's bytes escaped in ``source``."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(2), encoding="utf-8")
    name = os.fsdecode(b"caf\xe9.jsonl")  # not UTF-8: kept by Python as a surrogate escape
    (inp / name).write_bytes(feed_lines(2, start=10).encode())
    result = run_job(inp, out)
    assert result.counts["articles"] == 4
    assert {r["source"] for r in rows(out, "articles")} == {"a.jsonl", "caf\\xe9.jsonl"}


def test_an_empty_input_directory_fails_unless_allowed(tmp_path: Path):
    """Item 13: an empty input is EmptyInput (exit 65), not "nothing to do" (99, which Airflow
    skips); with ``allow_empty`` it is nothing to do."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    with pytest.raises(EmptyInput) as caught:
        run_job(inp, out)
    assert caught.value.exit_code == 65
    assert "--allow-empty" in str(caught.value)
    with pytest.raises(NothingToDo):
        run_job(inp, out, allow_empty=True)


@pytest.mark.slow
def test_empty_input_exit_codes_at_the_cli(tmp_path: Path):
    """The CLI gives 65 for an empty input, 99 with ``--allow-empty``."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    assert run_cli("run", inp, "--out", out, "--run-date", DAY).code == 65
    assert run_cli("run", inp, "--out", out, "--run-date", DAY, "--allow-empty").code == 99


def test_an_output_root_inside_the_input_is_not_read_back(tmp_path: Path):
    """Item 13: with OUT inside the input directory, the second run finds nothing new (its
    own Parquet output is not input)."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(3), encoding="utf-8")
    out = inp / "clean"
    assert run_job(inp, out).counts["records_in"] == 3
    with pytest.raises(NothingToDo):
        run_job(inp, out, day="2026-01-02")


@pytest.mark.parametrize("compression", ["gz", "zst"])
def test_trailing_garbage_keeps_every_valid_record(tmp_path: Path, compression: str):
    """Item 13: bytes glued after the end of a valid .gz/.zst keep every record before them
    (as ``gzip -d`` does) and add one ``trailing_garbage`` reject."""
    data = feed_lines(50).encode()
    packed = compress(data, compression) + b"this is not compressed data\n" * 3
    (tmp_path / f"a.jsonl.{compression}").write_bytes(packed)
    (found,) = discover(tmp_path)
    items = list(read_file(found))
    assert _summary(items) == [(i, "ok") for i in range(50)] + [(50, "trailing_garbage")]


def test_a_gzip_bomb_is_too_large_in_bounded_memory(tmp_path: Path):
    """Item 10, small: a .jsonl.gz that unpacks past ``max_file_bytes`` keeps the records before
    the limit and rejects the rest as ``too_large``; a single line past ``max_record_bytes`` is
    ``too_large`` too."""
    good = feed_lines(5).encode()
    bomb = good + b"a" * (8 << 20)
    (tmp_path / "bomb.jsonl.gz").write_bytes(gzip.compress(bomb, 9))
    (found,) = discover(tmp_path)
    limits = LimitsConfig(max_file_bytes=4 << 20, max_record_bytes=1 << 20)
    assert _summary(list(read_file(found, limits))) == [(i, "ok") for i in range(5)] + [
        (5, "too_large")
    ]


@pytest.mark.parametrize("suffix", ["txt", "md"])
def test_a_whole_file_bomb_is_too_large(tmp_path: Path, suffix: str):
    """Item 10, small: a .txt/.md that unpacks past ``max_record_bytes`` is one ``too_large``
    reject, read no further than the limit."""
    (tmp_path / f"big.{suffix}.zst").write_bytes(
        zstandard.ZstdCompressor().compress(b"Title\n\n" + b"word " * (2 << 20))
    )
    (found,) = discover(tmp_path)
    assert _summary(list(read_file(found, LimitsConfig(max_record_bytes=1 << 20)))) == [
        (None, "too_large")
    ]


def test_a_large_json_array_is_streamed_and_a_huge_item_is_too_large(tmp_path: Path):
    """Item 10: a .json array larger than ``max_record_bytes`` is read item by item; an item
    over the limit is one ``too_large`` reject and the items around it are articles."""
    items = [{"text": story_text(i)} for i in range(3)]
    items.insert(1, {"text": "word " * (2 << 20)})
    (tmp_path / "big.json.zst").write_bytes(
        zstandard.ZstdCompressor().compress(json.dumps(items).encode())
    )
    (found,) = discover(tmp_path)
    assert _summary(list(read_file(found, LimitsConfig(max_record_bytes=1 << 20)))) == [
        (0, "ok"),
        (1, "too_large"),
        (2, "ok"),
        (3, "ok"),
    ]


def test_a_parquet_gz_that_is_no_parquet_is_not_unpacked(tmp_path: Path):
    """Item 10: a .parquet.gz is checked for Parquet's magic number before it is unpacked, so
    a 1 GB bomb of zeros is rejected at once (``bad_parquet``)."""
    member = gzip.compress(b"\0" * (64 << 20), 9)
    (tmp_path / "bomb.parquet.gz").write_bytes(member * 16)
    (found,) = discover(tmp_path)
    started = time.process_time()
    assert _summary(list(read_file(found))) == [(None, "bad_parquet")]
    assert time.process_time() - started < 5  # 1 GB was not unpacked


def test_too_many_records_in_one_file(tmp_path: Path):
    """Past ``max_records_per_file`` the rest of the file is one ``too_large`` reject."""
    (tmp_path / "many.jsonl").write_text(feed_lines(10), encoding="utf-8")
    (found,) = discover(tmp_path)
    items = list(read_file(found, LimitsConfig(max_records_per_file=4)))
    assert _summary(items) == [(i, "ok") for i in range(4)] + [(4, "too_large")]


def test_an_unterminated_quote_in_one_line_rows_costs_exactly_that_row(tmp_path: Path):
    """Item 4 as reported: 100 one-line rows, one with an opening quote that never closes ->
    99 articles and one ``unterminated_quote`` reject (it used to be 99 articles, 0 rejects,
    the last 90 rows glued into one field)."""
    body = ["title,text"]
    for i in range(100):
        text = f'"Report number {i} opens' if i == 10 else f'"Report number {i} says a thing."'
        body.append(f"Story {i},{text}")
    (tmp_path / "feed.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    (found,) = discover(tmp_path)
    items = list(read_file(found))
    assert _summary(items) == [(i, "unterminated_quote" if i == 10 else "ok") for i in range(100)]


def test_an_unterminated_quote_longer_than_the_record_limit_is_read_again(tmp_path: Path):
    """A quote that never closes and runs past ``max_record_bytes`` is ``too_large``; the file is
    read again from the line after it, so the rows after it are still articles."""
    body = ["title,text", 'A,"never closed']
    body += [f"Row {i},plain text number {i}" for i in range(200)]
    (tmp_path / "feed.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    (found,) = discover(tmp_path)
    items = list(read_file(found, LimitsConfig(max_record_bytes=1024)))
    assert _summary(items) == [(0, "too_large")] + [(i, "ok") for i in range(1, 201)]


def test_a_parquet_row_over_the_record_limit_is_too_large(tmp_path: Path):
    """A Parquet row whose text is longer than ``max_record_bytes`` is one ``too_large`` reject;
    the other rows are read."""
    texts = ["short one", "x" * 5000, "short two"]
    pq.write_table(pa.table({"text": texts}), tmp_path / "f.parquet")
    (found,) = discover(tmp_path)
    items = list(read_file(found, LimitsConfig(max_record_bytes=1000)))
    assert _summary(items) == [(0, "ok"), (1, "too_large"), (2, "ok")]


def test_a_bomb_of_line_breaks_is_too_large_not_a_hang(tmp_path: Path):
    """A .jsonl.gz of nothing but line breaks (no record, billions of empty lines once
    unpacked) stops at 4 × ``max_records_per_file`` lines with a ``too_large`` reject."""
    (tmp_path / "blank.jsonl.gz").write_bytes(gzip.compress(b"\n" * (4 << 20), 9))
    (found,) = discover(tmp_path)
    items = list(read_file(found, LimitsConfig(max_records_per_file=1000)))
    assert _summary(items) == [(None, "too_large")]


def test_an_in_root_link_inside_a_linked_folder_is_read(tmp_path: Path):
    """A linked folder's files are opened inside the whole input directory, like every other
    file: a relative link in it to a file elsewhere in the input is read, not an
    ``outside_input`` reject."""
    inp = tmp_path / "in"
    (inp / ".feeds").mkdir(parents=True)
    (inp / "sub").mkdir()
    (inp / "sub" / "y.jsonl").write_text(feed_lines(2), encoding="utf-8")
    (inp / ".feeds" / "rel.jsonl").symlink_to("../sub/y.jsonl")
    (inp / "linked").symlink_to(".feeds", target_is_directory=True)
    files = {f.relpath: f for f in discover(inp)}
    assert set(files) == {"linked/rel.jsonl", "sub/y.jsonl"}
    assert _summary(list(read_file(files["linked/rel.jsonl"]))) == [(0, "ok"), (1, "ok")]


def test_an_unterminated_quote_on_one_over_long_line_is_one_reject(tmp_path: Path):
    """A quote that never closes on a single line longer than ``max_record_bytes`` is one
    ``too_large`` reject; reading the file again from the line after it passes over that line
    instead of failing on it, so the rows after it are articles and no ``read_error`` appears."""
    body = ["title,text", 'A,"' + "x" * 3000]
    body += [f"Row {i},plain text number {i}" for i in range(3)]
    (tmp_path / "feed.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    (found,) = discover(tmp_path)
    items = list(read_file(found, LimitsConfig(max_record_bytes=1024)))
    assert _summary(items) == [(0, "too_large"), (1, "ok"), (2, "ok"), (3, "ok")]


def test_a_streamed_json_bomb_of_brackets_stops_at_the_depth_cap(tmp_path: Path):
    """A small ``.json.gz`` that unpacks to millions of ``[`` (streamed, being over
    ``max_record_bytes``) stops with one ``bad_json`` reject naming the nesting once the cap
    is passed, instead of scanning every bracket; the item before it is kept."""
    doc = b'[{"text": "kept"}, ' + b"[" * 3_000_000
    (tmp_path / "deep.json.gz").write_bytes(gzip.compress(doc, 9))
    (found,) = discover(tmp_path)
    items = list(read_file(found, LimitsConfig(max_record_bytes=1024)))
    assert _summary(items) == [(0, "ok"), (1, "bad_json")]
    assert isinstance(items[1], Reject) and "nested deeper than" in items[1].detail


def _without_read_override() -> list[str] | None:
    """A command prefix under which file permissions apply to this user (``None``: none)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    probe = subprocess.run(
        [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", "true"],
        capture_output=True,
        check=False,
    )
    return None if probe.returncode else [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.slow
def test_permission_denied_input_is_a_reject_row_on_every_run(tmp_path: Path):
    """A file and a folder the job may not read are one ``unreadable`` reject row each, with
        the real CLI (as root, with the capability to override permissions dropped): the other
        records are articles, and every later run of the same day tries them again (exit 0, not 74,
    though the third run repeats the second one's id)."""
    prefix = _without_read_override()
    if prefix is None:
        pytest.skip("root without setpriv: permissions cannot be made to apply")
    inp, out = tmp_path / "in", tmp_path / "o"
    (inp / "locked").mkdir(parents=True)
    (inp / "feed.jsonl").write_text(feed_lines(3), encoding="utf-8")
    (inp / "denied.jsonl").write_text(feed_lines(2, start=10), encoding="utf-8")
    (inp / "locked" / "more.jsonl").write_text(feed_lines(2, start=20), encoding="utf-8")
    (inp / "denied.jsonl").chmod(0)
    (inp / "locked").chmod(0)
    command = [*prefix, sys.executable, "-m", "normnews", "run", str(inp), "--out", str(out)]
    command += ["--run-date", DAY, "--workers", "1", "--max-error-rate", "1"]
    try:
        for _ in range(3):
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stdout + done.stderr
    finally:
        (inp / "locked").chmod(0o755)
    rejects = sorted((r["source"], r["reason"]) for r in rows(out, "rejects"))
    # The third run repeats the second one's id, so it rewrites the same part files.
    assert rejects == [("denied.jsonl", "unreadable")] * 2 + [("locked", "unreadable")] * 2
    assert len(rows(out, "articles")) == 3
