"""Article extraction from HTML pages with trafilatura.

This is the only module that imports trafilatura. :mod:`normnews.ingest.readers` imports it
only when a page comes in (a ``.html``/``.htm`` file, an ``html``/``raw_html`` field, or a text
that is really markup), so text-only runs never pay for loading the extractor.

trafilatura is run without comments (reader comments are not the article), with tables (they
are the author's), deterministic settings (no deduplication cache across pages), and its
metadata: title, URL, date (from metadata and markup only, never guessed from the text),
author and site name fill what the record lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura


@dataclass(frozen=True)
class Page:
    """What trafilatura found in a page (``None`` where it found nothing)."""

    text: str
    title: str | None
    url: str | None
    date: str | None
    author: str | None
    sitename: str | None


def extract(html: str, url: str | None = None) -> Page | None:
    """The article of a page, or ``None`` when trafilatura finds no main text.

    Args:
        html: The page's markup.
        url: The page's address, if known (helps trafilatura, and fills ``Page.url``).
    """
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        # Dates from the page's metadata and markup only: the extensive search guesses from
        # any year in the text ("since 2019"), which is not the publication date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return None
    data = doc if isinstance(doc, dict) else doc.as_dict()
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return None

    def meta(key: str) -> str | None:
        value = data.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    return Page(
        text=text,
        title=meta("title"),
        url=meta("url") or url,
        date=meta("date"),
        author=meta("author"),
        sitename=meta("sitename"),
    )
