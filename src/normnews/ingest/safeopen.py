"""Open an input file once, safely, and read everything about it from that descriptor.

Discovery lists names; between listing and reading, a name can be swapped for a symlink to
``/etc/passwd``, a FIFO, or a device. So a file is opened exactly once per use, here:

- its real path is resolved and must lie inside the input root (a link to the outside is
  refused, whenever it was made);
- the path below the root is then opened component by component with ``O_NOFOLLOW`` relative to
  the previous folder's descriptor, so a link swapped in after the check is refused (``ELOOP``)
  instead of followed;
- ``O_NONBLOCK`` keeps a FIFO from blocking the open, and ``fstat`` on the opened descriptor
  must say "regular file" before a single byte is read;
- size, hash and content all come from that descriptor (:class:`OpenedInput`), read with
  ``pread`` so several independent streams can share it.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from types import TracebackType
from typing import Any

from normnews.hashing import fd_digest


class UnsafeInput(Exception):
    """The file cannot be opened as a regular file inside the input root.

    Attributes:
        reason: The reject reason (``outside_input`` or ``unreadable``).
        permanent: The file is what it is (a link out, a FIFO, a device), not a passing
            failure (gone, permission denied, swapped mid-read): it need not be retried
            until it changes.
    """

    def __init__(self, reason: str, detail: str, *, permanent: bool = False) -> None:
        super().__init__(detail)
        self.reason = reason
        self.permanent = permanent


class _PreadRaw(io.RawIOBase):
    """A seekable raw stream over a shared descriptor, with its own position (``pread``)."""

    def __init__(self, fd: int, size: int) -> None:
        super().__init__()
        self._fd = fd
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = os.pread(self._fd, len(view), self._pos)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        # The descriptor belongs to the OpenedInput; a stream only stops using it.
        super().close()


class OpenedInput:
    """An input file opened by :func:`open_input`: one descriptor for stat, hash and reads."""

    def __init__(self, fd: int, size: int) -> None:
        self.fd = fd
        self.size = size

    def stream(self) -> io.BufferedReader:
        """A fresh binary stream over the whole file (independent position)."""
        return io.BufferedReader(_PreadRaw(self.fd, self.size), buffer_size=1 << 16)

    def digest(self) -> str:
        """Content hash of the file (xxh3-128, hex), read from the open descriptor."""
        return fd_digest(self.fd)

    def close(self) -> None:
        """Close the descriptor (idempotent)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> OpenedInput:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_input(path: Path, root: Path) -> OpenedInput:
    """Open ``path`` (under ``root``) as a regular file, without following a link out.

    Args:
        path: The file as discovered (``root`` joined with its relpath; may be an in-root link).
        root: The input directory.

    Returns:
        The opened file.

    Raises:
        UnsafeInput: It resolves outside ``root``, is not a regular file, or cannot be opened.
    """
    try:
        real_root = Path(os.path.realpath(root))
        real = Path(os.path.realpath(path))
    except (OSError, ValueError) as exc:
        raise UnsafeInput("unreadable", f"cannot resolve the path: {exc}") from None
    if not real.is_relative_to(real_root) or real == real_root:
        raise UnsafeInput(
            "outside_input",
            f"resolves to {os.fsdecode(real)!r}, outside the input directory; not read (the "
            "input directory is the boundary of a run: copy the file in to include it)",
            permanent=True,
        )
    parts = real.relative_to(real_root).parts
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        dir_fd = os.open(real_root, flags | os.O_DIRECTORY)
    except OSError as exc:
        detail = f"cannot open the input directory: {exc.strerror}"
        raise UnsafeInput("unreadable", detail) from None
    fd = -1
    try:
        for name in parts[:-1]:
            nxt = os.open(name, flags | os.O_DIRECTORY, dir_fd=dir_fd)
            os.close(dir_fd)
            dir_fd = nxt
        fd = os.open(parts[-1], flags | os.O_NONBLOCK, dir_fd=dir_fd)
        st = os.fstat(fd)
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        os.close(dir_fd)
        raise UnsafeInput("unreadable", _open_error(exc)) from None
    os.close(dir_fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "a FIFO, socket or device"
        raise UnsafeInput("unreadable", f"not a regular file ({kind}); not read", permanent=True)
    # Reads of a regular file never block; clear the flag so nothing downstream is surprised.
    os.set_blocking(fd, True)
    return OpenedInput(fd, st.st_size)


def _open_error(exc: OSError) -> str:
    if exc.errno == getattr(os, "ELOOP", 40):
        return "a path component was replaced by a symlink after discovery; not followed"
    return f"cannot open: {exc.strerror or exc}"
