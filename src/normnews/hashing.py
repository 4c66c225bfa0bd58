"""Fast, stable hashes: the only home of xxhash.

Every hash that ends up in output or state is computed here, so its algorithm and seed are
recorded in one place and can be named in the history header.
"""

from __future__ import annotations

import os
from pathlib import Path

import xxhash

HASH_NAME = "xxh3_64"
"""Name of the 64-bit hash used for exact keys and line keys (recorded in state headers)."""

_FILE_CHUNK = 1 << 20


def hash64(text: str) -> int:
    """A stable unsigned 64-bit hash of ``text`` (UTF-8).

    >>> hash64("abc") == hash64("abc") and hash64("abc") != hash64("abd")
    True
    """
    return xxhash.xxh3_64_intdigest(text.encode("utf-8"))


def stable_id(*parts: str) -> str:
    """A 16-hex-digit id from ``parts`` (joined with a unit separator).

    >>> len(stable_id("a/b.txt", "0"))
    16
    """
    return xxhash.xxh3_64_hexdigest("\x1f".join(parts).encode("utf-8"))


def file_digest(path: Path) -> str:
    """Content hash of a file (xxh3-128, hex), read in 1 MiB chunks."""
    h = xxhash.xxh3_128()
    with path.open("rb") as fh:
        while chunk := fh.read(_FILE_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def fd_digest(fd: int) -> str:
    """:func:`file_digest` of an open descriptor, read with ``pread`` (its offset untouched)."""
    h = xxhash.xxh3_128()
    pos = 0
    while chunk := os.pread(fd, _FILE_CHUNK, pos):
        h.update(chunk)
        pos += len(chunk)
    return h.hexdigest()
