"""WARC crawls: HTML responses become articles, other records are skipped, damage is named.

The WARC files are written here by hand (the format is plain text headers and blocks), so
the test does not lean on the library it tests.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

from normnews.ingest.readers import Item
from normnews.model import RawRecord, Reject

Read = Callable[..., list[Item]]

STORY = (
    "The harbour authority said on Monday that the new ferry terminal will open in June, two "
    "months later than planned, after delays in the delivery of the boarding bridges. "
    "Passenger numbers on the island route have doubled since the service began in 2019."
)


def warc_record(kind: str, uri: str, block: bytes, content_type: str, cut: int = 0) -> bytes:
    """One WARC/1.0 record; ``cut`` drops that many bytes from its end (a truncated file)."""
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2017-09-07T10:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{zlib.crc32(block):012d}>\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    data = head + block + b"\r\n\r\n"
    return data[: len(data) - cut] if cut else data


def http_response(body: bytes, mime: str) -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: {mime}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def page(title: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{STORY}</p><p>{STORY.replace('June', 'July')}</p>"
        "</article></body></html>"
    ).encode()


def crawl(*, truncate_last: bool = False) -> bytes:
    http = "application/http; msgtype=response"
    records = [
        warc_record("warcinfo", "", b"software: test\r\n", "application/warc-fields"),
        warc_record(
            "request",
            "https://news.example/a",
            b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n",
            "application/http; msgtype=request",
        ),
        warc_record(
            "response",
            "https://news.example/a",
            http_response(page("Ferry late"), "text/html; charset=utf-8"),
            http,
        ),
        warc_record(
            "response",
            "https://news.example/logo.png",
            http_response(b"\x89PNG....", "image/png"),
            http,
        ),
        warc_record(
            "response",
            "https://news.example/b",
            http_response(page("Route doubles"), "text/html"),
            http,
        ),
    ]
    if truncate_last:
        records.append(
            warc_record(
                "response",
                "https://news.example/c",
                http_response(page("Cut"), "text/html"),
                http,
                cut=400,
            )
        )
    return b"".join(records)


def test_html_responses_become_articles_and_other_records_are_skipped(read_input: Read):
    """Two HTML responses give two articles (target URI, fetch date, page title); the
    warcinfo, request and image records yield nothing, not a reject each."""
    items = read_input("crawl.warc", crawl())
    assert [type(i).__name__ for i in items] == ["RawRecord", "RawRecord"]
    first, second = items
    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert (first.record, first.url, first.title) == (0, "https://news.example/a", "Ferry late")
    assert first.published == "2017-09-07T10:00:00Z" and STORY in first.text
    assert (second.record, second.url) == (1, "https://news.example/b")


def test_a_per_record_gzipped_warc_is_read(read_input: Read):
    """``.warc.gz`` as crawlers write it (one gzip member per record) reads the same."""
    members = crawl().split(b"WARC/1.0\r\n")[1:]
    data = b"".join(gzip.compress(b"WARC/1.0\r\n" + m) for m in members)
    items = read_input("crawl.warc.gz", data)
    assert [i.record for i in items if isinstance(i, RawRecord)] == [0, 1]


def test_a_truncated_record_keeps_the_pages_before_it(read_input: Read):
    """A crawl cut off inside its last record keeps the earlier pages, and the cut record
    is one reject, not a traceback or a silent drop."""
    items = read_input("cut.warc", crawl(truncate_last=True))
    assert [i.record for i in items if isinstance(i, RawRecord)][:2] == [0, 1]
    assert len(items) == 3
    assert isinstance(items[2], Reject) and items[2].reason == "truncated_file"


def test_a_crawl_without_pages_is_one_empty_file_reject(read_input: Read):
    """Only requests and metadata: one ``empty_file`` reject that says why."""
    data = warc_record("warcinfo", "", b"software: test\r\n", "application/warc-fields")
    items = read_input("meta.warc", data)
    assert len(items) == 1 and isinstance(items[0], Reject)
    assert items[0].reason == "empty_file" and "no HTML response" in items[0].detail
