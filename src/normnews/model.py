"""The records that flow between stages.

Readers produce :class:`RawRecord` and :class:`Reject`; the per-article stages turn a raw record
into an :class:`Article`; dedup turns some articles into :class:`Duplicate` rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Edit:
    """One change a normalisation step made: which step, and what it removed or changed."""

    step: str
    detail: str


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One input record as read and decoded, before any repair.

    Attributes:
        source: Path of the input file relative to the input directory, ``/``-separated.
        record: 0-based index of the record in its file (0 for one-article files).
        title: Title or headline, if the input has one.
        text: Body text.
        url: Link, if present.
        published: Publication time as found in the input (unparsed), if present.
        guid: The feed's own id, if present.
        encoding: The encoding the bytes were decoded with (``utf-8``, ``cp1252``, ...).
        extra: Fields kept as they are (``FeedMapping.extra``), as a JSON object of strings
            with sorted keys, or ``None`` when there are none.
    """

    source: str
    record: int
    title: str | None
    text: str | None
    url: str | None = None
    published: str | None = None
    guid: str | None = None
    encoding: str = "utf-8"
    extra: str | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that could not be processed.

    ``record`` is ``None`` when the whole file failed. ``reason`` is a short machine-readable
    word (``decode_error``, ``bad_json``, ``empty_text``, ...); ``detail`` is for a person.
    """

    source: str
    record: int | None
    reason: str
    detail: str


@dataclass(slots=True)
class Article:
    """A repaired and cleaned article, ready for dedup and writing."""

    article_id: str
    source: str
    record: int
    title: str | None
    text: str
    url: str | None
    published: datetime | None
    guid: str | None
    encoding: str
    edits: list[Edit] = field(default_factory=list)
    extra: str | None = None


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An article removed as a copy of ``duplicate_of``."""

    article_id: str
    source: str
    record: int
    duplicate_of: str
    similarity: float
    method: str  # "exact" or "near"
    reason: str = ""  # exact, near, edited, corrected, changed_values (normnews.dedup.verify)
