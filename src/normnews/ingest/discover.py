"""Find the input files of a run: a sorted, deterministic walk of the input directory.

Rules (the reader, not discovery, decides whether a file is usable, so nothing is dropped
without a reject row):

- Files and folders whose name starts with ``.`` are skipped, at any depth (``.git``,
  ``.DS_Store``, editors' ``.swp`` files, half-written ``.staging`` folders).
- Files with unsupported suffixes are still returned; ``read_file`` turns each into one
  ``unsupported_format`` reject.
- A symlink is followed only if it resolves inside the root. A link that points outside is
  returned with a problem, so the reader turns it into one ``outside_input`` reject (it is never
  opened): the input directory is the boundary of a run. The reader checks again when it opens
  the file (:mod:`normnews.ingest.safeopen`), so a link swapped after discovery is refused too.
  Linked folders are walked after all real ones, and only if their target was not walked
  already, so a loop ends, and a file reachable both ways keeps its real relpath (ids and the
  ledger key on it). A linked *file* is returned under the link's name. A link that cannot be
  resolved (dangling, or a loop of links) is returned, so the reader reports it as ``unreadable``.
- A sub-folder that cannot be listed is returned as if it were a file, for the same reason.
- A file name that is not UTF-8 keeps its bytes in ``relpath`` as ``\\xNN`` escapes (a
  ``source`` must be text); it is read like any other file.
- The output root is skipped when it lies inside the input directory (``exclude``): a run
  never reads its own output back in.
- The result is sorted by ``relpath``: the same tree always gives the same list.
"""

from __future__ import annotations

import dataclasses
import heapq
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from normnews.errors import InputError
from normnews.ingest.compression import COMPRESSIONS

logger = logging.getLogger(__name__)

FORMATS = ("txt", "md", "jsonl", "ndjson", "json", "csv", "tsv", "parquet", "html", "htm", "warc")
"""Format suffixes (without the dot) that have a reader, see ``readers.READERS``."""

SUPPORTED_SUFFIXES = tuple(f".{fmt}" for fmt in FORMATS)
"""File suffixes that have a reader; each may be followed by one of
:data:`COMPRESSION_SUFFIXES`."""

COMPRESSION_SUFFIXES = tuple(f".{comp}" for comp in COMPRESSIONS)
"""Compression suffixes decompressed transparently (``.gz``, ``.bz2``, ``.xz``, ``.zst``)."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file found under the input root.

    Attributes:
        path: Where to open it (the root joined with ``relpath``; not resolved, so a symlink
            stays a symlink).
        relpath: Path relative to the root, ``/``-separated: the ``source`` of its records.
        size: Size in bytes (0 when it could not be read).
        mtime_ns: Modification time in nanoseconds (of the link itself when the link is
            dangling).
        root: The input directory it was found in (``None``: the file's own folder).
        problem: ``(reason, detail)`` when discovery already knows it must not be read.
    """

    path: Path
    relpath: str
    size: int
    mtime_ns: int
    root: Path | None = None
    problem: tuple[str, str] | None = None

    @property
    def input_root(self) -> Path:
        """The folder the file must stay inside when opened."""
        return self.root if self.root is not None else self.path.parent


def relpath_text(name: str) -> str:
    """A file name as text: undecodable bytes (kept by Python as surrogates) become ``\\xNN``.

    >>> relpath_text(os.fsdecode(b"caf\\xe9.txt"))
    'caf\\\\xe9.txt'
    >>> relpath_text("café.txt")
    'café.txt'
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def format_of(relpath: str) -> tuple[str | None, str | None]:
    """The format and compression a file name announces, case-insensitively.

    Args:
        relpath: A file name or relative path.

    Returns:
        ``(format, compression)``, each without the dot, ``None`` when absent or not supported.

    >>> format_of("a/b.jsonl.gz")
    ('jsonl', 'gz')
    >>> format_of("NEWS.TXT")
    ('txt', None)
    >>> format_of("dump.tar.gz")
    (None, 'gz')
    >>> format_of("README")
    (None, None)
    """
    name = relpath.rsplit("/", 1)[-1].lower()
    compression = None
    stem, dot, last = name.rpartition(".")
    if dot and stem and last in COMPRESSIONS:
        compression = last
        name = stem
    stem, dot, last = name.rpartition(".")
    fmt = last if dot and stem and last in FORMATS else None
    return fmt, compression


def discover(root: Path, *, exclude: Path | None = None) -> list[InputFile]:
    """List every candidate input file under ``root`` (see the module docstring for the rules).

    Args:
        root: The input directory.
        exclude: A folder never to walk into (the output root, when it lies inside ``root``).

    Returns:
        The files, sorted by ``relpath``.

    Raises:
        InputError: ``root`` is missing, is not a directory, or cannot be listed.
    """
    root = Path(root)
    if not root.exists():
        raise InputError(
            f"Input directory '{root}' does not exist. Pass the folder that holds the article "
            "files, e.g. `normnews run ./incoming --out ./clean`."
        )
    if not root.is_dir():
        raise InputError(
            f"Input path '{root}' is a file, not a directory. Pass the folder that contains it "
            f"('{root.parent}') instead."
        )
    try:
        real_root = root.resolve(strict=True)
        with os.scandir(root):
            pass
    except OSError as exc:
        raise InputError(
            f"Input directory '{root}' cannot be read ({exc.strerror or exc}). Check its "
            "permissions: the user running normnews needs read and execute access on it."
        ) from None

    found: list[InputFile] = []
    visited = {real_root}
    if exclude is not None:
        # Marked as walked already: the output root is never read as input.
        visited.add(Path(os.path.realpath(exclude)))
    # Linked folders wait until every real folder has been walked (see the module docstring).
    linked: list[tuple[str, Path, Path]] = []
    _walk(root, "", real_root, visited, linked, found)
    while linked:
        relpath, path, target = heapq.heappop(linked)
        if target in visited:
            logger.info("skipping %s: folder %s is already part of the input", relpath, target)
            continue
        visited.add(target)
        _walk(path, relpath + "/", real_root, visited, linked, found)
    # Every file, linked folders' too, is opened inside the whole input root, not its folder.
    found = [dataclasses.replace(f, root=root) for f in found]
    found.sort(key=lambda f: f.relpath)
    return found


def _walk(
    top: Path,
    top_prefix: str,
    real_root: Path,
    visited: set[Path],
    linked: list[tuple[str, Path, Path]],
    found: list[InputFile],
) -> None:
    """Walk ``top`` in name order without following folder links (they go to ``linked``)."""
    stack: list[tuple[Path, str]] = [(top, top_prefix)]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            logger.warning("cannot list %s: %s; reporting it as unreadable", folder, exc)
            found.append(_placeholder(folder, prefix.rstrip("/")))
            continue
        subdirs: list[tuple[Path, str]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            relpath = prefix + relpath_text(entry.name)
            if entry.is_symlink():
                target = _resolve(path)
                if target is None:
                    found.append(_placeholder(path, relpath))
                    continue
                if not target.is_relative_to(real_root):
                    logger.warning(
                        "not reading %s: symlink to %s, outside the input", relpath, target
                    )
                    problem = (
                        "outside_input",
                        f"symlink to {relpath_text(str(target))!r}, outside the input directory; "
                        "not read (copy the file in to include it)",
                    )
                    found.append(dataclasses.replace(_placeholder(path, relpath), problem=problem))
                    continue
                if target.is_dir():
                    heapq.heappush(linked, (relpath, path, target))
                    continue
            elif entry.is_dir(follow_symlinks=False):
                real = path.resolve()
                if real not in visited:
                    visited.add(real)
                    subdirs.append((path, relpath + "/"))
                continue
            try:
                st = entry.stat()
            except OSError:
                found.append(_placeholder(path, relpath))
                continue
            found.append(InputFile(path, relpath, st.st_size, st.st_mtime_ns))
        # Reversed so the stack pops folders in name order.
        stack.extend(reversed(subdirs))


def _resolve(path: Path) -> Path | None:
    """The final target of a symlink, or ``None`` if it dangles or loops."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        # Python 3.11 raises RuntimeError for a symlink loop, later versions OSError(ELOOP).
        return None


def _placeholder(path: Path, relpath: str) -> InputFile:
    """An entry for something that exists but cannot be read, so the reader rejects it."""
    try:
        mtime_ns = path.lstat().st_mtime_ns
    except OSError:
        mtime_ns = 0
    return InputFile(path, relpath, 0, mtime_ns)
