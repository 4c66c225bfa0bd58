"""Corpus-level line frequency: short lines that repeat across a site's articles are template.

A phrase list does not generalise to every site's template ("More from Kyiv Post", a menu, a
footer). C4 and dolma use corpus-level line frequency instead; so do we, per site:

- :func:`line_keys` gives the distinct keys of the *short* lines of one raw article (at most
  ``boilerplate_max_words`` words; prose paragraphs are never counted, which bounds memory and
  protects articles). Digits fold to ``0`` (``12 Comments`` and ``3 Comments`` are one line),
  but a line holding two or more separate numbers is data, not template, and is not counted:
  otherwise every earnings row (``Shr 39 cts vs 50 cts``) would look like every other.
- :class:`LineCensus` counts, per site, in how many articles each key occurs, and how many
  articles each site has. It merges across workers and runs (``to_columns``/``from_columns``).
- :meth:`LineCensus.frequent` returns the keys that are boilerplate: seen in at least
  ``boilerplate_min_articles`` articles of one site *and* in at least ``boilerplate_min_share``
  of that site's articles. A wire story re-sent three times stays below the article floor.

Memory is bounded: when the table grows past ``cap`` entries, entries seen in one article only
are dropped (they cannot be boilerplate yet, and a dropped key can only be under-counted, which
errs on keeping text). At 1M articles with ~10 short distinct lines each, the table stays under
the cap of 2M entries (~200 MB of Python dicts at worst).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from normnews.config import CleanConfig
from normnews.hashing import hash64

DEFAULT_CAP = 2_000_000
"""Entries kept before pruning keys seen once."""
DIGITS_RE = re.compile(r"\d+")
DATA_DIGIT_GROUPS = 2
"""Lines with this many separate numbers are data (earnings rows, scores, "Dispatch 5 reports
82 boats") and are never counted: folded digits would make every such row look the same."""
NON_WORD_RE = re.compile(r"[\W_]+")
ASCII_FOLD = bytes(
    ord(chr(c).lower() if chr(c).isalpha() else "0" if chr(c).isdigit() else " ")
    for c in range(128)
) + bytes(range(128, 256))
"""ASCII letters to lower case, digits to ``0``, everything else to a space (a
``bytes.translate`` table: no per-call set-up, unlike ``str.translate``)."""
ZEROS_RE = re.compile(r"00+")
ASCII_TEXT_FOLD = ASCII_FOLD[:10] + b"\n" + ASCII_FOLD[11:]
""":data:`ASCII_FOLD` that keeps ``\\n``: lines folded as one text stay apart."""
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")
ONE_ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
"""Formats that hold one article per file (see :mod:`normnews.ingest.readers`)."""
SIGNED_LIMIT = 1 << 63
_TWO64 = 1 << 64


def line_norm(line: str) -> str:
    """The normal form a line is counted under: lower case, digits folded, punctuation dropped.

    Args:
        line: One line or paragraph.

    Returns:
        The normal form (words separated by single spaces).

    >>> line_norm("  Posted 12 Comments  | Share!! ")
    'posted 0 comments share'
    """
    if line.isascii():
        return " ".join(_ascii_fold(line).split())
    folded = DIGITS_RE.sub("0", line.lower())
    return NON_WORD_RE.sub(" ", folded).strip()


def _ascii_fold(line: str) -> str:
    """An ASCII line lower-cased, each digit run a ``0``, every other character a space.

    Splitting this on whitespace and joining with one space gives :func:`line_norm`; the digit
    runs left are the line's separate numbers (``count("0")``).
    """
    folded = line.encode("ascii").translate(ASCII_FOLD).decode("ascii")
    return ZEROS_RE.sub("0", folded) if "00" in folded else folded


def line_key(line: str) -> int | None:
    """The census key of one line, or ``None`` when the line has no words.

    Args:
        line: One line or paragraph.

    Returns:
        An unsigned 64-bit key.

    >>> line_key("Share this:") == line_key("SHARE THIS") and line_key("...") is None
    True
    """
    norm = line_norm(line)
    return hash64(norm) if norm else None


def line_keys(text: str, max_words: int = 16) -> list[int]:
    """Distinct keys of the short lines of one raw article, in first-seen order.

    Args:
        text: The article text as read (before cleaning).
        max_words: Longer lines are not counted (``CleanConfig.boilerplate_max_words``).

    Returns:
        The keys.

    >>> len(line_keys("Share this\\nShare this\\nA long line " + "word " * 20))
    1
    """
    if text.isascii():
        return _ascii_line_keys(text, max_words)
    seen: dict[int, None] = {}
    for line in text.splitlines():
        # At most max_words splits: a long line is rejected without splitting all of it.
        words = line.split(None, max_words)
        if not words or len(words) > max_words:
            continue
        if line.isascii():
            # Fast path, same keys: one table lookup per character instead of two regexes.
            folded = _ascii_fold(line)
            if folded.count("0") >= DATA_DIGIT_GROUPS:
                continue  # a data line (see below)
            norm = " ".join(folded.split())
            if norm:
                seen.setdefault(hash64(norm), None)
            continue
        if len(DIGITS_RE.findall(line)) >= DATA_DIGIT_GROUPS:
            continue  # a data line ("Revs 291.8 mln vs 151.1 mln"): its numbers are content
        key = line_key(line)
        if key is not None:
            seen.setdefault(key, None)
    return list(seen)


def _ascii_line_keys(text: str, max_words: int) -> list[int]:
    """:func:`line_keys` of an ASCII text: its short lines folded together in one pass.

    The short lines, joined by line breaks (which :data:`ASCII_TEXT_FOLD` keeps and no line
    holds), are folded and their digit runs folded with one call each, then split apart again:
    the same lines as :func:`_ascii_fold` of each.
    """
    # At most max_words splits: a long line is rejected without splitting all of it. Blank
    # lines fold to no words.
    short = "\n".join(
        line for line in text.splitlines() if len(line.split(None, max_words)) <= max_words
    )
    folded_lines = short.encode("ascii").translate(ASCII_TEXT_FOLD).decode("ascii")
    if "00" in folded_lines:
        folded_lines = ZEROS_RE.sub("0", folded_lines)
    seen: dict[int, None] = {}
    for folded in folded_lines.split("\n"):
        if folded.count("0") >= DATA_DIGIT_GROUPS:
            continue  # a data line (see line_keys)
        norm = " ".join(folded.split())
        if norm:
            seen.setdefault(hash64(norm), None)
    return list(seen)


def site_of(url: str | None, source: str) -> str:
    """The site an article belongs to, for the census: the narrowest source we can name.

    The URL host when there is one. Otherwise, for a file that holds one article (``.txt``,
    ``.md``, ``.html``, ``.htm``, possibly compressed) its folder, the feed it came with; for a
    file of many records (JSON lines, CSV, Parquet) the file itself. Never the whole input, and
    never one bucket shared by unrelated top-level files.

    Args:
        url: The article URL, if any.
        source: The input path relative to the input directory, ``/``-separated.

    Returns:
        The host (without ``www.``), the folder of a one-article file, or the file's path.

    >>> site_of("https://www.bbc.co.uk/news/1", "x/y.jsonl"), site_of(None, "reuters/a.txt")
    ('bbc.co.uk', 'reuters')
    >>> site_of(None, "single.txt"), site_of(None, "feeds/wire.jsonl.gz")
    ('', 'feeds/wire.jsonl.gz')
    """
    if url:
        try:
            host = urlsplit(url.strip()).hostname or ""
        except ValueError:
            host = ""
        if host:
            return host.removeprefix("www.")
    name = source.lower()
    for suffix in COMPRESSION_SUFFIXES:
        name = name.removesuffix(suffix)
    if name.endswith(ONE_ARTICLE_SUFFIXES):
        return source.rpartition("/")[0]
    return source


def _unsigned(key: int) -> int:
    return key + (1 << 64) if key < 0 else key


class LineCensus:
    """Per-site counts of the articles each short line occurs in.

    >>> census = LineCensus()
    >>> for i in range(6):
    ...     census.add(line_keys(f"Story {i} text.\\nFollow us on Kestrel"), "kestrel.example")
    >>> line_key("Follow us on Kestrel") in census.frequent(CleanConfig())
    True
    >>> line_key("Story 1 text.") in census.frequent(CleanConfig())  # digits fold: 6 articles
    True
    """

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        """Create an empty census.

        Args:
            cap: Entries kept before keys seen in one article are pruned.
        """
        self.cap = cap
        # One dict of key -> count per site: an int key per lookup, no (site, key) tuple to
        # build and hash, is what keeps counting a million articles cheap.
        self.by_site: dict[str, dict[int, int]] = {}
        self.sites: dict[str, int] = {}
        self.size = 0
        """Entries held (keys counted, over all sites)."""

    @property
    def counts(self) -> dict[tuple[str, int], int]:
        """Every entry as ``{(site, key): articles}`` (a copy; for tests and reports)."""
        return {(site, key): n for site, keys in self.by_site.items() for key, n in keys.items()}

    def add(self, keys: list[int], site: str) -> None:
        """Count one article.

        Args:
            keys: The article's :func:`line_keys` (distinct).
            site: Its :func:`site_of`.
        """
        self.sites[site] = self.sites.get(site, 0) + 1
        counts = self.by_site.get(site)
        if counts is None:
            counts = self.by_site[site] = {}
        before = len(counts)
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        self.size += len(counts) - before
        if self.size > self.cap:
            self._prune()

    def _prune(self) -> None:
        for site, counts in self.by_site.items():
            self.by_site[site] = {key: n for key, n in counts.items() if n > 1}
        self.size = sum(map(len, self.by_site.values()))

    def merge(self, other: LineCensus) -> None:
        """Add another census's counts to this one (workers, or an earlier run).

        Args:
            other: The census to add.
        """
        for site, n in other.sites.items():
            self.sites[site] = self.sites.get(site, 0) + n
        for site, theirs in other.by_site.items():
            counts = self.by_site.get(site)
            if counts is None:
                counts = self.by_site[site] = {}
            before = len(counts)
            for key, n in theirs.items():
                counts[key] = counts.get(key, 0) + n
            self.size += len(counts) - before
        if self.size > self.cap:
            self._prune()

    def frequent(self, config: CleanConfig) -> frozenset[int]:
        """Keys that are boilerplate for at least one site.

        Args:
            config: ``boilerplate_min_articles`` and ``boilerplate_min_share`` apply.

        Returns:
            The keys.
        """
        out: set[int] = set()
        floor = config.boilerplate_min_articles
        for site, counts in self.by_site.items():
            need = max(floor, config.boilerplate_min_share * self.sites.get(site, 0))
            out.update(key for key, n in counts.items() if n >= need)
        return frozenset(out)

    def to_columns(self) -> dict[str, list[int | None] | list[str] | list[int]]:
        """The census as three parallel lists, for Parquet: ``key`` (int64, two's complement),
        ``site``, ``articles``; site totals first (``key`` ``None``, sorted by site), then the
        line counts site by site, in the order they were first counted. That order is the
        input's, so the same input always gives the same file; sorting millions of entries
        would cost more than everything else the census does. Lists, not a dict per row.

        Returns:
            ``{"key": [...], "site": [...], "articles": [...]}``.

        >>> c = LineCensus(); c.add([5], "s")
        >>> c.to_columns()
        {'key': [None, 5], 'site': ['s', 's'], 'articles': [1, 1]}
        """
        totals = sorted(self.sites.items())
        keys: list[int | None] = [None] * len(totals)
        sites = [site for site, _ in totals]
        articles = [n for _, n in totals]
        for site, counts in self.by_site.items():
            keys += [key - _TWO64 if key >= SIGNED_LIMIT else key for key in counts]
            sites += [site] * len(counts)
            articles += counts.values()
        return {"key": keys, "site": sites, "articles": articles}

    @classmethod
    def from_columns(cls, columns: dict[str, list[Any]], cap: int = DEFAULT_CAP) -> LineCensus:
        """Rebuild a census from :meth:`to_columns` output (or a table's ``to_pydict()``).

        Args:
            columns: ``key``, ``site`` and ``articles`` lists.
            cap: See :class:`LineCensus`.

        Returns:
            The census.

        >>> c = LineCensus(); c.add([2**64 - 1], "s")
        >>> LineCensus.from_columns(c.to_columns()).counts == c.counts
        True
        """
        census = cls(cap)
        sites, by_site = census.sites, census.by_site
        for key, site, articles in zip(
            columns["key"], columns["site"], columns["articles"], strict=True
        ):
            site = site or ""
            if key is None:
                sites[site] = sites.get(site, 0) + int(articles or 0)
            else:
                counts = by_site.setdefault(site, {})
                slot = _unsigned(int(key))
                counts[slot] = counts.get(slot, 0) + int(articles or 0)
        census.size = sum(map(len, by_site.values()))
        return census
