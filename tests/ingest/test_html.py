"""HTML input: saved pages, markup in a .txt or a field, extracted with trafilatura."""

from __future__ import annotations

import json
from collections.abc import Callable

from normnews.ingest.readers import Item
from normnews.model import RawRecord, Reject

Read = Callable[..., list[Item]]

PARAGRAPHS = [
    "The city council approved the new transport plan on Tuesday after a long debate "
    "that lasted well into the evening, with members split over the cost of the scheme.",
    "Work on the first tram line is due to start in March next year, officials said, and "
    "the line should carry its first passengers within three years of the start of work.",
    "Opponents argued that the money would be better spent on buses, which already serve "
    "most of the districts the tram would reach, but the motion passed by twelve votes.",
]


def page(title: str = "Council backs tram plan") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<!DOCTYPE html><html><head>"
        f"<title>{title} | The Courier</title>"
        '<link rel="canonical" href="https://courier.example.com/news/tram-plan">'
        '<meta name="author" content="Jane Reporter">'
        '<meta property="article:published_time" content="2024-03-05T09:00:00+00:00">'
        "</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright The Courier. All rights reserved.</footer></body></html>"
    )


def only(items: list[Item]) -> RawRecord:
    assert len(items) == 1 and isinstance(items[0], RawRecord), items
    return items[0]


def test_a_saved_page_becomes_its_article_with_the_page_metadata(read_input: Read):
    """A ``.html`` file gives the article text (no menu, no footer) and the page's title,
    canonical URL and date; author and site name go to ``extra``."""
    rec = only(read_input("tram.html", page()))
    assert all(p in rec.text for p in PARAGRAPHS)
    assert "Home" not in rec.text and "All rights reserved" not in rec.text
    assert rec.title is not None and "Council backs tram plan" in rec.title
    assert rec.url == "https://courier.example.com/news/tram-plan"
    assert rec.published is not None and rec.published.startswith("2024-03-05")
    assert json.loads(rec.extra or "{}").get("author") == "Jane Reporter"


def test_htm_and_compressed_pages_are_read_too(read_input: Read):
    """``.htm`` and ``.html.gz`` are pages as well."""
    assert PARAGRAPHS[0] in only(read_input("a.htm", page())).text
    assert PARAGRAPHS[0] in only(read_input("b.html", page(), "gz")).text


def test_markup_saved_as_txt_is_treated_as_html(read_input: Read):
    """A ``.txt`` holding a page is not read as text: the title is not ``<!DOCTYPE html>``
    and the body has no tags."""
    rec = only(read_input("saved.txt", page()))
    assert rec.title is not None and not rec.title.startswith("<")
    assert "<p>" not in rec.text and PARAGRAPHS[1] in rec.text


def test_an_html_field_or_markup_in_the_text_field_is_extracted(read_input: Read):
    """A record with an ``html``/``raw_html`` field and no text, or with a page in
    ``content``, gets the extracted article; the record's own title and URL win."""
    rows = [
        {"raw_html": page(), "title": "Own title", "url": "https://feed.example/1"},
        {"content": page("Second story")},
        {"text": "A plain text with <b>bold</b> markup stays as it is."},
    ]
    items = read_input("feed.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    first, second, third = items
    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert (first.title, first.url) == ("Own title", "https://feed.example/1")
    assert PARAGRAPHS[2] in first.text and "<p>" not in second.text
    assert second.title is not None and "Second story" in second.title
    assert isinstance(third, RawRecord) and third.text.startswith("A plain text with <b>")


def test_a_page_without_article_text_is_rejected(read_input: Read):
    """A page with nothing trafilatura takes for an article is one ``empty_text`` reject."""
    empty = "<!DOCTYPE html><html><head><title>T</title></head><body><script>x=1</script></body>"
    items = read_input("empty.html", empty + "</html>")
    assert len(items) == 1 and isinstance(items[0], Reject)
    assert items[0].reason == "empty_text" and "HTML" in items[0].detail
