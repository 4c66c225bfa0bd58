"""Tests for normnews.ingest.readers: every format and compression, good and broken."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import random
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normnews import schema
from normnews.config import LimitsConfig
from normnews.ingest.compression import COMPRESSIONS, compress
from normnews.ingest.discover import InputFile, discover
from normnews.ingest.readers import READERS, Item, Source, read_file
from normnews.model import RawRecord, Reject
from normnews.scratch import park, unpark

from .conftest import CORPORA, write_input

Read = Callable[..., list[Item]]


def jsonl(*objs: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objs)


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def summary(items: list[Item]) -> list[tuple[int | None, str]]:
    """(record, "ok" or the reject reason) per item."""
    return [(i.record, "ok" if isinstance(i, RawRecord) else i.reason) for i in items]


def only_record(items: list[Item]) -> RawRecord:
    assert len(items) == 1, items
    (item,) = items
    assert isinstance(item, RawRecord), item
    return item


def only_reject(items: list[Item]) -> Reject:
    assert len(items) == 1, items
    (item,) = items
    assert isinstance(item, Reject), item
    return item


# --------------------------------------------------------------------------------------------
# One-article text files


def test_txt_first_non_empty_line_is_the_title(read_input: Read):
    """It takes the first non-empty line as the title and the rest, minus blank lines, as text."""
    rec = only_record(read_input("a.txt", "\n\n  Goal rush  \n\nThree goals.\nIn ten minutes.\n"))
    assert (rec.source, rec.record, rec.title) == ("a.txt", 0, "Goal rush")
    assert rec.text == "Three goals.\nIn ten minutes.\n"
    assert rec.encoding == "utf-8"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# Goal rush\n\nBody.", "Goal rush"),
        ("## Goal rush ##\n\nBody.", "Goal rush"),
        ("Goal rush\n=========\n\nBody.", "Goal rush"),
        ("#hashtag news\n\nBody.", "#hashtag news"),
    ],
)
def test_md_title_loses_heading_marks(read_input: Read, text: str, title: str):
    """It strips ATX '#' marks and setext underlines from a Markdown title."""
    rec = only_record(read_input("a.md", text))
    assert (rec.title, rec.text) == (title, "Body.")


def test_txt_with_only_a_title_is_empty_text(read_input: Read):
    """It rejects a one-line file as empty_text, naming the title it found."""
    reject = only_reject(read_input("a.txt", "Just a headline\n\n"))
    assert (reject.record, reject.reason) == (0, "empty_text")
    assert "Just a headline" in reject.detail


def test_whitespace_txt_is_empty_text(read_input: Read):
    """It rejects a file of blank lines as empty_text."""
    assert summary(read_input("a.txt", " \n\t\n")) == [(0, "empty_text")]


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.jsonl", "a.json", "a.csv", "a.tsv"])
def test_empty_file_is_one_empty_file_reject(read_input: Read, name: str):
    """It turns a zero-byte file of any format into one file-level empty_file reject."""
    reject = only_reject(read_input(name, b""))
    assert (reject.source, reject.record, reject.reason) == (name, None, "empty_file")


def test_binary_txt_is_not_text(read_input: Read):
    """It rejects a binary file named .txt as not_text, for the whole file."""
    reject = only_reject(read_input("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20))
    assert (reject.record, reject.reason) == (None, "not_text")


def test_cp1252_txt_keeps_pound_sign_and_curly_quotes(read_input: Read):
    """It decodes a cp1252 article (£, curly quotes, en dash) and records cp1252."""
    article = "Mutu sacked\n\nThe \u201c£15.8m\u201d striker \u2013 who denied it \u2013 is out.\n"
    rec = only_record(read_input("a.txt", article.encode("cp1252")))
    assert rec.encoding == "cp1252"
    assert rec.text == "The \u201c£15.8m\u201d striker \u2013 who denied it \u2013 is out.\n"


def test_latin1_txt_is_read(read_input: Read):
    """It reads latin-1 bytes (here also valid cp1252, which it then names)."""
    rec = only_record(read_input("a.txt", "Prix\n\nCafé: £3, déjà vu.".encode("latin-1")))
    assert (rec.text, rec.encoding) == ("Café: £3, déjà vu.", "cp1252")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Titre\n\nÉté à Paris.".encode("utf-16"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "Titre\n\nÉté à Paris.".encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF8 + "Titre\n\nÉté à Paris.".encode(), "utf-8-sig"),
    ],
)
def test_txt_with_bom(read_input: Read, data: bytes, encoding: str):
    """It reads UTF-16 and UTF-8 files with a BOM; the BOM is not part of the title."""
    rec = only_record(read_input("a.txt", data))
    assert (rec.title, rec.text, rec.encoding) == ("Titre", "Été à Paris.", encoding)


# --------------------------------------------------------------------------------------------
# JSON lines


def test_jsonl_reads_every_object(read_input: Read):
    """It yields one record per line, numbered from 0, with all fields."""
    items = read_input(
        "feed.jsonl",
        jsonl(
            {"title": "A", "text": "Body A", "url": "http://a", "published": "2024-01-01"},
            {"title": "B", "text": "Body B", "id": "b-1"},
        ),
    )
    assert items == [
        RawRecord("feed.jsonl", 0, "A", "Body A", "http://a", "2024-01-01", None, "utf-8"),
        RawRecord("feed.jsonl", 1, "B", "Body B", None, None, "b-1", "utf-8"),
    ]


def test_jsonl_keeps_good_lines_around_a_broken_one(read_input: Read):
    """It keeps the good lines of a file with one broken line, and their indexes stay put."""
    data = (
        jsonl({"text": "zero"}) + '{"text": "one", oops}\n' + "\n\n" + jsonl({"text": "two"}) + "\n"
    )
    items = read_input("feed.jsonl", data)
    assert summary(items) == [(0, "ok"), (1, "bad_json"), (2, "ok")]
    bad = items[1]
    assert isinstance(bad, Reject)
    assert bad.detail.startswith("line 2 column")
    assert "Expecting" in bad.detail


def test_jsonl_rejects_values_that_are_not_objects(read_input: Read):
    """It rejects a line holding an array, string or number as not_an_object."""
    items = read_input("f.jsonl", '[1, 2]\n"text"\n3\n{"text": "ok"}\n')
    assert summary(items) == [
        (0, "not_an_object"),
        (1, "not_an_object"),
        (2, "not_an_object"),
        (3, "ok"),
    ]
    assert "array" in items[0].detail


def test_jsonl_with_crlf_and_bom(read_input: Read):
    """It reads Windows line endings and a UTF-8 BOM, recording utf-8-sig."""
    data = codecs.BOM_UTF8 + b'{"text": "a"}\r\n{"text": "b"}\r\n'
    items = read_input("f.jsonl", data)
    assert [(i.text, i.encoding) for i in items] == [("a", "utf-8-sig"), ("b", "utf-8-sig")]


def test_jsonl_utf16_is_streamed(read_input: Read):
    """It reads a UTF-16 JSON-lines file with a BOM."""
    data = jsonl({"title": "Été", "text": "Très chaud"}, {"text": "Hiver"}).encode("utf-16")
    items = read_input("f.jsonl", data)
    assert [(i.title, i.text, i.encoding) for i in items] == [
        ("Été", "Très chaud", "utf-16-le"),
        (None, "Hiver", "utf-16-le"),
    ]


def test_jsonl_legacy_lines_fall_back_per_line(read_input: Read):
    """It decodes a cp1252 line as cp1252 and records that, while UTF-8 lines stay utf-8."""
    data = (
        b'{"text": "plain ascii"}\n'
        + '{"text": "£5 \u201cdeal\u201d"}\n'.encode("cp1252")
        + '{"text": "caf\u00e9"}\n'.encode("utf-8")
    )
    items = read_input("f.jsonl", data)
    assert [(i.text, i.encoding) for i in items] == [
        ("plain ascii", "utf-8"),
        ("£5 \u201cdeal\u201d", "cp1252"),
        ("café", "utf-8"),
    ]


def test_jsonl_binary_file_is_one_reject(read_input: Read):
    """It rejects a binary file named .jsonl once for the file, not once per noise line."""
    noise = bytes(range(256)) * 64
    reject = only_reject(read_input("f.jsonl", noise))
    assert (reject.record, reject.reason) == (None, "not_text")


def test_jsonl_only_blank_lines_is_empty_file(read_input: Read):
    """It rejects a JSON-lines file with nothing but blank lines as empty_file."""
    assert summary(read_input("f.jsonl", "\n \n\r\n")) == [(None, "empty_file")]


def test_jsonl_line_too_long_is_skipped(tmp_path: Path):
    """It rejects a line longer than limits.max_record_bytes as too_large and reads on."""
    data = jsonl({"text": "short"}, {"text": "x" * 500}, {"text": "after"})
    f = write_input(tmp_path, "f.jsonl", data)
    items = list(read_file(f, LimitsConfig(max_record_bytes=64)))
    assert summary(items) == [(0, "ok"), (1, "too_large"), (2, "ok")]


# --------------------------------------------------------------------------------------------
# Fields and aliases


def test_aliases_are_honoured_case_insensitively(read_input: Read):
    """It maps headline/body/link/date/guid, whatever their case, onto the record fields."""
    obj = {
        "Headline": "H",
        "BODY": "B",
        "Link": "http://l",
        "date": "2024-02-03",
        "GUID": "g",
    }
    rec = only_record(read_input("f.jsonl", jsonl(obj)))
    assert (rec.title, rec.text, rec.url, rec.published, rec.guid) == (
        "H",
        "B",
        "http://l",
        "2024-02-03",
        "g",
    )


def test_first_present_non_empty_alias_wins(read_input: Read):
    """It prefers text over body over content over article, skipping blank ones."""
    recs = read_input(
        "f.jsonl",
        jsonl(
            {"article": "4", "content": "3", "body": "2", "text": "1"},
            {"article": "4", "content": "3", "body": "2", "text": "  "},
            {"article": "4", "content": "3", "body": None},
            {"headline": "h", "title": "t", "text": "x"},
            {"headline": "h", "title": "", "text": "x"},
            {"id": "i", "guid": "g", "text": "x"},
        ),
    )
    assert [r.text for r in recs[:3]] == ["1", "2", "3"]
    assert [r.title for r in recs[3:5]] == ["t", "h"]
    assert recs[5].guid == "i"


def test_numbers_become_strings_and_nested_values_are_missing(read_input: Read):
    """It turns numbers into strings, and treats lists, objects and booleans as missing."""
    rec = only_record(
        read_input(
            "f.jsonl",
            jsonl({"id": 42, "title": ["a", "b"], "headline": True, "text": 7.5, "url": {}}),
        )
    )
    assert (rec.guid, rec.title, rec.text, rec.url) == ("42", None, "7.5", None)


def test_record_without_text_says_which_fields_were_present(read_input: Read):
    """It rejects a record with no text field as missing_text and lists its fields."""
    items = read_input("f.jsonl", jsonl({"title": "T", "summary": "S"}))
    reject = only_reject(items)
    assert (reject.record, reject.reason) == (0, "missing_text")
    assert "fields present: title, summary" in reject.detail


def test_record_with_blank_or_null_text_is_empty_text(read_input: Read):
    """It rejects a present but blank or null text field as empty_text."""
    items = read_input("f.jsonl", jsonl({"body": " \n "}, {"text": None}))
    assert summary(items) == [(0, "empty_text"), (1, "empty_text")]


def test_record_with_nested_text_is_missing_text(read_input: Read):
    """It rejects a text field holding a list as missing_text and says what it held."""
    reject = only_reject(read_input("f.jsonl", jsonl({"text": ["p1", "p2"]})))
    assert reject.reason == "missing_text"
    assert "holds a list" in reject.detail


def test_text_is_kept_exactly(read_input: Read):
    """It does not strip or normalise the text: that is cleaning's job."""
    text = "  Line one\r\n\tLine two  \u00a0\n"
    assert only_record(read_input("f.jsonl", jsonl({"text": text}))).text == text


# --------------------------------------------------------------------------------------------
# Whole JSON documents


def test_json_array_of_objects(read_input: Read):
    """It reads an array of objects, rejecting the items that are not objects."""
    items = read_input("a.json", json.dumps([{"text": "a"}, "junk", {"text": "c"}]))
    assert summary(items) == [(0, "ok"), (1, "not_an_object"), (2, "ok")]


def test_json_single_object_is_record_zero(read_input: Read):
    """It reads a single object as record 0, even if it has a 'data' field."""
    rec = only_record(read_input("a.json", json.dumps({"text": "a", "data": [1, 2]})))
    assert (rec.record, rec.text) == (0, "a")


@pytest.mark.parametrize("key", ["articles", "items", "data", "Records"])
def test_json_container_object(read_input: Read, key: str):
    """It reads the array under a container key of an object that has no text itself."""
    doc = {"feed": "x", key: [{"text": "a"}, {"text": "b"}]}
    assert summary(read_input("a.json", json.dumps(doc))) == [(0, "ok"), (1, "ok")]


def test_json_lines_saved_as_json(read_input: Read):
    """It reads a .json file that holds one object per line as JSON lines."""
    items = read_input("a.json", jsonl({"text": "a"}, {"text": "b"}))
    assert [i.text for i in items] == ["a", "b"]


def test_json_array_with_trailing_junk_is_one_reject(read_input: Read):
    """It rejects an array followed by junk once, instead of reading it line by line."""
    reject = only_reject(read_input("a.json", '[{"text": "a"}]\n{"text": "b"}\n'))
    assert (reject.record, reject.reason) == (None, "bad_json")
    assert "Extra data" in reject.detail


def test_broken_json_document_is_one_reject(read_input: Read):
    """It rejects an unparsable .json document once, with the position of the error."""
    reject = only_reject(read_input("a.json", '[{"text": "a"},\n {"text": '))
    assert (reject.record, reject.reason) == (None, "bad_json")
    assert "line 2" in reject.detail


def test_json_scalar_document_is_not_an_object(read_input: Read):
    """It rejects a .json document that is a bare string."""
    assert summary(read_input("a.json", '"hello"')) == [(None, "not_an_object")]


def test_json_empty_array_is_empty_file(read_input: Read):
    """It rejects a .json document holding an empty array as empty_file."""
    assert summary(read_input("a.json", "[]")) == [(None, "empty_file")]


# --------------------------------------------------------------------------------------------
# CSV and TSV


def test_csv_rows_become_records(read_input: Read):
    """It maps a header with aliases onto records numbered by data row."""
    data = csv_text(
        [["Headline", "Body", "Link"], ["A", "Body A", "http://a"], ["B", "Body B", ""]]
    )
    items = read_input("a.csv", data)
    assert items == [
        RawRecord("a.csv", 0, "A", "Body A", "http://a", None, None, "utf-8"),
        RawRecord("a.csv", 1, "B", "Body B", None, None, None, "utf-8"),
    ]


def test_csv_row_with_wrong_field_count_is_rejected_alone(read_input: Read):
    """It rejects a row with too many fields as bad_row and keeps the rows around it."""
    data = "title,text\nA,one\nB,two,extra\nC,three\n"
    items = read_input("a.csv", data)
    assert summary(items) == [(0, "ok"), (1, "bad_row"), (2, "ok")]
    assert items[1].detail == "line 3: 3 fields, the header has 2"


def test_csv_quoted_multiline_field_and_blank_lines(read_input: Read):
    """It keeps newlines inside quoted fields and skips blank lines without counting them."""
    data = 'title,text\n\n"A","para one\r\n\r\npara two"\n\nB,"say ""hi"""\n'
    items = read_input("a.csv", data)
    assert [(i.record, i.text) for i in items] == [
        (0, "para one\r\n\r\npara two"),
        (1, 'say "hi"'),
    ]


def test_csv_fields_larger_than_the_csv_module_default(read_input: Read):
    """It reads a field larger than the csv module's default 128 KiB limit."""
    big = "word " * 60_000
    rec = only_record(read_input("a.csv", csv_text([["text"], [big]])))
    assert rec.text == big


def test_tsv_is_tab_separated(read_input: Read):
    """It reads .tsv with tabs as separators."""
    data = csv_text([["title", "content"], ["A", "x, y, z"]], delimiter="\t")
    rec = only_record(read_input("a.tsv", data))
    assert (rec.title, rec.text) == ("A", "x, y, z")


def test_csv_header_only_is_empty_file(read_input: Read):
    """It rejects a CSV with a header and no rows as empty_file."""
    assert summary(read_input("a.csv", "title,text\n")) == [(None, "empty_file")]


def test_csv_in_cp1252(read_input: Read):
    """It decodes cp1252 rows and records the encoding per row."""
    data = "title,text\nA,plain\nB,£10 \u201cbargain\u201d\n".encode("cp1252")
    items = read_input("a.csv", data)
    assert [(i.text, i.encoding) for i in items] == [
        ("plain", "utf-8"),
        ("£10 \u201cbargain\u201d", "cp1252"),
    ]


def test_csv_with_a_stray_nul_byte(read_input: Read):
    """It streams past a stray NUL byte: the row keeps it, the other rows are unaffected."""
    long_row = "A," + "one " * 100 + "\n"
    data = b"title,text\n" + long_row.encode() + b"B,t\x00wo\nC,three\n"
    items = read_input("a.csv", data)
    assert [(i.record, i.text) for i in items[1:]] == [(1, "t\x00wo"), (2, "three")]


# --------------------------------------------------------------------------------------------
# Parquet


def write_parquet(path: Path, rows: list[dict[str, object]]) -> None:
    schema.write_table(schema.table_from_rows(rows, schema.ARTICLES), path)


def test_parquet_columns_by_alias(tmp_path: Path):
    """It reads Parquet rows, mapping columns by alias and timestamps to ISO strings."""
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    rows: list[dict[str, object]] = [
        {"article_id": "x", "source": "s", "record": 0, "title": "T", "text": "Body",
         "url": "http://u", "published": when, "guid": "g"},
        {"article_id": "y", "source": "s", "record": 1, "title": None, "text": "  "},
    ]  # fmt: skip
    write_parquet(tmp_path / "a.parquet", rows)
    (f,) = discover(tmp_path)
    items = list(read_file(f))
    assert items[0] == RawRecord(
        "a.parquet", 0, "T", "Body", "http://u", "2024-05-06T07:08:09+00:00", "g", "utf-8"
    )
    assert summary(items[1:]) == [(1, "empty_text")]


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_compressed_parquet(tmp_path: Path, compression: str):
    """It reads a compressed Parquet file through a temporary copy."""
    write_parquet(
        tmp_path / "t.parquet", [{"article_id": "x", "source": "s", "record": 0, "text": "B"}]
    )
    data = (tmp_path / "t.parquet").read_bytes()
    (tmp_path / "t.parquet").unlink()
    f = write_input(tmp_path, "a.parquet", data, compression)
    assert summary(list(read_file(f))) == [(0, "ok")]


def test_corrupt_parquet_is_bad_parquet(read_input: Read):
    """It rejects a file that is not Parquet but is named .parquet."""
    reject = only_reject(read_input("a.parquet", b"PAR1 this is not really parquet"))
    assert (reject.record, reject.reason) == (None, "bad_parquet")


# --------------------------------------------------------------------------------------------
# Compression


FORMAT_SAMPLES: dict[str, str] = {
    "a.txt": "Title\n\nBody text.\n",
    "a.md": "# Title\n\nBody text.\n",
    "a.jsonl": jsonl({"title": "Title", "text": "Body text."}),
    "a.ndjson": jsonl({"title": "Title", "text": "Body text."}),
    "a.json": json.dumps([{"title": "Title", "text": "Body text."}]),
    "a.csv": "title,text\nTitle,Body text.\n",
    "a.tsv": "title\ttext\nTitle\tBody text.\n",
}


@pytest.mark.parametrize("compression", [None, *COMPRESSIONS])
@pytest.mark.parametrize("name", sorted(FORMAT_SAMPLES))
def test_every_format_with_every_compression(read_input: Read, name: str, compression: str | None):
    """It reads each text format plain and compressed alike."""
    rec = only_record(read_input(name, FORMAT_SAMPLES[name], compression))
    assert (rec.title, rec.text.rstrip("\n"), rec.record) == ("Title", "Body text.", 0)
    assert rec.source == name + (f".{compression}" if compression else "")


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_truncated_stream_keeps_records_before_the_cut(tmp_path: Path, compression: str):
    """It keeps the lines decoded before a truncation and adds one truncated_file reject."""
    rng = random.Random(0)
    # Incompressible; for bz2 over 3 blocks (900 kB each), so some blocks end before the cut.
    count = 20_000 if compression == "bz2" else 3_000
    lines = [
        {"title": f"T{i}", "text": f"Body {i} {rng.randbytes(60).hex()}"} for i in range(count)
    ]
    packed = compress(jsonl(*lines).encode(), compression)
    f = write_input(tmp_path, f"a.jsonl.{compression}", packed[: len(packed) * 3 // 4])
    items = list(read_file(f))
    *good, last = items
    assert len(good) > count // 2, "the records before the cut are kept"
    assert good == [
        RawRecord(f.relpath, i, f"T{i}", lines[i]["text"], encoding="utf-8")
        for i in range(len(good))
    ]
    assert isinstance(last, Reject)
    assert (last.record, last.reason) == (len(good), "truncated_file")


@pytest.mark.parametrize("name", ["a.txt", "a.json", "a.csv"])
def test_truncated_gzip_before_any_record_is_a_file_reject(tmp_path: Path, name: str):
    """It rejects a gzip cut off before the first record for the whole file (record None)."""
    packed = compress(FORMAT_SAMPLES[name].encode() * 50, "gz")
    f = write_input(tmp_path, name + ".gz", packed[:20])
    assert summary(list(read_file(f))) == [(None, "truncated_file")]


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_data_that_is_not_compressed_is_corrupt_compression(tmp_path: Path, compression: str):
    """It rejects a file whose bytes do not match its compression suffix."""
    f = write_input(tmp_path, f"a.jsonl.{compression}", b"this is plain text, not compressed\n" * 4)
    reject = only_reject(list(read_file(f)))
    assert (reject.record, reject.reason) == (None, "corrupt_compression")


def test_corrupted_gzip_middle_keeps_the_start(tmp_path: Path):
    """It keeps the records before damage inside a gzip stream, then rejects the rest."""
    rng = random.Random(1)
    lines = [{"text": f"Body {i} {rng.randbytes(50).hex()}"} for i in range(3000)]
    packed = bytearray(compress(jsonl(*lines).encode(), "gz"))
    middle = len(packed) // 2
    packed[middle : middle + 64] = b"\xff" * 64
    items = list(read_file(write_input(tmp_path, "a.jsonl.gz", bytes(packed))))
    assert items[:1000] == [
        RawRecord("a.jsonl.gz", i, None, lines[i]["text"], encoding="utf-8") for i in range(1000)
    ]
    # Deflate notices damage late: a few garbled lines may come out (and be rejected) first.
    last = items[-1]
    assert isinstance(last, Reject)
    assert (last.record, last.reason) == (len(items) - 1, "corrupt_compression")
    assert len(items) < len(lines)


def test_multi_frame_zstd_is_read_whole(tmp_path: Path):
    """It reads every frame of a .zst file made of concatenated frames."""
    frames = [compress(jsonl({"text": t}).encode(), "zst") for t in "ab"]
    data = b"".join(frames)
    items = list(read_file(write_input(tmp_path, "a.jsonl.zst", data)))
    assert [i.text for i in items] == ["a", "b"]


# --------------------------------------------------------------------------------------------
# Files that cannot be read


def test_unsupported_suffix_names_the_supported_ones(read_input: Read):
    """It rejects an unknown suffix once and lists the suffixes it can read."""
    reject = only_reject(read_input("report.pdf", b"%PDF-1.4"))
    assert (reject.record, reject.reason) == (None, "unsupported_format")
    assert ".jsonl" in reject.detail and ".zst" in reject.detail


def test_vanished_file_is_unreadable(tmp_path: Path):
    """It rejects a file deleted between discovery and reading as unreadable."""
    f = write_input(tmp_path, "a.jsonl", jsonl({"text": "x"}))
    f.path.unlink()
    assert summary(list(read_file(f))) == [(None, "unreadable")]


def test_directory_is_unreadable(tmp_path: Path):
    """It rejects a directory handed over as a file as unreadable."""
    (tmp_path / "d.txt").mkdir()
    f = InputFile(tmp_path / "d.txt", "d.txt", 0, 0)
    assert summary(list(read_file(f))) == [(None, "unreadable")]


def test_fifo_is_rejected_without_blocking(tmp_path: Path):
    """It rejects a named pipe instead of opening it (which would block)."""
    os.mkfifo(tmp_path / "pipe.jsonl")
    (f,) = discover(tmp_path)
    reject = only_reject(list(read_file(f)))
    assert reject.reason == "unreadable"
    assert "FIFO" in reject.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_is_unreadable(tmp_path: Path):
    """It rejects a file it may not read as unreadable."""
    f = write_input(tmp_path, "a.jsonl", jsonl({"text": "x"}))
    f.path.chmod(0)
    assert summary(list(read_file(f))) == [(None, "unreadable")]


def test_unexpected_reader_error_becomes_read_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """It turns an exception from a reader into a read_error reject after the records so far."""

    def failing_reader(f: Source) -> Iterator[Item]:
        yield RawRecord(f.relpath, 0, None, "fine")
        raise KeyError("boom")

    monkeypatch.setitem(READERS, "txt", failing_reader)
    items = list(read_file(write_input(tmp_path, "a.txt", "x")))
    assert summary(items) == [(0, "ok"), (1, "read_error")]
    assert items[1].detail == "KeyError: 'boom'"


# --------------------------------------------------------------------------------------------
# Accounting over a whole messy directory


def test_every_input_record_is_accounted_for(tmp_path: Path):
    """It yields exactly one item per input record across a directory of good and bad files."""
    expected: dict[str, int] = {}

    def add(rel: str, data: bytes | str, records: int, compression: str | None = None) -> None:
        f = write_input(tmp_path, rel, data, compression)
        expected[f.relpath] = records

    add("good.jsonl", jsonl({"text": "a"}, {"text": "b"}, {"nope": 1}), 3)
    add("broken.jsonl", jsonl({"text": "a"}) + "{bad\n\n" + jsonl({"text": "c"}), 3)
    add("rows.csv", "title,text\nA,x\nB,y,z\nC,w\n", 3)
    add("one.txt", "Title\n\nBody", 1)
    add("empty.txt", b"", 1)
    add("binary.txt", b"\x00\x01\x02\x03" * 100, 1)
    add("arr.json", json.dumps([{"text": "a"}, 1, {"body": ""}]), 3)
    add("other.pdf", b"%PDF", 1)
    add("hidden/.skipped.jsonl", jsonl({"text": "a"}), 0)
    add("z.jsonl", jsonl(*({"text": str(i)} for i in range(50))), 50, "bz2")
    packed = compress(jsonl(*({"text": "x" * 100} for _ in range(3000))).encode(), "gz")
    truncated = write_input(tmp_path, "cut.jsonl.gz", packed[: len(packed) // 2])

    files = discover(tmp_path)
    counted = {f.relpath: sum(1 for _ in read_file(f)) for f in files}
    cut = counted.pop(truncated.relpath)
    assert counted == {k: v for k, v in expected.items() if v}
    # The truncated file represents its good records plus one reject for the lost rest.
    items = list(read_file(truncated))
    assert cut == len(items) == sum(isinstance(i, RawRecord) for i in items) + 1
    # (source, record) identifies every item.
    keys = [(i.source, i.record) for f in files for i in read_file(f)]
    assert len(keys) == len(set(keys))


# --------------------------------------------------------------------------------------------
# Properties


@settings(max_examples=100, deadline=None)
@given(
    articles=st.lists(
        st.tuples(st.text(), st.text().filter(lambda t: t.strip())), min_size=1, max_size=8
    ),
    compression=st.sampled_from([None, "gz", "zst"]),
    ascii_only=st.booleans(),
)
def test_jsonl_round_trip(
    articles: list[tuple[str, str]], compression: str | None, ascii_only: bool
):
    """Any unicode title and text written as JSON lines (escaped or raw UTF-8) reads back."""
    data = "".join(
        json.dumps({"title": t, "text": x}, ensure_ascii=ascii_only) + "\n" for t, x in articles
    ).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        f = write_input(Path(tmp), "a.jsonl", data, compression)
        items = list(read_file(f))
    # A blank title counts as missing; the text is never touched.
    assert items == [
        RawRecord(f.relpath, i, t if t.strip() else None, x, encoding="utf-8")
        for i, (t, x) in enumerate(articles)
    ]


# --------------------------------------------------------------------------------------------
# Real data


BBC_TAR = CORPORA / "bbc-news-fulltext" / "bbc-raw-data_files.tar.gz"


@pytest.mark.skipif(not BBC_TAR.exists(), reason=f"corpora not found at {BBC_TAR}")
def test_real_latin1_bbc_article(tmp_path: Path):
    """It decodes the one Latin-1 BBC article (sport/199.txt) with its £ signs intact."""
    with tarfile.open(BBC_TAR) as tar:
        member = tar.extractfile("dataset/data_files/sport/199.txt")
        assert member is not None
        data = member.read()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rec = only_record(list(read_file(write_input(tmp_path, "sport/199.txt", data))))
    assert rec.title == "Chelsea sack Mutu"
    assert rec.encoding == "cp1252"
    assert "a £15.8m signing from Parma" in rec.text
    assert "\ufffd" not in rec.text


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cut.jsonl", '{"title": "Emoji \\ud83d cut", "text": "Body \\udc00 here."}\n'),
        ("cut.json", '[{"title": "Emoji \\ud83d cut", "text": "Body \\udc00 here."}]'),
        (
            "nested.json",
            '{"articles": [{"title": "Emoji \\ud83d cut", "text": "Body \\udc00 here."}]}',
        ),
    ],
)
def test_lone_surrogate_escapes_become_replacement_characters(read_input: Read, name, data):
    """It reads a JSON string holding half of a surrogate pair (valid JSON, not valid text) as
    U+FFFD, so the record can be stored and processed; a whole pair stays the character."""
    rec = only_record(read_input(name, data))
    assert rec.title == "Emoji \ufffd cut" and rec.text == "Body \ufffd here."
    pair = only_record(read_input("pair.jsonl", '{"text": "Smile \\ud83d\\ude00"}\n'))
    assert pair.text == "Smile \U0001f600"
    # Storable: the scratch file's UTF-8 columns take it (a lone surrogate would not).
    with tempfile.TemporaryDirectory() as tmp:
        assert unpark(park([rec], Path(tmp), 0)) == [rec]
