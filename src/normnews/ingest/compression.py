"""Transparent decompression of input files: the only home of zstandard.

Each supported compression suffix maps to one opener in :data:`OPENERS`. Every opener returns a
binary stream that yields the *decompressed* bytes and reports a cut-off stream as
:class:`EOFError`, whatever the codec (zstandard alone would stop silently, so its frames are
checked here). :func:`stream_error_reason` turns the errors a stream can raise while being read
into the reject reasons readers emit.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zstandard

_CHUNK = 1 << 16
_ZSTD_INPUT_CHUNK = 1 << 14


class _ZstdReader(io.RawIOBase):
    """Decompress a (possibly multi-frame) zstd stream and notice when it is cut off.

    ``ZstdDecompressor.stream_reader`` returns an empty read at the end of the input even when
    the last frame is incomplete, which would lose a truncated file without a word. Here every
    frame must reach its end, or reading raises :class:`EOFError` like gzip, bz2 and lzma do.
    """

    def __init__(self, raw: io.BufferedIOBase) -> None:
        super().__init__()
        self._raw = raw
        self._dctx = zstandard.ZstdDecompressor()
        self._dobj = self._dctx.decompressobj()
        self._in_frame = False
        self._pending = b""
        self._pos = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while self._pos == len(self._pending) and not self._done:
            self._pending, self._pos = self._fill(), 0
        n = min(len(view), len(self._pending) - self._pos)
        view[:n] = memoryview(self._pending)[self._pos : self._pos + n]
        self._pos += n
        return n

    def _fill(self) -> bytes:
        """Decompress the next input chunk (small, to bound the output of one call)."""
        chunk = self._raw.read(_ZSTD_INPUT_CHUNK)
        if not chunk:
            self._done = True
            if self._in_frame:
                raise EOFError("zstd stream ended before the end of its last frame")
            return b""
        out = []
        while chunk:
            self._in_frame = True
            out.append(self._dobj.decompress(chunk))
            if not self._dobj.eof:
                break
            # A frame ended: what follows in this chunk is the next frame (concatenated
            # .zst files are valid, like multi-member gzip).
            chunk = self._dobj.unused_data
            self._dobj = self._dctx.decompressobj()
            self._in_frame = False
        return b"".join(out)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def _open_plain(path: Path) -> io.BufferedIOBase:
    return path.open("rb")


def _open_gzip(path: Path) -> io.BufferedIOBase:
    return gzip.open(path, "rb")


def _open_bz2(path: Path) -> io.BufferedIOBase:
    return bz2.open(path, "rb")


def _open_xz(path: Path) -> io.BufferedIOBase:
    return lzma.open(path, "rb")


def _open_zstd(path: Path) -> io.BufferedIOBase:
    return io.BufferedReader(_ZstdReader(path.open("rb")), buffer_size=_CHUNK)


OPENERS: dict[str | None, Callable[[Path], io.BufferedIOBase]] = {
    None: _open_plain,
    "gz": _open_gzip,
    "bz2": _open_bz2,
    "xz": _open_xz,
    "zst": _open_zstd,
}
"""Compression suffix (without the dot; ``None`` for none) -> opener of decompressed bytes."""

COMPRESSIONS = tuple(key for key in OPENERS if key is not None)
"""The compression suffixes handled transparently, without dots."""

_COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gz": lambda data: gzip.compress(data, mtime=0),
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": lambda data: zstandard.ZstdCompressor().compress(data),
}

_CORRUPT = (gzip.BadGzipFile, zlib.error, lzma.LZMAError, zstandard.ZstdError)


def open_decompressed(path: Path, compression: str | None) -> io.BufferedIOBase:
    """Open ``path`` for reading its decompressed bytes.

    Args:
        path: The file to open.
        compression: A key of :data:`OPENERS` (``"gz"``, ``"zst"``, ... or ``None``).

    Returns:
        A binary stream. Opening errors (missing file, permissions) raise :class:`OSError` here;
        decompression errors surface while reading (see :func:`stream_error_reason`).

    Raises:
        KeyError: ``compression`` is not one of :data:`COMPRESSIONS`.
    """
    return OPENERS[compression](path)


def compress(data: bytes, compression: str) -> bytes:
    """Compress ``data`` the way a file ending in ``.{compression}`` expects (for fixtures,
    benchmarks and sample data; the job itself only reads).

    Args:
        data: The bytes to compress.
        compression: One of :data:`COMPRESSIONS`.

    Returns:
        The compressed bytes (gzip with a zero timestamp, so the output is reproducible).

    >>> gzip.decompress(compress(b"news", "gz"))
    b'news'
    >>> compress(b"news", "gz") == compress(b"news", "gz")
    True
    """
    return _COMPRESSORS[compression](data)


def stream_error_reason(exc: BaseException) -> str | None:
    """The reject reason for an error raised while reading a (decompressed) stream.

    Args:
        exc: The exception caught around a read.

    Returns:
        ``"truncated_file"`` for a stream cut off before its end marker,
        ``"corrupt_compression"`` for compressed data that cannot be decoded,
        ``"unreadable"`` for an operating-system read error, or ``None`` when ``exc`` is none of
        these (the caller decides).

    >>> stream_error_reason(EOFError("Compressed file ended before the end-of-stream marker"))
    'truncated_file'
    >>> stream_error_reason(OSError("Invalid data stream"))  # bz2 says it this way
    'corrupt_compression'
    >>> stream_error_reason(PermissionError(13, "Permission denied"))
    'unreadable'
    >>> stream_error_reason(ValueError("x")) is None
    True
    """
    if isinstance(exc, EOFError):
        return "truncated_file"
    if isinstance(exc, _CORRUPT):
        return "corrupt_compression"
    if isinstance(exc, OSError):
        # bz2 raises a bare OSError without an errno for bad data; real I/O errors carry one.
        return "unreadable" if exc.errno is not None else "corrupt_compression"
    return None
