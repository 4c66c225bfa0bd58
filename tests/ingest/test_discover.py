"""Tests for normnews.ingest.discover: which files a run sees, in which order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from normnews.errors import InputError
from normnews.ingest.discover import FORMATS, discover, format_of
from normnews.ingest.readers import READERS, read_file
from normnews.model import Reject

from .conftest import write_input


def relpaths(root: Path) -> list[str]:
    return [f.relpath for f in discover(root)]


def test_walks_recursively_in_sorted_order(tmp_path: Path):
    """It returns every file under the root, '/'-separated and sorted by relpath."""
    for rel in ["b/z.txt", "a.jsonl", "b/a/c.csv", "c.json.gz", "b/y.md"]:
        write_input(tmp_path, rel, "x")
    assert relpaths(tmp_path) == ["a.jsonl", "b/a/c.csv", "b/y.md", "b/z.txt", "c.json.gz"]


def test_records_path_size_and_mtime(tmp_path: Path):
    """It fills path, size and mtime_ns from the file itself."""
    write_input(tmp_path, "sub/a.txt", "hello")
    (found,) = discover(tmp_path)
    st = (tmp_path / "sub" / "a.txt").stat()
    assert found.path == tmp_path / "sub" / "a.txt"
    assert (found.size, found.mtime_ns) == (5, st.st_mtime_ns)


def test_is_deterministic(tmp_path: Path):
    """It gives the same list twice for the same tree."""
    for i in range(30):
        write_input(tmp_path, f"d{i % 4}/f{i}.txt", "x")
    assert discover(tmp_path) == discover(tmp_path)


def test_skips_hidden_files_and_folders(tmp_path: Path):
    """It skips any file or folder whose name starts with a dot, at any depth."""
    for rel in [".hidden.txt", ".git/a.txt", "ok/.DS_Store", "ok/.cache/b.txt", "ok/c.txt"]:
        write_input(tmp_path, rel, "x")
    assert relpaths(tmp_path) == ["ok/c.txt"]


def test_returns_unsupported_files_for_the_reader_to_reject(tmp_path: Path):
    """It keeps files with unknown suffixes, so they become rejects instead of vanishing."""
    write_input(tmp_path, "notes.pdf", b"%PDF-1.4")
    write_input(tmp_path, "README", "hello")
    assert relpaths(tmp_path) == ["README", "notes.pdf"]


def test_does_not_follow_symlinks_out_of_the_root(tmp_path: Path):
    """It never walks or reads a file or folder link that resolves outside the input root;
    each becomes one ``outside_input`` reject instead of vanishing."""
    root, outside = tmp_path / "in", tmp_path / "out"
    write_input(outside, "secret.txt", "x")
    write_input(root, "a.txt", "x")
    (root / "file_link.txt").symlink_to(outside / "secret.txt")
    (root / "dir_link").symlink_to(outside, target_is_directory=True)
    found = discover(root)
    assert [f.relpath for f in found] == ["a.txt", "dir_link", "file_link.txt"]
    rejects = [item for f in found[1:] for item in read_file(f)]
    assert [(r.source, r.reason) for r in rejects if isinstance(r, Reject)] == [
        ("dir_link", "outside_input"),
        ("file_link.txt", "outside_input"),
    ]


def test_follows_symlinks_inside_the_root(tmp_path: Path):
    """It returns a linked file, and walks a linked folder whose target is hidden otherwise."""
    write_input(tmp_path, "a.txt", "x")
    write_input(tmp_path, ".archive/old.txt", "x")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "archive").symlink_to(tmp_path / ".archive", target_is_directory=True)
    assert relpaths(tmp_path) == ["a.txt", "alias.txt", "archive/old.txt"]


def test_keeps_the_real_path_of_a_folder_reached_twice(tmp_path: Path):
    """It lists a folder reached by a real path and by a link once, under its real path."""
    write_input(tmp_path, "zz_real/a.txt", "x")
    (tmp_path / "aa_link").symlink_to(tmp_path / "zz_real", target_is_directory=True)
    assert relpaths(tmp_path) == ["zz_real/a.txt"]


def test_survives_a_symlink_loop(tmp_path: Path):
    """It terminates on links to an ancestor and on links that point at each other."""
    write_input(tmp_path, "sub/a.txt", "x")
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    found = discover(tmp_path)
    assert [f.relpath for f in found] == ["loop1", "loop2", "sub/a.txt"]
    # The looping links are reported, not silently dropped.
    rejects = [item for f in found[:2] for item in read_file(f)]
    assert [(r.source, r.record, r.reason) for r in rejects] == [
        ("loop1", None, "unreadable"),
        ("loop2", None, "unreadable"),
    ]


def test_reports_a_dangling_symlink(tmp_path: Path):
    """It returns a dangling link, which the reader rejects as unreadable."""
    (tmp_path / "gone.jsonl").symlink_to(tmp_path / "missing.jsonl")
    (found,) = discover(tmp_path)
    assert found.size == 0
    (reject,) = read_file(found)
    assert (reject.record, reject.reason) == (None, "unreadable")


def test_raises_input_error_for_a_missing_root(tmp_path: Path):
    """It raises InputError naming the path when the root does not exist."""
    with pytest.raises(InputError, match="does not exist"):
        discover(tmp_path / "nope")


def test_raises_input_error_for_a_file_root(tmp_path: Path):
    """It raises InputError that suggests the parent folder when the root is a file."""
    f = write_input(tmp_path, "a.txt", "x")
    with pytest.raises(InputError, match="not a directory"):
        discover(f.path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory")
def test_raises_input_error_for_an_unreadable_root(tmp_path: Path):
    """It raises InputError about permissions when the root cannot be listed."""
    root = tmp_path / "locked"
    root.mkdir()
    root.chmod(0)
    try:
        with pytest.raises(InputError, match="permissions"):
            discover(root)
    finally:
        root.chmod(0o755)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a/b.jsonl.gz", ("jsonl", "gz")),
        ("b.NDJSON.ZST", ("ndjson", "zst")),
        ("x.parquet", ("parquet", None)),
        ("x.csv.bz2", ("csv", "bz2")),
        ("x.tsv.xz", ("tsv", "xz")),
        ("x.md", ("md", None)),
        ("x.tar.gz", (None, "gz")),
        ("gz", (None, None)),
        ("x.gz.txt", ("txt", None)),
        ("x", (None, None)),
    ],
)
def test_format_of_reads_format_and_compression(name: str, expected: tuple[str | None, ...]):
    """It splits a name into its format and compression suffixes, case-insensitively."""
    assert format_of(name) == expected


def test_every_format_has_a_reader():
    """It keeps the suffix list and the reader registry in step."""
    assert set(READERS) == set(FORMATS)
