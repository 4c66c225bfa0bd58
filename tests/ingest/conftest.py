"""Fixtures for the ingest tests: every input file is written here, inside tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from normnews.ingest.compression import compress
from normnews.ingest.discover import InputFile
from normnews.ingest.readers import Item, read_file

CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", Path(__file__).parents[3] / "shared" / "corpora"))
"""The shared evaluation corpora (../shared/corpora from the repo, or $NORMNEWS_CORPORA)."""


def write_input(
    root: Path, relpath: str, data: bytes | str, compression: str | None = None
) -> InputFile:
    """Write ``data`` (str as UTF-8) to ``root/relpath``, compressed if asked; return its InputFile.

    ``relpath`` is the name before compression: ``write_input(root, "a.jsonl", ..., "gz")``
    writes ``a.jsonl.gz``.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if compression is not None:
        raw = compress(raw, compression)
        relpath = f"{relpath}.{compression}"
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    st = path.stat()
    return InputFile(path, relpath, st.st_size, st.st_mtime_ns)


@pytest.fixture
def read_input(tmp_path: Path) -> Callable[..., list[Item]]:
    """Write one input file under tmp_path and read it back with read_file."""

    def _read(relpath: str, data: bytes | str, compression: str | None = None) -> list[Item]:
        return list(read_file(write_input(tmp_path, relpath, data, compression)))

    return _read
