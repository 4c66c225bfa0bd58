"""WARC crawls (``.warc``, ``.warc.gz``) read with warcio.

This is the only module that imports warcio. A crawl holds requests, metadata, redirects,
images and scripts besides the pages; only HTML responses are articles. The rest are counted
and skipped, not rejected one by one (a crawl of 1,000 pages has 3,000 other records).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

_HTML_TYPES = ("text/html", "application/xhtml+xml")


class WarcDamaged(Exception):
    """The crawl cannot be read on from here (cut off, or not WARC)."""


@dataclass(frozen=True)
class WarcPage:
    """One HTML response: its markup (bytes, at most ``limit`` + 1 of them), address, fetch
    date and the charset its HTTP header names (if any)."""

    body: bytes
    url: str | None
    date: str | None
    charset: str | None


@dataclass
class WarcCounts:
    """Records seen that are not pages (filled while :func:`html_pages` runs)."""

    skipped: int = 0


def html_pages(stream: IO[bytes], limit: int, counts: WarcCounts) -> Iterator[WarcPage]:
    """The HTML responses of a WARC stream, in file order.

    Args:
        stream: The (decompressed or per-record gzipped) WARC bytes.
        limit: Read at most ``limit + 1`` bytes of a page (the caller rejects a longer one).
        counts: Incremented for each record that is not an HTML response.

    Raises:
        WarcDamaged: The stream is cut off inside a record or is not WARC.
    """
    try:
        for record in ArchiveIterator(stream):
            content_type = ""
            if record.http_headers is not None:
                content_type = record.http_headers.get_header("Content-Type") or ""
            mime, _, params = content_type.partition(";")
            if record.rec_type != "response" or mime.strip().lower() not in _HTML_TYPES:
                counts.skipped += 1
                continue
            body = record.content_stream().read(limit + 1)
            missing = getattr(record.raw_stream, "limit", 0)
            if len(body) <= limit and missing:
                # warcio hands back a short block without complaint; the record's declared
                # length says what is missing.
                uri = record.rec_headers.get_header("WARC-Target-URI")
                raise WarcDamaged(f"the record of {uri} is cut off ({missing:,} bytes missing)")
            charset = None
            for param in params.split(";"):
                key, _, value = param.partition("=")
                if key.strip().lower() == "charset" and value.strip():
                    charset = value.strip().strip("\"'")
            yield WarcPage(
                body=body,
                url=record.rec_headers.get_header("WARC-Target-URI"),
                date=record.rec_headers.get_header("WARC-Date"),
                charset=charset,
            )
    except ArchiveLoadFailed as exc:
        raise WarcDamaged(str(exc).strip() or "not a WARC record") from exc
    except (EOFError, ValueError) as exc:
        raise WarcDamaged(f"{type(exc).__name__}: {exc}") from exc
