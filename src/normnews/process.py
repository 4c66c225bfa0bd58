"""The per-article stages (repair, clean, signature) as functions a worker process runs.

A worker is set up once (:func:`init_worker`: configs, the boilerplate line set, a MinHash
signer) and then handed batches of :class:`RawRecord`. Nothing here does I/O; everything a batch
produces is returned to the parent in input order, so the result does not depend on how many
workers there are or how the batches were cut.
"""

from __future__ import annotations

import email.utils
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from normnews.clean import normalise
from normnews.clean.census import line_keys, site_of
from normnews.config import JobConfig
from normnews.dedup import Signer
from normnews.hashing import stable_id
from normnews.model import Article, Edit, RawRecord, Reject


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker needs, sent once when the pool starts."""

    config: JobConfig
    frequent: frozenset[int] = frozenset()
    digests: dict[str, str] = field(default_factory=dict)
    """Content hash of each input file, by relative path (part of every article id)."""


@dataclass(slots=True)
class Processed:
    """One article ready for dedup (its exact key is filled in with the batch's signatures)."""

    article: Article
    exact_key: int = 0


@dataclass(slots=True)
class BatchResult:
    """What one batch produced, in input order.

    ``signatures`` holds one MinHash row per :class:`Processed` item, in the same order
    (a ``(n, num_perm)`` uint32 matrix owned by :mod:`normnews.dedup`).
    """

    items: list[Processed | Reject] = field(default_factory=list)
    signatures: Any = None


_SETUP: WorkerSetup | None = None
_SIGNER: Signer | None = None


def init_worker(setup: WorkerSetup, *, watch_parent: bool = False) -> None:
    """Set up this process for :func:`process_batch` (the pool's initializer).

    Args:
        setup: Configs and the boilerplate line set.
        watch_parent: Exit when the parent process dies. Pool workers need it: a parent killed
            by SIGKILL never tells its pool to stop, and a forked worker keeps the queue's
            write end open, so it would otherwise wait for work forever.
    """
    global _SETUP, _SIGNER
    _SETUP = setup
    _SIGNER = Signer(setup.config.dedup)
    if watch_parent:
        threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def init_pool_worker(setup: WorkerSetup) -> None:
    """:func:`init_worker` for a worker process of a pool."""
    init_worker(setup, watch_parent=True)


def article_id(source: str, record: int, digest: str = "") -> str:
    """The stable id of an input record: its file path, index and the file's content hash.

    The same record of the same file gets the same id on every run; a file rewritten with
    other content under the same name gets new ids, so two different articles never share one.

    >>> article_id("feeds/a.jsonl", 3, "d1") == article_id("feeds/a.jsonl", 3, "d1")
    True
    >>> article_id("feeds/a.jsonl", 3, "d1") == article_id("feeds/a.jsonl", 3, "d2")
    False
    """
    return stable_id(source, str(record), digest)


def parse_published(value: str | None) -> tuple[datetime | None, Edit | None]:
    """Parse a publication time (ISO 8601 or RFC 2822) to an aware UTC datetime.

    A time without a zone is taken as UTC. A value that cannot be parsed becomes null, with an
    edit that says so (the article is kept).

    >>> parse_published("2026-11-24T08:30:00+01:00")[0].isoformat()
    '2026-11-24T07:30:00+00:00'
    >>> parse_published("Tue, 24 Nov 2026 08:30:00 GMT")[0].isoformat()
    '2026-11-24T08:30:00+00:00'
    >>> parse_published("2026-11-24")[0].isoformat()
    '2026-11-24T00:00:00+00:00'
    >>> parse_published("yesterday")
    (None, Edit(step='published', detail="could not parse 'yesterday'; set to null"))
    """
    if value is None or not value.strip():
        return None, None
    text = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        return None, Edit("published", f"could not parse {text[:60]!r}; set to null")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC), None


def process_record(raw: RawRecord, setup: WorkerSetup) -> Processed | Reject:
    """Repair and clean one record; a record that ends up empty is rejected."""
    config = setup.config
    result = normalise(
        raw.title,
        raw.text or "",
        repair=config.repair,
        clean=config.clean,
        frequent=setup.frequent,
    )
    words = len(result.text.split())
    if not result.text.strip() or words < config.clean.min_words:
        return Reject(
            raw.source,
            raw.record,
            "empty_after_cleaning",
            f"the text has {words} word(s) left after cleaning "
            f"(minimum {config.clean.min_words}); edits: "
            + "; ".join(f"[{e.step}] {e.detail}" for e in result.edits)[:400],
        )
    published, date_edit = parse_published(raw.published)
    edits = list(result.edits)
    if date_edit is not None:
        edits.append(date_edit)
    article = Article(
        article_id=article_id(raw.source, raw.record, setup.digests.get(raw.source, "")),
        source=raw.source,
        record=raw.record,
        title=result.title,
        text=result.text,
        url=raw.url,
        published=published,
        guid=raw.guid,
        encoding=raw.encoding,
        edits=edits,
    )
    return Processed(article)


def process_batch(batch: list[RawRecord | Reject]) -> BatchResult:
    """Process a batch in this worker; an unexpected error rejects one record, not the run.

    Readers' rejects in the batch are passed through in place.
    """
    assert _SETUP is not None and _SIGNER is not None, "init_worker was not called"
    out = BatchResult()
    for raw in batch:
        if isinstance(raw, Reject):
            out.items.append(raw)
            continue
        try:
            out.items.append(process_record(raw, _SETUP))
        except Exception as exc:  # a bug on one odd record must not lose the whole batch
            out.items.append(
                Reject(raw.source, raw.record, "process_error", f"{type(exc).__name__}: {exc}")
            )
    processed = [p for p in out.items if isinstance(p, Processed)]
    out.signatures, keys = _SIGNER.signatures_and_keys([p.article.text for p in processed])
    for p, key in zip(processed, keys, strict=True):
        p.exact_key = key
    return out


def census_batch(batch: list[RawRecord | Reject]) -> list[tuple[list[int], str]]:
    """Boilerplate-candidate line keys and the site of each record of a batch (rejects are
    skipped)."""
    assert _SETUP is not None, "init_worker was not called"
    max_words = _SETUP.config.clean.boilerplate_max_words
    return [
        (line_keys(raw.text or "", max_words=max_words), site_of(raw.url, raw.source))
        for raw in batch
        if isinstance(raw, RawRecord)
    ]
