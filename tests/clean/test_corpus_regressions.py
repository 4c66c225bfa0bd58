"""Do no harm on the examples of issue 10, read from the real corpora (skipped without them).

Only ids live here; the texts stay in ``../shared/corpora``. Each Reuters-21578 story is
cleaned as the pipeline cleans it, with a census over the whole file, and must keep every word
of its body apart from the documented ``Reuter`` sign-off.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from normnews.clean import Normalised, normalise
from normnews.clean.census import LineCensus, line_keys
from normnews.clean.evidence import evidence_keys
from normnews.clean.repair import repair
from normnews.config import CleanConfig, RepairConfig

WORD_RE = re.compile(r"\w+")
SIGNOFF_RE = re.compile(r"\s*\breuter\s*$", re.IGNORECASE)
REUTERS_IDS = [2865, 12102, 8768, 6029, 185, 2106, 4797, 14701, 16561, 14, 470, 464, 52]
"""Short items, a dateline's first line, tables, dividend notices, initials (issue 10)."""


@cache
def _reuters(path: Path) -> tuple[dict[int, dict[str, Any]], frozenset[int]]:
    docs: dict[int, dict[str, Any]] = {}
    census = LineCensus()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc.get("body"):
                docs[doc["newid"]] = doc
                census.add(line_keys(doc["body"]) + evidence_keys(doc["body"], doc["title"]), "")
    return docs, census.frequent(CleanConfig())


def _words(text: str) -> Counter[str]:
    return Counter(WORD_RE.findall(text.lower()))


def _clean(doc: dict[str, Any], frequent: frozenset[int]) -> Normalised:
    return normalise(
        doc["title"], doc["body"], repair=RepairConfig(), clean=CleanConfig(), frequent=frequent
    )


@pytest.mark.parametrize("newid", REUTERS_IDS)
def test_reuters_story_keeps_every_word(corpora, newid):
    """The cleaned story holds every word of its body (the sign-off aside), its sign-off is
    gone on census evidence, and no paragraph starts in lower case."""
    docs, frequent = _reuters(corpora / "reuters-21578" / "reuters21578.jsonl.gz")
    doc = docs[newid]
    out = _clean(doc, frequent)
    body = SIGNOFF_RE.sub("", repair(doc["body"], RepairConfig())[0])
    assert not _words(body) - _words(out.text)
    assert not SIGNOFF_RE.search(out.text)
    assert not any(p[:1].islower() for p in out.text.split("\n\n"))


def test_two_dividend_notices_stay_different(corpora):
    """Two notices with different figures do not clean down to the same text."""
    docs, frequent = _reuters(corpora / "reuters-21578" / "reuters21578.jsonl.gz")
    assert _clean(docs[470], frequent).text != _clean(docs[464], frequent).text


def test_table_period_labels_stay(corpora):
    """'Nine mths' and 'Year' above rows of figures are the table's, not the site's."""
    docs, frequent = _reuters(corpora / "reuters-21578" / "reuters21578.jsonl.gz")
    assert "\n\nNine mths\n\n" in _clean(docs[14], frequent).text
    assert "\n\nYear\n\n" in _clean(docs[4797], frequent).text


def test_title_with_a_speaker_suffix_keeps_it(corpora):
    """A title's ' - X' end without evidence is the headline's (the Tehran radio title)."""
    docs, frequent = _reuters(corpora / "reuters-21578" / "reuters21578.jsonl.gz")
    titles = [
        d["title"] for d in docs.values() if (d.get("title") or "").endswith("- TEHRAN RADIO")
    ]
    assert titles
    for title in titles:
        out = normalise(
            title, "Text.", repair=RepairConfig(), clean=CleanConfig(), frequent=frequent
        )
        assert out.title == title


BBC_KEEP = ["business/071", "business/355", "tech/244", "politics/293", "sport/009"]
"""A standfirst, a figure sentence, subheads, reader comments and a split sentence."""


@pytest.mark.parametrize("name", BBC_KEEP)
def test_bbc_article_loses_no_words(corpora, name):
    """BBC articles whose sentences only lack a full stop keep every word."""
    import tarfile

    path = corpora / "bbc-news-fulltext" / "bbc-raw-data_files.tar.gz"
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith(f"{name}.txt"))
        handle = tar.extractfile(member)
        assert handle is not None
        raw = handle.read().decode("utf-8", "replace")
    title, _, body = raw.lstrip().partition("\n")
    out = normalise(title, body, repair=RepairConfig(), clean=CleanConfig())
    assert not _words(repair(body, RepairConfig())[0]) - _words(out.text)
