"""Transparent decompression of input files: the only home of zstandard.

Each supported compression suffix maps to one opener in :data:`OPENERS`. Every opener takes the
file's raw binary stream and returns a stream that yields the *decompressed* bytes and reports
a cut-off stream as :class:`EOFError`, whatever the codec (zstandard alone would stop silently,
so its frames are checked here). :func:`stream_error_reason` turns the errors a stream can raise
while being read into the reject reasons readers emit.

Bounds, so a decompression bomb costs a reject and not the machine:

- gzip and zstd are decompressed here in small steps (``max_length`` for zlib, 1 KiB of input
  per zstd call, which expands to at most ~32 MiB), bz2 and xz by the standard library, which
  bounds each step the same way;
- :func:`open_decompressed` counts the decompressed bytes and raises :class:`FileTooLarge` past
  the limit it is given.

Trailing garbage after the last complete gzip member or zstd frame (a partial download glued to
a good file, padding) ends the stream cleanly, as ``gzip -d`` does: every record before it is
delivered, and :func:`trailing_garbage` tells the reader how many bytes were ignored, so it can
add a reject row for them.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Callable
from typing import Any

import zstandard

_CHUNK = 1 << 16
_ZSTD_INPUT_CHUNK = 1 << 10
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class FileTooLarge(Exception):
    """More decompressed bytes than the per-file limit allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the file decompresses to more than {limit:,} bytes (limits.max_file_bytes); the "
            "rest of it is not read"
        )
        self.limit = limit


class _Raw(io.RawIOBase):
    """Common base: a readable raw stream that fills ``readinto`` from ``_next(n)``."""

    trailing = 0
    """Bytes of trailing garbage ignored after the last complete member/frame."""

    def __init__(self, raw: io.BufferedReader) -> None:
        super().__init__()
        self._raw = raw
        self._pending = b""
        self._pos = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while self._pos == len(self._pending) and not self._done:
            self._pending, self._pos = self._next(len(view)), 0
        n = min(len(view), len(self._pending) - self._pos)
        view[:n] = memoryview(self._pending)[self._pos : self._pos + n]
        self._pos += n
        return n

    def _next(self, size: int) -> bytes:
        raise NotImplementedError

    def _more(self, data: bytes, need: int) -> bytes:
        """``data`` extended from the raw stream to at least ``need`` bytes (if there are)."""
        while len(data) < need and (chunk := self._raw.read(_CHUNK)):
            data += chunk
        return data

    def _garbage(self, rest: bytes) -> None:
        """Stop at ``rest``, which is not the start of another member or frame."""
        total = len(rest)
        while chunk := self._raw.read(_CHUNK):
            total += len(chunk)
        self.trailing = total
        self._done = True

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _GzipReader(_Raw):
    """Multi-member gzip with bounded steps; trailing garbage ends the stream (see module)."""

    def __init__(self, raw: io.BufferedReader) -> None:
        super().__init__(raw)
        self._d = zlib.decompressobj(31)
        self._in_member = False

    def _next(self, size: int) -> bytes:
        size = max(size, _CHUNK)
        if self._d.eof:
            rest = self._more(self._d.unused_data, len(_GZIP_MAGIC))
            if not rest:
                self._done = True
                return b""
            if not rest.startswith(_GZIP_MAGIC):
                self._garbage(rest)
                return b""
            self._d = zlib.decompressobj(31)
            self._in_member = True
            return self._d.decompress(rest, size)
        if self._d.unconsumed_tail:
            return self._d.decompress(self._d.unconsumed_tail, size)
        chunk = self._raw.read(_CHUNK)
        if not chunk:
            self._done = True
            if self._in_member:
                raise EOFError("Compressed file ended before the end-of-stream marker was reached")
            return b""
        self._in_member = True
        return self._d.decompress(chunk, size)


def _zstd_frame_start(data: bytes) -> bool:
    """A zstd frame or a skippable frame (magic 0x184D2A5?) starts ``data``."""
    return data.startswith(_ZSTD_MAGIC) or (
        len(data) >= 4 and data[1:4] == b"\x2a\x4d\x18" and data[0] & 0xF0 == 0x50
    )


class _ZstdReader(_Raw):
    """Decompress a (possibly multi-frame) zstd stream and notice when it is cut off.

    ``ZstdDecompressor.stream_reader`` returns an empty read at the end of the input even when
    the last frame is incomplete, which would lose a truncated file without a word. Here every
    frame must reach its end, or reading raises :class:`EOFError` like gzip, bz2 and lzma do.
    """

    def __init__(self, raw: io.BufferedReader) -> None:
        super().__init__(raw)
        self._dctx = zstandard.ZstdDecompressor()
        self._dobj = self._dctx.decompressobj()
        self._in_frame = False
        self._carry = b""

    def _next(self, size: int) -> bytes:
        """Decompress the next small input chunk (small, to bound the output of one call)."""
        chunk = self._carry or self._raw.read(_ZSTD_INPUT_CHUNK)
        self._carry = b""
        if not chunk:
            self._done = True
            if self._in_frame:
                raise EOFError("zstd stream ended before the end of its last frame")
            return b""
        if not self._in_frame:
            chunk = self._more(chunk, len(_ZSTD_MAGIC))
            if not _zstd_frame_start(chunk) and self._seen_frame:
                self._garbage(chunk)
                return b""
        head, chunk = chunk[:_ZSTD_INPUT_CHUNK], chunk[_ZSTD_INPUT_CHUNK:]
        self._in_frame = True
        out = self._dobj.decompress(head)
        if self._dobj.eof:
            # A frame ended: what follows is the next frame (concatenated .zst files are
            # valid, like multi-member gzip) or trailing garbage.
            chunk = self._dobj.unused_data + chunk
            self._dobj = self._dctx.decompressobj()
            self._in_frame = False
            self._seen_frame = True
        self._carry = chunk
        return out

    _seen_frame = False


class _Limited(io.RawIOBase):
    """Counts the decompressed bytes and stops past ``limit`` (:class:`FileTooLarge`)."""

    def __init__(self, inner: io.RawIOBase | io.BufferedIOBase, limit: int | None) -> None:
        super().__init__()
        self.inner = inner
        self._limit = limit
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.inner.readinto(buffer)
        if n is None:  # pragma: no cover - never for blocking streams
            return 0
        self._count += n
        if self._limit is not None and self._count > self._limit:
            raise FileTooLarge(self._limit)
        return n

    def close(self) -> None:
        if not self.closed:
            self.inner.close()
        super().close()


def _open_plain(raw: io.BufferedReader) -> io.RawIOBase | io.BufferedIOBase:
    return raw


def _open_gzip(raw: io.BufferedReader) -> io.RawIOBase | io.BufferedIOBase:
    return _GzipReader(raw)


def _open_bz2(raw: io.BufferedReader) -> io.RawIOBase | io.BufferedIOBase:
    return bz2.BZ2File(raw, "rb")


def _open_xz(raw: io.BufferedReader) -> io.RawIOBase | io.BufferedIOBase:
    return lzma.LZMAFile(raw, "rb")


def _open_zstd(raw: io.BufferedReader) -> io.RawIOBase | io.BufferedIOBase:
    return _ZstdReader(raw)


OPENERS: dict[str | None, Callable[[io.BufferedReader], io.RawIOBase | io.BufferedIOBase]] = {
    None: _open_plain,
    "gz": _open_gzip,
    "bz2": _open_bz2,
    "xz": _open_xz,
    "zst": _open_zstd,
}
"""Compression suffix (without the dot; ``None`` for none) -> decompressing wrapper."""

COMPRESSIONS = tuple(key for key in OPENERS if key is not None)
"""The compression suffixes handled transparently, without dots."""

_COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gz": lambda data: gzip.compress(data, mtime=0),
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": lambda data: zstandard.ZstdCompressor().compress(data),
}

_CORRUPT = (gzip.BadGzipFile, zlib.error, lzma.LZMAError, zstandard.ZstdError)


def open_decompressed(
    raw: io.BufferedReader, compression: str | None, *, limit: int | None = None
) -> io.BufferedReader:
    """Wrap the raw bytes of a file so reading gives its decompressed bytes.

    Args:
        raw: The file's binary stream (it is closed with the result).
        compression: A key of :data:`OPENERS` (``"gz"``, ``"zst"``, ... or ``None``).
        limit: Most decompressed bytes to deliver; reading past it raises
            :class:`FileTooLarge`. ``None``: no limit.

    Returns:
        A buffered binary stream. Decompression errors surface while reading (see
        :func:`stream_error_reason`).

    Raises:
        KeyError: ``compression`` is not one of :data:`COMPRESSIONS`.

    >>> stream = open_decompressed(io.BytesIO(compress(b"a\\n", "gz") + b"junk"), "gz")
    >>> stream.read(), trailing_garbage(stream)
    (b'a\\n', 4)
    """
    return io.BufferedReader(_Limited(OPENERS[compression](raw), limit), buffer_size=_CHUNK)


def trailing_garbage(stream: io.BufferedReader) -> int:
    """Bytes ignored after the last complete gzip member or zstd frame of a stream opened by
    :func:`open_decompressed` (0 when none, or for other codecs)."""
    limited = stream.raw
    inner = limited.inner if isinstance(limited, _Limited) else None
    return inner.trailing if isinstance(inner, _Raw) else 0


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
    if isinstance(exc, FileTooLarge):
        return "too_large"
    if isinstance(exc, EOFError):
        return "truncated_file"
    if isinstance(exc, _CORRUPT):
        return "corrupt_compression"
    if isinstance(exc, OSError):
        # bz2 raises a bare OSError without an errno for bad data; real I/O errors carry one.
        return "unreadable" if exc.errno is not None else "corrupt_compression"
    return None
