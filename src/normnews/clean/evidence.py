"""Corpus evidence beyond repeated lines: sign-offs and title affixes.

The line census (:mod:`normnews.clean.census`) counts, per site, in how many articles each key
occurs. Besides short lines it counts two kinds of evidence keys, hashed in their own name
spaces so they never equal a line's key:

- **end keys**: the last line of an article when it is a short token (at most
  :data:`SIGNOFF_MAX_WORDS` words, no digit). ``Reuter`` ends most Reuters-21578 stories, so its
  end key is frequent for that source, and the cleaner may remove it as a sign-off; a word that
  ends one story is never evidence.
- **title affix keys**: the segment after the last separator of a title (``Title - Site``,
  ``Title | Site``) and the one before the first ``|`` (``SITE | Title``). A segment that ends
  many titles of the source is its name; one that ends a single title is part of the headline
  (``WAITE KIDNAPPED AS SPY - TEHRAN RADIO``).

Both become boilerplate only through :meth:`normnews.clean.census.LineCensus.frequent`, with
the same floors as lines (``boilerplate_min_articles`` and ``boilerplate_min_share``).
"""

from __future__ import annotations

import re

from normnews.clean.census import line_norm
from normnews.hashing import hash64

SEPARATOR_MARKS = "|–—:»·•-"
SEPARATOR_RE = re.compile(rf"\s+[{SEPARATOR_MARKS}]{{1,2}}\s+|\s*\|\s*|\s+::\s+")
"""Separators between a headline and a site name: each holds one of :data:`SEPARATOR_MARKS`."""
SUFFIX_SEPARATOR_RE = re.compile(r"\s+(?:[-–—|»·•]{1,2}|::)\s+|\s*\|\s*")
"""Separators before a site suffix (a colon introduces a headline's own subject, not a site)."""
SITE_WORDS_MAX = 5
"""A title segment is a candidate site name only when it is this short."""
SIGNOFF_MAX_WORDS = 2


def end_key(line: str) -> int | None:
    """The evidence key of an article's last line, or ``None`` when it is no short token.

    Args:
        line: The last non-empty line (or paragraph tail).

    Returns:
        A key in the end-key name space.

    >>> end_key(" REUTER") == end_key("Reuter") and end_key("Profit rose 5 pct.") is None
    True
    """
    if any(ch.isdigit() for ch in line):
        return None
    norm = line_norm(line)
    if not norm or len(norm.split()) > SIGNOFF_MAX_WORDS:
        return None
    return hash64("\x00end " + norm)


def affix_key(segment: str, where: str) -> int | None:
    """The evidence key of a title segment (``where`` is ``"suffix"`` or ``"prefix"``).

    >>> affix_key("BBC News", "suffix") == affix_key("bbc news", "suffix")
    True
    """
    norm = line_norm(segment)
    return hash64(f"\x00title-{where} {norm}") if norm else None


def title_affixes(title: str) -> list[tuple[str, str, str]]:
    """Candidate site segments of a title: ``(where, segment, separator)``.

    >>> title_affixes("Floods hit Valencia - Daily Courier")
    [('suffix', 'Daily Courier', ' - ')]
    >>> title_affixes("KESTREL | Floods hit Valencia")
    [('prefix', 'KESTREL', ' | ')]
    """
    out: list[tuple[str, str, str]] = []
    seps = list(SUFFIX_SEPARATOR_RE.finditer(title))
    if not seps:
        return out
    last = seps[-1]
    suffix = title[last.end() :]
    head = title[: last.start()]
    if suffix.strip() and len(suffix) < len(head) and len(suffix.split()) <= SITE_WORDS_MAX:
        out.append(("suffix", suffix.strip(), last.group(0)))
    first = seps[0]
    prefix = title[: first.start()]
    if (
        "|" in first.group(0)
        and prefix.strip()
        and len(prefix) < len(title) - first.end()
        and len(prefix.split()) <= SITE_WORDS_MAX
    ):
        out.append(("prefix", prefix.strip(), first.group(0)))
    return out


def evidence_keys(text: str, title: str | None = None) -> list[int]:
    """The end key and title affix keys of one raw article (see the module docstring).

    Args:
        text: The article text as read.
        title: The title as read, if any.

    Returns:
        The distinct keys.

    >>> len(evidence_keys("Profit rose.\\n Reuter\\n", "Profit rises again - Wire Desk"))
    2
    """
    keys: list[int] = []
    tail = text.rstrip()
    key = end_key(tail[tail.rfind("\n") + 1 :]) if tail else None
    if key is not None:
        keys.append(key)
    if title:
        for where, segment, _ in title_affixes(" ".join(title.split())):
            key = affix_key(segment, where)
            if key is not None and key not in keys:
                keys.append(key)
    return keys


def host_labels(url: str | None) -> frozenset[str]:
    """The labels of a URL's host that can name the site (``www`` and the TLD dropped).

    >>> sorted(host_labels("https://www.dailycourier.example.com/a"))
    ['dailycourier', 'example']
    """
    if not url:
        return frozenset()
    match = re.match(r"\s*[a-zA-Z][\w+.-]*://([^/?#:@\s]+)", url)
    if not match:
        return frozenset()
    labels = match.group(1).lower().split(".")[:-1]
    return frozenset(label.replace("-", "") for label in labels if len(label) >= 3) - {"www"}


def names_host(segment: str, labels: frozenset[str]) -> bool:
    """Does a title segment name the URL's host (``Daily Courier`` for dailycourier.com)?

    >>> names_host("The Daily Courier", frozenset({"dailycourier"}))
    True
    >>> names_host("TEHRAN RADIO", frozenset({"reuters"}))
    False
    """
    if not labels:
        return False
    key = "".join(ch for ch in segment.lower() if ch.isalnum())
    if len(key) < 3:
        return False
    return any(label in key or (key in label and len(key) >= 4) for label in labels)
