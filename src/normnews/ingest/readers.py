"""Read input files into raw records: one reader per format, chosen by suffix.

:func:`read_file` is the entry point. It never raises: whatever goes wrong becomes a
:class:`~normnews.model.Reject`, and every file yields at least one item, so for each file
*items yielded == input records it represents* (a file-level reject counts as one).

Formats (:data:`READERS`):

- ``.txt`` / ``.md``: one article per file. The first non-empty line is the title (for ``.md``
  without its ``#`` marks, or with a setext ``===`` underline dropped); the rest, after any blank
  lines, is the text. Record 0.
- ``.jsonl`` / ``.ndjson``: one JSON object per line, streamed. Blank lines are skipped, and a
  record's index is its index among the non-blank lines, so one bad line does not shift the
  indexes of the lines after it. A bad line is rejected (``bad_json``, ``not_an_object``) and the
  others are kept.
- ``.json``: read whole when it fits in ``limits.max_record_bytes``, else streamed item by item
  (:mod:`normnews.ingest.jsonstream`). Either an array of objects, or
  one object (record 0), or an object with no text field holding an array under the first of
  :data:`CONTAINER_KEYS` present (``{"articles": [...]}``). A ``.json`` file that is really
  JSON lines (the parser stops at "Extra data" and the first line is an object on its own) is
  read as JSON lines.
- ``.csv`` / ``.tsv``: streamed with the csv module (comma / tab, double-quote quoting, fields of
  any size). The first non-blank row is the header. ``record`` is the 0-based data row, blank
  rows not counted. A row with a different number of fields than the header is rejected
  (``bad_row``).
- ``.parquet``: streamed in batches through :mod:`normnews.schema`; columns are matched by the
  same aliases. Timestamps and dates become ISO 8601 strings.
- ``.warc`` (usually ``.warc.gz``): a crawl, read with warcio (:mod:`normnews.ingest.warc`).
  Each HTML response is an article like a ``.html`` page, its URL the ``WARC-Target-URI`` and
  its date, when the page has none, the ``WARC-Date``; ``record`` counts the pages. Requests,
  metadata and non-HTML responses are counted (logged) and skipped, not rejected; a file with
  no page at all is ``empty_file``. A stream cut off inside a record is ``truncated_file``,
  the pages before it kept.
- ``.html`` / ``.htm``: a saved page, one article (record 0), extracted with trafilatura
  (:mod:`normnews.ingest.html`). So is a ``.txt``/``.md`` file, or a record's text field, that
  is really a page (:func:`is_markup`), and a record's ``html``/``raw_html`` field when it has
  no text field. The page's title, URL and date fill what the record lacks; its author and
  site name go to ``extra``. A page without article text is ``empty_text``.

Any of them may end in ``.gz``, ``.bz2``, ``.xz`` or ``.zst``, decompressed on the fly.

Fields: a feed's mapping (:class:`Fields`, from ``[feeds.NAME]``) is tried first, then the first
alias in :data:`FIELD_ALIASES` that is present (case-insensitively, surrounding
spaces ignored) with a non-blank value wins. Strings are kept as they are; numbers become
``str(number)``; dates and times become ISO 8601; ``true``/``false``, ``null``, lists and objects
count as missing. A record without usable text is rejected here: ``missing_text`` when no text
alias holds a string (the detail lists the fields present), ``empty_text`` when one does but it is
blank.

Opening: every file is opened once through :func:`~normnews.ingest.safeopen.open_input` (inside
the input root, no link followed, a regular file by ``fstat``); its content hash, for the
ledger, is read from that same descriptor (:class:`ReadStats`).

Limits (:class:`~normnews.config.LimitsConfig`): a record (a line, a CSV row, a whole-file
article or ``.json`` document) longer than ``max_record_bytes`` is a ``too_large`` reject and
reading goes on after it; past ``max_file_bytes`` decompressed bytes or ``max_records_per_file``
records, the rest of the file is one ``too_large`` reject. Nothing holds more than one record.

Encodings: whole-file formats (``.txt``, ``.md``, ``.json``) are decoded at once with
:func:`~normnews.ingest.decode.decode_bytes`. Line formats (``.jsonl``, ``.csv``) are streamed so
memory stays bounded by the longest record (``max_record_bytes``), not the file: the first
64 KiB decide between a BOM'd UTF-16/32 stream (decoded as such) and 8-bit text, and 8-bit text
is decoded line by line, as UTF-8 when it is, otherwise with the legacy encoding found for the
first such line (or detected again if that does not fit). Each record carries the encoding its
bytes were decoded with.

Failures and their reasons (``record`` is ``None`` when no record of the file was read, else the
index the next record would have had, so ``(source, record)`` stays unique):

- ``unsupported_format``: no reader for the suffix;
- ``unreadable``: missing, a directory, not a regular file, permission denied, I/O error, a path
  component swapped for a symlink after discovery;
- ``outside_input``: a symlink that resolves outside the input directory (never opened);
- ``too_large``: past one of the limits above;
- ``trailing_garbage``: bytes after the last complete gzip member or zstd frame (every record
  before them is kept, as ``gzip -d`` keeps them);
- ``unterminated_quote``: a CSV quoted field never closed; the rows after its line are read
  again as rows, so one stray quote costs one row, not the rest of the file;
- ``not_text`` / ``decode_error``: binary data, or bytes in no plausible encoding;
- ``truncated_file`` / ``corrupt_compression``: the compressed stream is cut off or damaged;
  the records decoded before the damage are kept (only line formats can have any: a whole-file
  format is rejected whole, as half a JSON document or article is not one);
- ``bad_json`` (also JSON that Python cannot hold: a 5,000-digit number, nesting 100,000
  deep), ``not_an_object``, ``bad_row``, ``bad_header``, ``bad_parquet``: as named;
- ``empty_file``: the file holds no record at all (zero bytes, only blank lines, a bare header);
- ``read_error``: anything unexpected, with the exception's type and message.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import re
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from normnews import schema
from normnews.config import FeedMapping, LimitsConfig
from normnews.ingest.compression import open_decompressed, stream_error_reason, trailing_garbage
from normnews.ingest.decode import DecodeError, decode_bytes, sniff_stream
from normnews.ingest.discover import (
    COMPRESSION_SUFFIXES,
    SUPPORTED_SUFFIXES,
    InputFile,
    format_of,
)
from normnews.ingest.jsonstream import JsonStreamError, json_values
from normnews.ingest.safeopen import OpenedInput, UnsafeInput, open_input
from normnews.ingest.warc import WarcCounts, WarcDamaged, WarcPage, html_pages
from normnews.model import RawRecord, Reject

log = logging.getLogger("normnews")

Item = RawRecord | Reject
"""What readers yield."""


@dataclass(frozen=True)
class Source:
    """What a reader reads: the opened file, its name, compression and the limits."""

    relpath: str
    opened: OpenedInput
    compression: str | None
    limits: LimitsConfig
    fields: Fields = field(default_factory=lambda: Fields())

    def open(self) -> io.BufferedReader:
        """A fresh stream of the decompressed bytes, bounded by ``limits.max_file_bytes``."""
        return open_decompressed(
            self.opened.stream(), self.compression, limit=self.limits.max_file_bytes
        )


@dataclass
class ReadStats:
    """Filled by :func:`read_file`: the content hash of the bytes actually read, or a marker
    for a file that is permanently unusable as it is (a link out of the input, a FIFO; see
    :func:`content_key`). ``None`` when opening failed for a passing reason (gone since
    planning, permission denied): such a file is not recorded as processed, and is retried."""

    digest: str | None = None


def _marker(f: InputFile, reason: str) -> str:
    """The ledger key of a file that is unusable as it is: it changes when the entry does."""
    return f"{reason}:{f.size}:{f.mtime_ns}"


def content_key(f: InputFile) -> str | None:
    """What the ledger knows ``f`` by: its content hash, read through the same safe open as
    :func:`read_file` (no link followed out, never a FIFO), or the marker of a permanently
    unusable entry; ``None`` when it cannot be opened right now."""
    if f.problem is not None:
        return _marker(f, f.problem[0])
    try:
        with open_input(f.path, f.input_root) as opened:
            return opened.digest()
    except UnsafeInput as exc:
        return _marker(f, exc.reason) if exc.permanent else None
    except OSError:
        return None


Reader = Callable[[Source], Iterator[Item]]
"""A reader takes the opened file. It may raise; only :func:`read_file` promises not to."""

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "article"),
    "url": ("url", "link"),
    "published": ("published", "date", "published_at"),
    "guid": ("id", "guid"),
}
"""RawRecord field -> input field names, in the order they are tried (lower case)."""


@dataclass(frozen=True)
class Fields:
    """Which input fields feed which record field, for one file (a feed's mapping, if any).

    Each field's names are tried in order (lower case); a mapped field comes before the
    built-in names. ``extra`` fields are kept in the record's ``extra`` JSON object.
    ``columns``, ``delimiter`` and ``quoting`` are for CSV/TSV.
    """

    title: tuple[str, ...] = FIELD_ALIASES["title"]
    text: tuple[str, ...] = FIELD_ALIASES["text"]
    url: tuple[str, ...] = FIELD_ALIASES["url"]
    published: tuple[str, ...] = FIELD_ALIASES["published"]
    guid: tuple[str, ...] = FIELD_ALIASES["guid"]
    extra: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    delimiter: str | None = None
    quoting: bool = True

    @classmethod
    def of(cls, mapping: FeedMapping | None) -> Fields:
        """The fields of ``mapping`` (the built-in names alone for ``None``)."""
        if mapping is None:
            return cls()

        def names(mapped: str | None, builtin: str) -> tuple[str, ...]:
            found = FIELD_ALIASES[builtin]
            if mapped is None:
                return found
            key = mapped.strip().lower()
            return (key, *(alias for alias in found if alias != key))

        return cls(
            title=names(mapping.title, "title"),
            text=names(mapping.text, "text"),
            url=names(mapping.url, "url"),
            published=names(mapping.published, "published"),
            guid=names(mapping.id, "guid"),
            extra=tuple(dict.fromkeys(e.strip().lower() for e in mapping.extra)),
            columns=mapping.columns,
            delimiter=mapping.delimiter,
            quoting=mapping.quoting,
        )


DEFAULT_FIELDS = Fields()


HTML_FIELDS = ("html", "raw_html")
"""Fields holding a page's markup, used when a record has no text field."""

_MARKUP = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def is_markup(text: str) -> bool:
    """Whether ``text`` is an HTML document rather than text: it starts as one does (a doctype
    or an ``<html>``/``<head>``/``<body>`` tag, perhaps after comments).

    >>> is_markup("<!DOCTYPE html><html><body>x</body></html>"), is_markup("A <b>bold</b> claim")
    (True, False)
    """
    return _MARKUP.match(text, 0, 4096) is not None


CONTAINER_KEYS = ("articles", "items", "data", "records", "entries", "results", "documents")
"""Keys under which a ``.json`` object may hold its array of articles, tried in this order."""


_SNIFF_BYTES = 64 * 1024
_CHUNK = 64 * 1024
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MD_UNDERLINE = re.compile(r"^\s*(?:=+|-+)\s*$")
_NEWLINE = re.compile(r"\r\n|\r|\n")

# The csv module refuses fields over 128 KiB by default, smaller than some articles. The limit is
# process-wide, so it is raised once here (a C long, hence the clamp); records are bounded by
# limits.max_record_bytes in the line stream instead.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class _FileProblem(Exception):
    """A reader's way to stop a file with a specific reject reason."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class _RecordTooLarge(Exception):
    """A CSV record grew past ``max_record_bytes`` (raised by the line stream).

    Attributes:
        quotes: Quote marks in the record's text so far (odd: a quoted field is still open).
    """

    def __init__(self, quotes: int) -> None:
        super().__init__(quotes)
        self.quotes = quotes


# --------------------------------------------------------------------------------------------
# Entry point


def read_file(
    f: InputFile,
    limits: LimitsConfig | None = None,
    stats: ReadStats | None = None,
    mapping: FeedMapping | None = None,
) -> Iterator[Item]:
    """Read one input file into raw records and rejects. Never raises.

    Args:
        f: A file found by :func:`~normnews.ingest.discover.discover`.
        limits: Size limits (default: :class:`~normnews.config.LimitsConfig` defaults).
        stats: Filled with the content hash of what was read, when given.
        mapping: The feed's field mapping (:meth:`~normnews.config.JobConfig.mapping_for`).

    Yields:
        :class:`RawRecord` and :class:`Reject` items in file order, at least one per file (see
        the module docstring for the reasons).
    """
    limits = limits or LimitsConfig()
    stats = stats if stats is not None else ReadStats()
    if f.problem is not None:
        stats.digest = _marker(f, f.problem[0])
        yield Reject(f.relpath, None, *f.problem)
        return
    try:
        opened = open_input(f.path, f.input_root)
    except UnsafeInput as exc:
        if exc.permanent:
            stats.digest = _marker(f, exc.reason)
        yield Reject(f.relpath, None, exc.reason, str(exc))
        return
    with opened:
        try:
            digest = opened.digest()
        except OSError as exc:
            yield Reject(f.relpath, None, "unreadable", exc.strerror or str(exc))
            return
        stats.digest = digest
        fmt, compression = format_of(f.relpath)
        if fmt is None:
            yield Reject(f.relpath, None, "unsupported_format", _unsupported_detail(f.relpath))
            return
        yield from _read_opened(
            Source(f.relpath, opened, compression, limits, Fields.of(mapping)), fmt, f.size
        )


def _read_opened(src: Source, fmt: str, size: int) -> Iterator[Item]:
    count = 0
    cap = src.limits.max_records_per_file
    try:
        for item in READERS[fmt](src):
            if count >= cap:
                yield Reject(
                    src.relpath,
                    count,
                    "too_large",
                    f"more than {cap:,} records in one file (limits.max_records_per_file); the "
                    "rest of the file is not read",
                )
                return
            count += 1
            yield item
    except RecursionError:
        yield Reject(src.relpath, count if count else None, "read_error", "nested too deeply")
        return
    except Exception as exc:
        reason, detail = _describe(exc)
        yield Reject(src.relpath, count if count else None, reason, detail)
        return
    if count == 0:
        yield Reject(
            src.relpath,
            None,
            "empty_file",
            f"no records in this {size}-byte file (it is empty, blank, or a header only)",
        )


def _garbage_reject(src: Source, stream: io.BufferedReader, index: int) -> Iterator[Reject]:
    """One reject for bytes after the last complete gzip member / zstd frame, if any."""
    n = trailing_garbage(stream)
    if n:
        yield Reject(
            src.relpath,
            index,
            "trailing_garbage",
            f"{n:,} bytes after the end of the compressed data were ignored (every record "
            "before them was read)",
        )


def _unsupported_detail(relpath: str) -> str:
    name = relpath.rsplit("/", 1)[-1]
    return (
        f"no reader for {name!r}; supported suffixes are {' '.join(SUPPORTED_SUFFIXES)}, "
        f"optionally followed by {' '.join(COMPRESSION_SUFFIXES)}. Convert the file, or move "
        "it out of the input directory"
    )


def _describe(exc: Exception) -> tuple[str, str]:
    """Reject reason and detail for an exception that stopped a reader."""
    if isinstance(exc, _FileProblem | DecodeError):
        return exc.reason, str(exc)
    if isinstance(exc, UnicodeError):
        return "decode_error", str(exc)
    reason = stream_error_reason(exc)
    if reason == "unreadable" and isinstance(exc, OSError):
        return reason, exc.strerror or str(exc)
    if reason is not None:
        return reason, f"{type(exc).__name__}: {exc}; records after this point are lost"
    return "read_error", f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------------------------
# Fields


def _as_text(value: Any) -> str | None:
    """A field value as a string, or ``None`` when it does not count as one."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return None if value != value else str(value)  # NaN is a missing value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _fields(pairs: Iterable[tuple[Any, Any]]) -> dict[str, list[Any]]:
    """Values by lower-cased, stripped field name; repeated names keep every value in order."""
    fields: dict[str, list[Any]] = {}
    for key, value in pairs:
        fields.setdefault(str(key).strip().lower(), []).append(value)
    return fields


def _pick(fields: dict[str, list[Any]], aliases: tuple[str, ...]) -> str | None:
    for alias in aliases:
        for value in fields.get(alias, ()):
            text = _as_text(value)
            if text is not None and text.strip():
                return text
    return None


def _record(
    source: str,
    index: int,
    pairs: Iterable[tuple[Any, Any]],
    encoding: str,
    names: Fields = DEFAULT_FIELDS,
    hint: str = "",
) -> RawRecord | Reject:
    """A raw record from field/value pairs, or the reject saying why there is no text (with
    ``hint`` appended to a ``missing_text`` detail)."""
    fields = _fields(pairs)
    text = _pick(fields, names.text)
    page = text if text is not None and is_markup(text) else None
    if text is None:
        page = _pick(fields, HTML_FIELDS)
        if page is None:
            return _text_reject(source, index, fields, names.text, hint)
    if page is not None:
        return _from_page(
            RawRecord(
                source,
                index,
                _pick(fields, names.title),
                page,
                _pick(fields, names.url),
                _pick(fields, names.published),
                _pick(fields, names.guid),
                encoding,
                _extra({name: _pick(fields, (name,)) for name in names.extra}),
            )
        )
    return RawRecord(
        source=source,
        record=index,
        title=_pick(fields, names.title),
        text=text,
        url=_pick(fields, names.url),
        published=_pick(fields, names.published),
        guid=_pick(fields, names.guid),
        encoding=encoding,
        extra=_extra({name: _pick(fields, (name,)) for name in names.extra}),
    )


def _extra(values: dict[str, str | None]) -> str | None:
    """Kept fields as a JSON object with sorted keys (missing ones left out), or ``None``."""
    kept = {name: value for name, value in values.items() if value is not None}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None


def _record_from_object(
    source: str, index: int, obj: dict[Any, Any], encoding: str, names: Fields = DEFAULT_FIELDS
) -> Item:
    """:func:`_record` for a decoded JSON object (the common case, made cheap).

    When every key is already a plain lower-case name (as feeds write them), aliases are looked
    up in the object itself, with the same result as :func:`_record`; any other object takes
    :func:`_record`'s general path.
    """
    for key in obj:
        if key != key.strip().lower():
            return _record(source, index, obj.items(), encoding, names)
    text = _pick_one(obj, names.text)
    if text is None or is_markup(text):
        # The reject's detail, an HTML field, or a page in the text field: the general path.
        return _record(source, index, obj.items(), encoding, names)
    return RawRecord(
        source=source,
        record=index,
        title=_pick_one(obj, names.title),
        text=text,
        url=_pick_one(obj, names.url),
        published=_pick_one(obj, names.published),
        guid=_pick_one(obj, names.guid),
        encoding=encoding,
        extra=_extra({name: _pick_one(obj, (name,)) for name in names.extra})
        if names.extra
        else None,
    )


def _pick_one(obj: dict[Any, Any], aliases: tuple[str, ...]) -> str | None:
    for alias in aliases:
        value = obj.get(alias)
        if value is not None:
            text = value if type(value) is str else _as_text(value)
            if text is not None and text.strip():
                return text
    return None


def _from_page(raw: RawRecord) -> RawRecord | Reject:
    """The record whose ``text`` is a page's markup, with the article trafilatura extracts;
    the page's title, URL and date fill what the record lacks, its author and site name go to
    ``extra``."""
    # Imported here, not at the top: loading the extractor costs half a second, which a run
    # without HTML must not pay (normnews.ingest.html stays trafilatura's only importer).
    from normnews.ingest import html

    page = html.extract(raw.text or "", raw.url)
    if page is None:
        return Reject(
            raw.source, raw.record, "empty_text", "HTML page without article text (trafilatura)"
        )
    extra = dict(json.loads(raw.extra)) if raw.extra else {}
    for key, value in (("author", page.author), ("sitename", page.sitename)):
        if value is not None:
            extra.setdefault(key, value)
    return RawRecord(
        source=raw.source,
        record=raw.record,
        title=raw.title or page.title,
        text=page.text,
        url=raw.url or page.url,
        published=raw.published or page.date,
        guid=raw.guid,
        encoding=raw.encoding,
        extra=json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
    )


def _text_reject(
    source: str,
    index: int,
    fields: dict[str, list[Any]],
    aliases: tuple[str, ...] = FIELD_ALIASES["text"],
    hint: str = "",
) -> Reject:
    present = [alias for alias in aliases if alias in fields]
    blank = [
        alias
        for alias in present
        if any(value is None or _as_text(value) is not None for value in fields[alias])
    ]
    if blank:
        return Reject(source, index, "empty_text", f"text field {blank[0]!r} is empty or blank")
    names = ", ".join(list(fields)[:20]) or "none"
    if present:
        kind = type(fields[present[0]][0]).__name__
        detail = f"text field {present[0]!r} holds a {kind}, not text; fields present: {names}"
    else:
        detail = f"no text field (looked for {', '.join(aliases)}); fields present: {names}"
    return Reject(source, index, "missing_text", detail + hint)


# --------------------------------------------------------------------------------------------
# Whole-file formats


def _read_all(src: Source, *, stream_larger: bool = False) -> bytes | None:
    """The whole decompressed file, at most ``max_record_bytes`` of it (else ``too_large``,
    or ``None`` with ``stream_larger``: the caller streams it)."""
    limit = src.limits.max_record_bytes
    with src.open() as fh:
        data = fh.read(limit + 1)
    if len(data) > limit and stream_larger:
        return None
    if len(data) > limit:
        raise _FileProblem(
            "too_large",
            f"this whole-file document is larger than {limit:,} bytes "
            "(limits.max_record_bytes); not read. Split it, or use JSON lines",
        )
    return data


def split_title(text: str, *, markdown: bool = False) -> tuple[str | None, str]:
    """Split a one-article text into its title (first non-empty line) and body.

    Args:
        text: The decoded file.
        markdown: Strip ATX heading marks (``# Title #``) from the title line and drop a setext
            underline (``=====``) after it.

    Returns:
        ``(title, body)``: the title line without surrounding whitespace (``None`` if there is
        no non-empty line), and the rest of the text after any blank lines, otherwise untouched.

    >>> split_title("\\nGoal rush\\n\\nThree goals in ten minutes.\\n")
    ('Goal rush', 'Three goals in ten minutes.\\n')
    >>> split_title("# Goal rush\\r\\n\\r\\nBody", markdown=True)
    ('Goal rush', 'Body')
    >>> split_title("   \\n")
    (None, '')
    """
    title: str | None = None
    pos = 0
    for line, nxt in _lines(text, 0):
        pos = nxt
        if line.strip():
            title = line.strip()
            break
    if title is None:
        return None, ""
    if markdown:
        heading = _MD_HEADING.match(title)
        if heading:
            title = heading.group(1).strip()
    body_start = pos
    underline_allowed = markdown
    for line, nxt in _lines(text, pos):
        if line.strip() and not (underline_allowed and _MD_UNDERLINE.match(line)):
            break
        # A setext underline may only come right after the title line.
        underline_allowed = False
        body_start = nxt
    return title, text[body_start:]


def _lines(text: str, pos: int) -> Iterator[tuple[str, int]]:
    """Each line of ``text`` from ``pos`` on (without its break), with where the next begins."""
    while pos < len(text):
        match = _NEWLINE.search(text, pos)
        end, nxt = (match.start(), match.end()) if match else (len(text), len(text))
        yield text[pos:end], nxt
        pos = nxt


def _read_one_article(src: Source, *, markdown: bool) -> Iterator[Item]:
    data = _read_all(src)
    if data is None or not data:
        return
    text, encoding = decode_bytes(data)
    if is_markup(text):
        yield _from_page(RawRecord(src.relpath, 0, None, text, encoding=encoding))
        return
    title, body = split_title(text, markdown=markdown)
    if title is None:
        yield Reject(src.relpath, 0, "empty_text", "the file holds only whitespace")
    elif not body.strip():
        yield Reject(src.relpath, 0, "empty_text", f"only a title line ({title[:80]!r}), no text")
    else:
        yield RawRecord(src.relpath, 0, title, body, encoding=encoding)


def read_txt(src: Source) -> Iterator[Item]:
    """Read a ``.txt`` file: one article, title on the first non-empty line."""
    return _read_one_article(src, markdown=False)


def read_md(src: Source) -> Iterator[Item]:
    """Read a ``.md`` file: one article, title on the first non-empty line without ``#``."""
    return _read_one_article(src, markdown=True)


def read_html(src: Source) -> Iterator[Item]:
    """Read a saved ``.html``/``.htm`` page: one article, extracted with trafilatura."""
    data = _read_all(src)
    if data is None or not data:
        return
    text, encoding = decode_bytes(data)
    if not text.strip():
        yield Reject(src.relpath, 0, "empty_text", "the file holds only whitespace")
        return
    yield _from_page(RawRecord(src.relpath, 0, None, text, encoding=encoding))


def read_warc(src: Source) -> Iterator[Item]:
    """Read a WARC crawl: each HTML response is an article (URL from ``WARC-Target-URI``, date
    from ``WARC-Date`` when the page has none); other records are counted and skipped."""
    counts = WarcCounts()
    limit = src.limits.max_record_bytes
    index = 0
    with src.open() as raw:
        try:
            for page in html_pages(raw, limit, counts):
                yield _warc_item(src.relpath, index, page, limit)
                index += 1
        except WarcDamaged as exc:
            yield Reject(
                src.relpath,
                index,
                "truncated_file",
                f"the WARC stream cannot be read on after {index} page(s): {exc}; the pages "
                "before it are kept",
            )
            return
    if counts.skipped:
        log.info(
            "%s: %d WARC record(s) that are not HTML responses skipped", src.relpath, counts.skipped
        )
    if index == 0 and counts.skipped:
        yield Reject(
            src.relpath,
            None,
            "empty_file",
            f"no HTML response among its {counts.skipped} WARC record(s) (requests, metadata, "
            "other media)",
        )


def _warc_item(relpath: str, index: int, page: WarcPage, limit: int) -> Item:
    if len(page.body) > limit:
        detail = f"the page is longer than {limit:,} bytes (limits.max_record_bytes); skipped"
        return Reject(relpath, index, "too_large", detail)
    text: str | None = None
    encoding = page.charset or ""
    if page.charset:
        try:
            text = page.body.decode(page.charset)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        try:
            text, encoding = decode_bytes(page.body)
        except DecodeError as exc:
            return Reject(relpath, index, exc.reason, str(exc))
    raw = RawRecord(relpath, index, None, text, url=page.url, encoding=encoding.lower())
    found = _from_page(raw)
    if isinstance(found, RawRecord) and found.published is None and page.date:
        return dataclasses.replace(found, published=page.date)
    return found


def read_json(src: Source) -> Iterator[Item]:
    """Read a ``.json`` file: an array of objects, one object, or a container object (one
    larger than ``max_record_bytes`` is streamed, see :mod:`normnews.ingest.jsonstream`)."""
    data = _read_all(src, stream_larger=True)
    if data is None:
        yield from _read_json_streamed(src)
        return
    text, encoding = decode_bytes(data)
    del data
    if not text.strip():
        return
    try:
        doc = json.loads(text)
    except RecursionError:
        raise _FileProblem("bad_json", "not usable JSON: nested too deeply") from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and _first_line_is_object(text):
            # Several top-level objects, one per line: JSON lines saved with a .json suffix.
            numbered = ((n, line, encoding, None) for n, line in enumerate(text.split("\n"), 1))
            yield from _json_lines(src.relpath, numbered, src.fields)
            return
        raise _FileProblem(
            "bad_json", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:
        # Valid JSON Python refuses to hold, e.g. an integer of more than 4,300 digits.
        raise _FileProblem("bad_json", f"not usable JSON: {exc}") from None
    # Only a text with a surrogate escape can decode to a lone surrogate; the objects are
    # mended where they become records, wherever the container nests them.
    mend = _without_surrogates if _may_hold_surrogates(text) else _unchanged
    if isinstance(doc, dict):
        items = _container(doc)
        if items is None:
            yield _record_from_object(src.relpath, 0, mend(doc), encoding, src.fields)
            return
    elif isinstance(doc, list):
        items = doc
    else:
        raise _FileProblem(
            "not_an_object",
            f"the document is a JSON {_json_type(doc)}; expected an object or an array of objects",
        )
    for index, item in enumerate(items):
        if isinstance(item, dict):
            yield _record_from_object(src.relpath, index, mend(item), encoding, src.fields)
        else:
            yield Reject(
                src.relpath, index, "not_an_object", f"array item {index} is a {_json_type(item)}"
            )


def _read_json_streamed(src: Source) -> Iterator[Item]:
    """The article values of a large ``.json``, parsed one by one (memory: one value)."""
    limit = src.limits.max_record_bytes
    with src.open() as raw:
        head, error = _read_head(raw, _SNIFF_BYTES)
        encoding, skip = sniff_stream(head)
        stream = io.BufferedReader(_Prefixed(head[skip:], raw, error), buffer_size=_CHUNK)
        codec = "utf-8" if encoding.startswith("utf-8") else encoding
        text = io.TextIOWrapper(stream, encoding=codec, newline="")
        index = 0
        try:
            for value in json_values(text.read, limit, CONTAINER_KEYS):
                yield _json_value(src.relpath, index, value, codec, limit, src.fields)
                index += 1
        except JsonStreamError as exc:
            raise _FileProblem("bad_json", f"not valid JSON: {exc}") from None
        yield from _garbage_reject(src, raw, index)


def _json_value(
    source: str, index: int, value: str | None, encoding: str, limit: int, names: Fields
) -> Item:
    if value is None:
        detail = f"array item {index} is longer than {limit:,} characters (limits.max_record_bytes)"
        return Reject(source, index, "too_large", detail)
    try:
        item = json.loads(value)
    except (ValueError, RecursionError) as exc:
        return Reject(source, index, "bad_json", f"array item {index}: {exc}")
    if not isinstance(item, dict):
        return Reject(source, index, "not_an_object", f"array item {index} is a {_json_type(item)}")
    if _may_hold_surrogates(value):
        item = _without_surrogates(item)
    try:
        return _record_from_object(source, index, item, encoding, names)
    except (ValueError, RecursionError) as exc:
        return Reject(source, index, "bad_json", f"array item {index}: {exc}")


_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE_RE = re.compile(r"\\u[dD][89a-fA-F]")


def _may_hold_surrogates(text: str) -> bool:
    return _ESCAPED_SURROGATE_RE.search(text) is not None


def _without_surrogates(obj: dict[Any, Any]) -> dict[Any, Any]:
    """The object with lone surrogates (``"\\ud800"`` escapes that JSON allows but text cannot
    hold, e.g. half of an emoji cut by a feed) replaced by U+FFFD, in keys and string values.

    >>> _without_surrogates(json.loads('{"title": "Cut \\\\ud83d here"}'))["title"]
    'Cut \ufffd here'
    """

    def fix(value: Any) -> Any:
        return _SURROGATE_RE.sub("\ufffd", value) if isinstance(value, str) else value

    return {fix(key): fix(value) for key, value in obj.items()}


def _unchanged(obj: dict[Any, Any]) -> dict[Any, Any]:
    return obj


def _first_line_is_object(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        return isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        return False


def _container(doc: dict[str, Any]) -> list[Any] | None:
    """The article array of a container object, or ``None`` if ``doc`` is itself an article."""
    fields = _fields(doc.items())
    if any(alias in fields for alias in FIELD_ALIASES["text"]):
        return None
    for key in CONTAINER_KEYS:
        for value in fields.get(key, ()):
            if isinstance(value, list):
                return value
    return None


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


# --------------------------------------------------------------------------------------------
# Streamed line formats


class _Prefixed(io.RawIOBase):
    """A raw stream that serves ``head`` first, then the rest of ``raw``."""

    def __init__(
        self, head: bytes, raw: io.BufferedIOBase, error: BaseException | None = None
    ) -> None:
        super().__init__()
        self._head = head
        self._raw = raw
        self._error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        if self._error is not None:
            # The stream broke while the head was sniffed: serve the head, then the error.
            raise self._error
        data = self._raw.read(len(view))
        view[: len(data)] = data
        return len(data)


_HEAD_STEP = 4096


def _read_head(raw: io.BufferedIOBase, size: int) -> tuple[bytes, BaseException | None]:
    """Read up to ``size`` bytes in small steps, keeping what came before a stream error.

    A single large ``read`` of a truncated gzip raises without returning the good bytes before
    the damage; small steps lose at most one step of them.
    """
    chunks: list[bytes] = []
    got = 0
    while got < size:
        try:
            chunk = raw.read(min(_HEAD_STEP, size - got))
        except (EOFError, OSError, ValueError) as exc:
            return b"".join(chunks), exc
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks), None


class _LineStream:
    """Decoded lines of a binary stream, with the encoding and any problem of each record.

    Iterating yields ``str`` lines with their line breaks (what :mod:`csv` wants). After the
    lines of one record have been consumed, :meth:`take` tells which encoding they were decoded
    with and whether one of them could not be decoded (that line is then passed on decoded as
    latin-1, so csv still sees the row structure, and the record is to be rejected).

    A line longer than ``limit`` is skipped (its record becomes ``too_large``). With
    ``keep=True`` (CSV, whose records can span lines) the lines of the current record are kept
    (:attr:`record_lines`, bounded by ``limit``), a record growing past ``limit`` raises
    :class:`_RecordTooLarge`, and :meth:`push_back` serves kept lines again.
    """

    def __init__(
        self, raw: io.BufferedIOBase, limit: int, *, keep: bool = False, max_lines: int = 0
    ) -> None:
        head, error = _read_head(raw, _SNIFF_BYTES)
        # Raises DecodeError("not_text") for a binary file: one reject for the file, not one per
        # "line" of noise.
        self.encoding, skip = sniff_stream(head)
        self._bytes = io.BufferedReader(_Prefixed(head[skip:], raw, error), buffer_size=_CHUNK)
        self._text: io.TextIOWrapper | None = None
        if self.encoding.startswith(("utf-16", "utf-32")):
            self._text = io.TextIOWrapper(self._bytes, encoding=self.encoding, newline="")
        self.limit = limit
        self.max_lines = max_lines
        self.lineno = 0
        self.eof = False
        self._keep = keep
        self.record_lines: list[str] = []
        self._record_size = 0
        self._pushed: deque[tuple[str, int]] = deque()
        self._long_quotes: int | None = None
        self._legacy: str | None = None
        self._record_encoding: str | None = None
        self._problem: tuple[str, str] | None = None

    def __iter__(self) -> _LineStream:
        return self

    def _raw_next(self) -> str | None:
        """The next line: a pushed-back one first, then the stream's; None at the end."""
        if self._pushed:
            line, self.lineno = self._pushed.popleft()
            return line
        line_or_none = self._next_line()
        if line_or_none is None:
            self.eof = True
        return line_or_none

    def __next__(self) -> str:
        # An iterator class, not a generator: raising _RecordTooLarge must leave it usable.
        line = self._raw_next()
        if line is None:
            raise StopIteration
        if self._keep:
            self._record_size += len(line)
            long_quotes, self._long_quotes = self._long_quotes, None
            if long_quotes is not None or self._record_size > self.limit:
                quotes = sum(kept.count('"') for kept in self.record_lines)
                quotes += line.count('"') if long_quotes is None else long_quotes
                self.record_lines = []
                raise _RecordTooLarge(quotes)
            self.record_lines.append(line)
        return line

    def skip_open_quote(self) -> bool:
        """Skip lines (over-long ones too) until one closes an open quote: an odd number of
        quote marks. Returns False if the stream ended first."""
        while True:
            line = self._raw_next()
            if line is None:
                return False
            long_quotes, self._long_quotes = self._long_quotes, None
            quotes = line.count('"') if long_quotes is None else long_quotes
            if quotes % 2:
                self._problem = None
                return True

    def _count_line(self) -> None:
        self.lineno += 1
        if self.max_lines and self.lineno > self.max_lines:
            raise _FileProblem(
                "too_large",
                f"more than {self.max_lines:,} lines (4 × limits.max_records_per_file); the rest "
                "of the file is not read",
            )

    def skip(self, n: int) -> bool:
        """Pass over the next ``n`` lines without keeping them as a record (an over-long one
        included, which iterating would raise for). Returns False if the stream ended first."""
        for _ in range(n):
            if self._raw_next() is None:
                return False
            self._long_quotes = None
        return True

    def push_back(self, lines: list[str], first_lineno: int) -> None:
        """Serve ``lines`` (numbered from ``first_lineno``) again before the rest."""
        self._pushed.extendleft(
            reversed([(line, first_lineno + i) for i, line in enumerate(lines)])
        )
        self.eof = False

    def record_first_line(self) -> int:
        """Line number of the first kept line of the current record."""
        return self.lineno - len(self.record_lines) + 1

    def take(self) -> tuple[str, tuple[str, str] | None]:
        """The encoding and problem (reason, detail) of the lines read since the last call."""
        taken = (self._record_encoding or self.encoding, self._problem)
        self._record_encoding = None
        self._problem = None
        self.record_lines = []
        self._record_size = 0
        return taken

    def _next_line(self) -> str | None:
        limit = self.limit
        if self._text is not None:
            text = self._text.readline(limit + 1)
            if not text:
                return None
            self._count_line()
            if len(text) > limit and not text.endswith(("\n", "\r")):
                quotes = text.count('"')
                while (more := self._text.readline(_CHUNK)) and not more.endswith(("\n", "\r")):
                    quotes += more.count('"')
                return self._too_long(quotes + more.count('"'))
            return text.removeprefix("\ufeff")
        line = self._bytes.readline(limit + 1)
        if not line:
            return None
        self._count_line()
        if len(line) > limit and not line.endswith(b"\n"):
            quotes = line.count(b'"')
            while (rest := self._bytes.readline(_CHUNK)) and not rest.endswith(b"\n"):
                quotes += rest.count(b'"')
            return self._too_long(quotes + rest.count(b'"'))
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = self._decode_legacy(line)
        # A BOM inside the stream comes from concatenated files; it is never content.
        return text.removeprefix("\ufeff")

    def _decode_legacy(self, line: bytes) -> str:
        if self._legacy is not None:
            try:
                text = line.decode(self._legacy)
            except UnicodeDecodeError:
                pass
            else:
                self._record_encoding = self._legacy
                return text
        try:
            text, encoding = decode_bytes(line)
        except DecodeError as exc:
            self._problem = (exc.reason, f"line {self.lineno}: {exc}")
            return line.decode("latin-1")
        if not encoding.startswith("utf"):
            self._legacy = self._legacy or encoding
        self._record_encoding = encoding
        return text

    def _too_long(self, quotes: int) -> str:
        # For CSV the record is too large as a whole (see __next__); the quote count tells
        # whether a quoted field is still open after the skipped line.
        self._long_quotes = quotes
        self._problem = (
            "too_large",
            f"line {self.lineno} is longer than {self.limit:,} bytes (limits.max_record_bytes); "
            "skipped",
        )
        return "\n"


def _max_lines(src: Source) -> int:
    """Physical lines a line format may have: blank lines and multi-line CSV rows are allowed,
    a file of nothing but line breaks (millions of empty reads holding the lock) is not."""
    return 4 * src.limits.max_records_per_file


def _json_lines(
    source: str,
    numbered: Iterable[tuple[int, str, str, tuple[str, str] | None]],
    names: Fields = DEFAULT_FIELDS,
) -> Iterator[Item]:
    """Records from ``(line number, line, encoding, problem)`` of a JSON-lines text."""
    index = 0
    for lineno, line, encoding, problem in numbered:
        if problem is not None:
            yield Reject(source, index, problem[0], problem[1])
        elif not line.strip():
            continue
        else:
            yield _json_line(source, index, lineno, line, encoding, names)
        index += 1


def _json_line(
    source: str, index: int, lineno: int, line: str, encoding: str, names: Fields
) -> Item:
    try:
        obj = json.loads(line)
        if _may_hold_surrogates(line) and isinstance(obj, dict):
            obj = _without_surrogates(obj)
    except json.JSONDecodeError as exc:
        return Reject(source, index, "bad_json", f"line {lineno} column {exc.colno}: {exc.msg}")
    except ValueError as exc:
        # Valid JSON that Python refuses to hold, e.g. an integer of more than 4,300 digits.
        return Reject(source, index, "bad_json", f"line {lineno}: not usable JSON: {exc}")
    except RecursionError:
        detail = f"line {lineno}: not usable JSON: nested too deeply"
        return Reject(source, index, "bad_json", detail)
    if not isinstance(obj, dict):
        return Reject(
            source,
            index,
            "not_an_object",
            f"line {lineno} is a JSON {_json_type(obj)}, not an object",
        )
    try:
        return _record_from_object(source, index, obj, encoding, names)
    except (ValueError, RecursionError) as exc:
        return Reject(source, index, "bad_json", f"line {lineno}: not usable: {exc}")


def read_jsonl(src: Source) -> Iterator[Item]:
    """Read a ``.jsonl``/``.ndjson`` file line by line (memory bounded by the longest line)."""
    with src.open() as raw:
        lines = _LineStream(raw, src.limits.max_record_bytes, max_lines=_max_lines(src))

        def numbered() -> Iterator[tuple[int, str, str, tuple[str, str] | None]]:
            for line in lines:
                encoding, problem = lines.take()
                yield lines.lineno, line, encoding, problem

        index = 0
        for item in _json_lines(src.relpath, numbered(), src.fields):
            index += 1
            yield item
        yield from _garbage_reject(src, raw, index)


class _Restart(Exception):
    """Read the file again from line ``line`` (1-based), starting at record ``index``."""

    def __init__(self, line: int, index: int) -> None:
        super().__init__(line)
        self.line = line
        self.index = index


def _read_delimited(src: Source, delimiter: str) -> Iterator[Item]:
    """CSV/TSV records; a pass restarts after an over-long unterminated quote (rare)."""
    delimiter = src.fields.delimiter or delimiter
    # Named columns: the file has no header row, its first row is data.
    header: list[str] | None = list(src.fields.columns) or None
    start_line, index = 0, 0
    while True:
        state: dict[str, Any] = {"header": header}
        try:
            yield from _csv_pass(src, delimiter, start_line, index, state)
            return
        except _Restart as restart:
            header = state["header"]
            start_line, index = restart.line, restart.index


def _csv_pass(
    src: Source, delimiter: str, start_line: int, index: int, state: dict[str, Any]
) -> Iterator[Item]:
    """One pass over the file from line ``start_line + 1``, with the csv module in strict mode.

    A quote that never closes makes the csv module read on into later rows; strict mode stops it
    where the text stops making sense as CSV (a quote followed by anything but a delimiter or
    the end of the line, or the end of the file). That record is rejected (``unterminated_quote``
    when it spanned lines, else ``bad_row``) and the lines after its first line are read again
    as rows, so one stray quote costs its own row and not the rest of the file. A record over
    ``max_record_bytes`` is ``too_large``; an open quote in it is skipped to where it closes
    (or, if it never does, the file is read again from the line after it).
    """
    with src.open() as raw:
        lines = _LineStream(raw, src.limits.max_record_bytes, keep=True, max_lines=_max_lines(src))
        if not lines.skip(start_line):
            return
        lines.take()
        reader = _csv_reader(lines, delimiter, src.fields.quoting)
        header: list[str] | None = state["header"]
        hint = ""
        if header is None:
            try:
                for row in reader:
                    if row:
                        header = row
                        break
            except (csv.Error, _RecordTooLarge) as exc:
                raise _FileProblem("bad_header", f"line {reader.line_num}: {exc}") from None
            if header is None:
                return
            state["header"] = header
            lines.take()
        if not src.fields.columns:
            hint = _no_header_hint(header, src.fields.text)
        while True:
            first = lines.lineno + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except _RecordTooLarge as exc:
                yield Reject(
                    src.relpath,
                    index,
                    "too_large",
                    f"the row starting on line {first} is longer than "
                    f"{src.limits.max_record_bytes:,} bytes (limits.max_record_bytes); skipped",
                )
                index += 1
                lines.take()
                if exc.quotes % 2 and not lines.skip_open_quote():
                    # The quote never closed: read again from the line after it opened.
                    raise _Restart(first, index) from None
                lines.take()
                reader = _csv_reader(lines, delimiter, src.fields.quoting)
                continue
            except csv.Error as exc:
                kept = lines.record_lines
                spanned = len(kept) > 1
                lines.take()
                reason = "unterminated_quote" if spanned else "bad_row"
                detail = f"line {lines.lineno}: {exc}"
                if spanned:
                    detail = (
                        f"line {first}: a quoted field opened on this row does not close where "
                        f"the row ends ({exc}); the row is skipped and the lines after it are "
                        "read as rows"
                    )
                    lines.push_back(kept[1:], first + 1)
                yield Reject(src.relpath, index, reason, detail)
                index += 1
                reader = _csv_reader(lines, delimiter, src.fields.quoting)
                continue
            encoding, problem = lines.take()
            if problem is not None:
                yield Reject(src.relpath, index, problem[0], problem[1])
            elif not row:
                continue
            elif len(row) != len(header):
                yield Reject(
                    src.relpath,
                    index,
                    "bad_row",
                    f"line {lines.lineno}: {len(row)} fields, the header has {len(header)}",
                )
            else:
                pairs = zip(header, row, strict=True)
                yield _record(src.relpath, index, pairs, encoding, src.fields, hint)
            index += 1
        yield from _garbage_reject(src, raw, index)


def _csv_reader(lines: Iterator[str], delimiter: str, quoting: bool) -> Any:
    """The csv module's reader in strict mode, quoting with ``"`` or not at all."""
    return csv.reader(
        lines,
        delimiter=delimiter,
        strict=True,
        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE,
    )


def _no_header_hint(header: list[str], text_names: tuple[str, ...]) -> str:
    """What a ``missing_text`` reject of a CSV adds: the header row may be data, and the two
    config lines that name the columns (the longest value guessed as the text, the next
    longest non-number as the title)."""
    if any(name.strip().lower() in text_names for name in header):
        return ""
    order = sorted(range(len(header)), key=lambda i: -len(header[i]))
    names = [f"col{i + 1}" for i in range(len(header))]
    names[order[0]] = "text"
    rest = [i for i in order[1:] if not header[i].strip().replace(".", "").isdigit()]
    if rest:
        names[rest[0]] = "title"
    columns = ", ".join(f'"{n}"' for n in names)
    return (
        ". No header? The first row was read as the header; if the file has none, name its "
        f"columns in normnews.toml:\n[feeds.myfeed]\ncolumns = [{columns}]"
    )


def read_csv(src: Source) -> Iterator[Item]:
    """Read a comma-separated file with a header row, streamed."""
    return _read_delimited(src, ",")


def read_tsv(src: Source) -> Iterator[Item]:
    """Read a tab-separated file with a header row, streamed."""
    return _read_delimited(src, "\t")


# --------------------------------------------------------------------------------------------
# Parquet

_PARQUET_MAGIC = b"PAR1"


def read_parquet(src: Source) -> Iterator[Item]:
    """Read a ``.parquet`` file in batches; a compressed one is first unpacked to a temp file.

    Parquet needs random access (its footer is at the end), which a decompressing stream does
    not give, hence the temporary copy for ``.parquet.gz`` and friends. The copy starts only
    after the first bytes are Parquet's magic number, and stops at ``limits.max_file_bytes``.
    """
    if src.compression is None:
        yield from _parquet_rows(src, src.opened.stream())
        return
    with tempfile.TemporaryFile() as tmp, src.open() as raw:
        head = raw.read(len(_PARQUET_MAGIC))
        if head != _PARQUET_MAGIC:
            raise _FileProblem("bad_parquet", "the decompressed data is not a Parquet file")
        tmp.write(head)
        shutil.copyfileobj(raw, tmp, _CHUNK)
        tmp.seek(0)
        yield from _parquet_rows(src, tmp)


def _parquet_rows(src: Source, source: Any) -> Iterator[Item]:
    index = 0
    limit = src.limits.max_record_bytes
    try:
        for batch in schema.iter_parquet_batches(source):
            # A RecordBatch's rows as dicts: pyarrow converts, so no pyarrow import here.
            for row in batch.to_pylist():
                size = sum(len(v) for v in row.values() if isinstance(v, str | bytes))
                if size > limit:
                    yield Reject(
                        src.relpath,
                        index,
                        "too_large",
                        f"row {index} holds {size:,} characters of text, more than {limit:,} "
                        "(limits.max_record_bytes); skipped",
                    )
                else:
                    yield _record(src.relpath, index, row.items(), "utf-8", src.fields)
                index += 1
    except (OSError, ValueError) as exc:
        # pyarrow's ArrowInvalid / ArrowIOError derive from these.
        raise _FileProblem("bad_parquet", f"{type(exc).__name__}: {exc}") from exc


READERS: dict[str, Reader] = {
    "txt": read_txt,
    "md": read_md,
    "jsonl": read_jsonl,
    "ndjson": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "tsv": read_tsv,
    "parquet": read_parquet,
    "html": read_html,
    "htm": read_html,
    "warc": read_warc,
}
"""Format (the suffix before any compression suffix, without the dot) -> reader."""
