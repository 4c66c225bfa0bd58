"""The per-article stages (repair, clean, signature) as functions a worker process runs.

A worker is set up once (:func:`init_worker`: configs, the boilerplate line set, the MinHash
permutations; its signer is built on the first batch that needs one) and then handed batches
parked in scratch files (:mod:`normnews.scratch`). It writes the articles of a batch to the
batch's own scratch file and returns what dedup needs (ids, keys, signatures) and the rejects,
in input order, so the result does not depend on how many workers there are or how the batches
were cut.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from normnews.clean import normalise, step_counts
from normnews.clean.boilerplate import FREQUENT
from normnews.clean.census import line_keys, site_of
from normnews.clean.evidence import evidence_keys
from normnews.config import JobConfig
from normnews.dates import parse_date_noted, with_published_raw
from normnews.dedup import EvidenceMaker, Signer, permutations
from normnews.dedup.signatures import Permutations
from normnews.hashing import stable_id
from normnews.model import Article, Edit, RawRecord, Reject
from normnews.runstats import TextStats, word_count
from normnews.scratch import ScratchBatch, census_inputs, unpark, write_articles


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker needs, sent once when the pool starts."""

    config: JobConfig
    frequent: frozenset[int] = frozenset()
    digests: dict[str, str] = field(default_factory=dict)
    """Content hash of each input file, by relative path (part of every article id)."""
    permutations: Permutations | None = None
    """The MinHash permutations (:func:`signer_permutations`), if computed already."""


@dataclass(slots=True)
class BatchResult:
    """What one batch produced: its articles are in ``articles_path``; this is the rest.

    The lists hold one entry per article, in input order; ``signatures`` is the matching
    ``(n, num_perm)`` uint32 matrix (owned by :mod:`normnews.dedup`). ``rejects`` are the
    batch's rejects (the readers' and the workers'), in input order.
    """

    articles_path: str | None = None
    article_ids: list[str] = field(default_factory=list)
    exact_keys: list[int] = field(default_factory=list)
    published: list[int | None] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    signatures: Any = None
    evidence: Any = None
    """``(n, evidence.WIDTH)`` uint32 dedup evidence (values, sentence keys, edit signature)."""
    rejects: list[Reject] = field(default_factory=list)
    edit_steps: Counter[str] = field(default_factory=Counter)
    dates_given: Counter[str] = field(default_factory=Counter)
    """Articles with a non-blank ``published`` value, by input file."""
    dates_failed: Counter[str] = field(default_factory=Counter)
    """...of which the value could not be parsed (``published`` is null), by input file."""
    text_stats: TextStats = field(default_factory=TextStats)
    dated: dict[str, list[int]] = field(default_factory=dict)
    """Per source file: ``[articles, articles with a published time]`` (the survivor rule's
    fallback is recorded for feeds without any)."""


_SETUP: WorkerSetup | None = None
_SIGNER: Signer | None = None
_EVIDENCE: EvidenceMaker | None = None


def init_worker(setup: WorkerSetup, *, watch_parent: bool = False) -> None:
    """Set up this process for :func:`process_batch` (the pool's initializer).

    Args:
        setup: Configs and the boilerplate line set.
        watch_parent: Exit when the parent process dies. Pool workers need it: a parent killed
            by SIGKILL never tells its pool to stop, and a forked worker keeps the queue's
            write end open, so it would otherwise wait for work forever.
    """
    global _SETUP, _SIGNER, _EVIDENCE
    _SETUP = setup
    _SIGNER = None
    _EVIDENCE = None
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
    """Parse a publication time (:func:`normnews.dates.parse_date`) to an aware UTC datetime.

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
    parsed, note = parse_date_noted(value)
    if parsed is None:
        return None, Edit("published", f"could not parse {value.strip()[:60]!r}; set to null")
    return parsed, None if note is None else Edit(
        "published_zone", f"{value.strip()[:60]!r}: {note}"
    )


def process_record(raw: RawRecord, setup: WorkerSetup) -> Article | Reject:
    """Repair and clean one record; a record that ends up empty is rejected."""
    config = setup.config
    result = normalise(
        raw.title,
        raw.text or "",
        repair=config.repair,
        clean=config.clean,
        frequent=setup.frequent,
        url=raw.url,
    )
    # At most min_words splits: enough to tell a short text, without splitting all of a long one.
    words = len(result.text.split(None, config.clean.min_words))
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
        title=result.title or None,  # no title (or one cleaned away) is null, never ""
        text=result.text,
        url=raw.url,
        published=published,
        guid=raw.guid,
        encoding=raw.encoding,
        edits=edits,
        extra=with_published_raw(raw.extra, raw.published) if date_edit else raw.extra,
    )
    return article


def process_batch(batch: ScratchBatch) -> BatchResult:
    """Process a parked batch in this worker; an unexpected error rejects one record, not the
    run.

    Args:
        batch: The batch; its raw file is read (and removed) here, its articles are written to
            ``batch.articles_path``.

    Returns:
        What dedup needs of the batch's articles, and its rejects, in input order.
    """
    global _SIGNER, _EVIDENCE
    assert _SETUP is not None, "init_worker was not called"
    if _SIGNER is None:
        _SIGNER = Signer(_SETUP.config.dedup, _SETUP.permutations)
    if _EVIDENCE is None:
        _EVIDENCE = EvidenceMaker(_SETUP.config.dedup)
    out = BatchResult()
    articles: list[Article] = []
    items = unpark(batch)
    # Deleted here, not by the parent: freeing a file's blocks takes the kernel a while, and
    # the parent is the one process every batch waits on.
    Path(batch.path).unlink()
    for raw in items:
        if isinstance(raw, Reject):
            out.rejects.append(raw)
            continue
        try:
            done = process_record(raw, _SETUP)
        except Exception as exc:  # a bug on one odd record must not lose the whole batch
            done = Reject(raw.source, raw.record, "process_error", f"{type(exc).__name__}: {exc}")
        if isinstance(done, Reject):
            out.rejects.append(done)
        else:
            articles.append(done)
            out.text_stats.add(
                {
                    "article_id": done.article_id,
                    "source": done.source,
                    "record": done.record,
                    "title": done.title,
                },
                done.edits,
                words_out=word_count(done.text),
                raw_text=raw.text or "",
                site=site_of(done.url, done.source),
                learned_reason=FREQUENT,
            )
    texts = [a.text for a in articles]
    out.signatures, out.exact_keys, norms, edit = _SIGNER.sign_with(texts, _EVIDENCE.edit_signer)
    out.evidence = _EVIDENCE.rows(
        [a.title for a in articles], texts, out.exact_keys, norms, edit_signatures=edit
    )
    out.article_ids = [a.article_id for a in articles]
    out.published = [_micros(a.published) for a in articles]
    out.lengths = [len(a.text) for a in articles]
    for article in articles:
        out.edit_steps.update(step_counts(article.edits))
        seen = out.dated.setdefault(article.source, [0, 0])
        seen[0] += 1
        seen[1] += article.published is not None
    for raw in items:
        if isinstance(raw, RawRecord) and raw.published is not None and raw.published.strip():
            out.dates_given[raw.source] += 1
    for article in articles:
        if article.published is None and any(e.step == "published" for e in article.edits):
            out.dates_failed[article.source] += 1
    if articles:
        out.articles_path = batch.articles_path
        write_articles(articles, out.exact_keys, out.published, Path(out.articles_path))
    return out


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(value: datetime | None) -> int | None:
    # Integer arithmetic: a float timestamp can be a microsecond off.
    return None if value is None else (value - _EPOCH) // _MICROSECOND


def signer_permutations(config: JobConfig) -> Permutations:
    """The MinHash permutations for this run's dedup settings.

    A census worker computes them while the parent reads the input, so neither the parent nor
    the main pass's workers spend time importing datasketch.

    Args:
        config: The run's configuration.

    Returns:
        datasketch's affine32 ``(a, b)`` parameters.
    """
    return permutations(config.dedup)


def census_batch(batch: ScratchBatch) -> list[tuple[list[int], str]]:
    """Boilerplate-candidate line keys, sign-off and title affix evidence keys
    (:func:`normnews.clean.evidence.evidence_keys`) and the site of each raw record of a
    parked batch.

    Args:
        batch: A parked batch (its file is only read).

    Returns:
        ``(line keys, site)`` per record, in input order (rejects left out).
    """
    assert _SETUP is not None, "init_worker was not called"
    max_words = _SETUP.config.clean.boilerplate_max_words
    return [
        (line_keys(text, max_words=max_words) + evidence_keys(text, title), site_of(url, source))
        for text, url, source, title in census_inputs(batch)
    ]
