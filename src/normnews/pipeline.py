"""The local engine: discover → read → repair/clean/sign (process pool) → dedup → write → publish.

One run, step by step:

1. take the output root's lock, finish any publish a crash interrupted;
2. discover the input files and keep those the ledger has not seen (new or changed content);
3. read pass: read and decode the input once, into numbered batches parked as scratch files
   in staging (:mod:`normnews.scratch`); meanwhile workers count boilerplate-candidate lines per
   site (corpus-level boilerplate evidence), merged with the counts kept by earlier runs;
4. main pass: per-article stages in a process pool over the parked batches, each worker
   writing its batch's articles to scratch and returning ids, keys and signatures in input
   order; rejects written as they come;
5. dedup over the whole run and against the history of earlier runs;
6. split the articles into ``articles`` and ``duplicates``; write this run's state parts
   (ledger, history, line counts); publish everything with a journal; write the manifest last.

Memory stays bounded by the batch window plus the dedup state (a few hundred bytes per
article); article texts are never all held at once, and never pickled between processes.
"""

from __future__ import annotations

import errno
import json
import logging
import shutil
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from normnews.clean.census import LineCensus
from normnews.config import JobConfig
from normnews.dates import undated_feed_warnings
from normnews.dedup import Deduper, HistoryIndex, Match, effective_params
from normnews.dedup.evidence import SENTENCE_BANDS, SENTENCE_ROWS
from normnews.dedup.signatures import Permutations
from normnews.errors import (
    AlreadyPublished,
    EmptyInput,
    EnvironmentFailure,
    NormnewsError,
    NothingToDo,
    StateCorrupt,
    TooManyRejects,
)
from normnews.failpoints import failpoint
from normnews.hashing import stable_id
from normnews.ingest.discover import InputFile, discover
from normnews.ingest.readers import ReadStats, content_key, read_file
from normnews.model import Duplicate, RawRecord, Reject
from normnews.output.manifest import Manifest, manifest_path, survivor_fallback
from normnews.output.publish import Move, pending_publish, publish, recover, write_atomic
from normnews.output.writer import DatasetWriter, duplicate_row, open_writers, reject_row
from normnews.process import (
    WorkerSetup,
    census_batch,
    init_pool_worker,
    init_worker,
    process_batch,
    signer_permutations,
)
from normnews.runstats import TextStats, duplicate_stats
from normnews.schema import ARTICLES, iter_ipc_windows, parquet_num_rows, take_rows
from normnews.scratch import ScratchBatch, park
from normnews.state import (
    STATE_DIR,
    LedgerEntry,
    RunLock,
    check_state_files,
    load_ledger,
    write_ledger,
)
from normnews.statefiles import LINE_TEXT_DIR, load_census, write_census, write_line_text

log = logging.getLogger("normnews")

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``: called as work completes (``total`` may be unknown)."""

_UNREADABLE = "unreadable:"
_DAY_FOLDERS = (
    "articles",
    "duplicates",
    "rejects",
    f"{STATE_DIR}/ledger",
    f"{STATE_DIR}/lines",
    f"{STATE_DIR}/{LINE_TEXT_DIR}",
    f"{STATE_DIR}/history",
)
_REJECT_FLUSH = 4096
_SCRATCH = "_scratch"
_WRITE_ROWS = 16 * 1024
"""Rows handed to the Parquet writer at once: one row group each (fixed, so how the input was
batched never shows in the output files)."""
_LOGGED_REJECTS = 50
"""Rejects logged one by one; the rest are only counted (they are all in ``rejects/``)."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class RunResult:
    """What a finished run reports (the CLI prints it as the summary line)."""

    status: str
    run_id: str
    run_date: str
    out: Path
    manifest: Path | None
    counts: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The one-line JSON summary."""
        return {
            "status": self.status,
            "run_id": self.run_id,
            "run_date": self.run_date,
            "out": str(self.out),
            "manifest": str(self.manifest) if self.manifest else None,
            **{k: v for k, v in self.counts.items() if not isinstance(v, dict)},
        }


@dataclass
class _Plan:
    todo: list[tuple[InputFile, str]]
    skipped: int
    replace_day: bool


def _plan(files: list[InputFile], ledger: list[LedgerEntry], config: JobConfig) -> _Plan:
    """Choose the files this run processes: content the ledger has not recorded.

    Every file is hashed, whatever its size and mtime say (``touch -r`` keeps both while the
    content changes), through the same safe open as reading: no link out of the input, and a
    FIFO or device is never read (it would block the run while it holds the lock).
    """
    day = config.run_date
    # --reprocess rebuilds this run date from scratch, so its own entries do not count as done.
    counted = [e for e in ledger if not (config.reprocess and e.run_date == day)]
    done = {(e.relpath, e.digest) for e in counted}
    todo: list[tuple[InputFile, str]] = []
    skipped = 0
    for f in files:
        digest = _plan_digest(f)
        if (f.relpath, digest) in done:
            skipped += 1
        else:
            todo.append((f, digest))
    return _Plan(todo=todo, skipped=skipped, replace_day=config.reprocess)


def _plan_digest(f: InputFile) -> str:
    """The ledger key of ``f`` (:func:`content_key`), or a marker for a file that cannot be
    opened now (never found in the ledger, so always tried)."""
    return content_key(f) or f"{_UNREADABLE}{f.size}:{f.mtime_ns}"


def _refuse_published(config: JobConfig, run_id: str) -> None:
    """Stop a run whose id already has published output, unless it rebuilds the day.

    The same inputs, config and day give the same run id. When the ledger knows the inputs they
    are skipped before this point; reaching it means the ledger lost them (deleted, restored
    from an older copy), and running on would publish part files of the same names again and
    match every article against its own history entry.

    A run whose ledger part is still there did not lose its record: the inputs it planned again
    are the ones it could not open (a dangling link, a file gone or denied), which are never
    recorded and so are tried on every run; rerunning them rewrites the same names.
    """
    if config.reprocess:
        return
    out = config.out_dir
    part = f"run_date={config.run_date.isoformat()}"
    if (out / STATE_DIR / "ledger" / part / f"part-{run_id}.parquet").exists():
        return
    found = [manifest_path(out, run_id)] if manifest_path(out, run_id).exists() else []
    for name in ("articles", "duplicates", "rejects"):
        found += sorted((out / name / part).glob(f"part-{run_id}-*"))
    if found:
        raise AlreadyPublished(
            f"run {run_id} was already published ({found[0]}), but the ledger under "
            f"{out / STATE_DIR / 'ledger'} does not record its input files (deleted or restored "
            "from an older copy?). Nothing was changed. Rerun with --reprocess to rebuild "
            f"run_date {config.run_date.isoformat()} from its input files."
        )


def _refuse_unrecorded(config: JobConfig, todo: list[tuple[InputFile, str]]) -> None:
    """Stop a run that would publish input another run already published, because the
    ledger lost its record (its ledger part was deleted or restored from an older copy).

    A published run always leaves a manifest in ``_runs/`` and a ledger part named after its
    id; a manifest without its ledger part is the sign. Only those manifests are read (and the
    recorded ones of their days). Runs whose day was rebuilt later with ``--reprocess``, or is
    being rebuilt by this run, do not count: their output was replaced whole.
    """
    out = config.out_dir
    recorded = {
        p.stem.removeprefix("part-")
        for p in (out / STATE_DIR / "ledger").glob("run_date=*/part-*.parquet")
    }
    planned = {(f.relpath, digest) for f, digest in todo}
    for path in sorted((out / "_runs").glob("*.json")):
        if path.stem in recorded:
            continue
        manifest = _read_manifest(path)
        day = str(manifest["run_date"])
        if config.reprocess and day == config.run_date.isoformat():
            continue
        if _rebuilt_since(out, path.stem, manifest, recorded):
            continue
        inputs = {(str(i["path"]), str(i["digest"])) for i in manifest["inputs"]}
        again = sorted(inputs & planned)
        if again:
            raise AlreadyPublished(
                f"{len(again)} input file(s) ({again[0][0]}, ...) were published by run "
                f"{path.stem} on run_date {day}, but the ledger under "
                f"{out / STATE_DIR / 'ledger'} has no record of that run (deleted, or restored "
                "from an older copy). Nothing was changed. Restore the ledger, or rebuild that "
                f"day with --reprocess --run-date {day}."
            )


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("inputs"), list):
            raise ValueError("no list of inputs")
        str(manifest["run_date"])
        for item in manifest["inputs"]:
            str(item["path"]), str(item["digest"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StateCorrupt(
            f"manifest {path} cannot be read ({exc}); restore it or move it out of _runs/."
        ) from None
    return manifest


def _rebuilt_since(out: Path, run_id: str, manifest: dict[str, Any], recorded: set[str]) -> bool:
    """Whether a recorded ``--reprocess`` run of the same day started after ``run_id`` did
    (run ids begin with their day, ``YYYYMMDD-``)."""
    day_prefix = run_id.split("-", 1)[0]
    started = str(manifest.get("started_at", ""))
    for other in (out / "_runs").glob(f"{day_prefix}-*.json"):
        if other.stem == run_id or other.stem not in recorded:
            continue
        later = _read_manifest(other)
        if later.get("config", {}).get("reprocess") and str(later.get("started_at", "")) >= started:
            return True
    return False


def _run_id(config: JobConfig, todo: list[tuple[InputFile, str]]) -> str:
    """Same inputs, same config, same day: same run id (so a redo rewrites the same names)."""
    parts = [config.run_date.isoformat(), config.fingerprint()]
    parts += [f"{f.relpath}:{digest}" for f, digest in todo]
    return f"{config.run_date:%Y%m%d}-{stable_id(*parts)[:12]}"


def _ordered_map(
    fn: Callable[[T], R],
    batches: Iterable[T],
    pool: ProcessPoolExecutor | None,
    window: int,
) -> Iterator[R]:
    """Map ``fn`` over batches in a pool, in order, with at most ``window`` in flight."""
    if pool is None:
        yield from map(fn, batches)
        return
    pending: deque[Future[R]] = deque()
    for batch in batches:
        pending.append(pool.submit(fn, batch))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class _Reader:
    """Reads the planned files into batches of raw records; rejects go to a callback."""

    def __init__(self, todo: list[tuple[InputFile, str]], config: JobConfig) -> None:
        self.todo = todo
        self.batch_size = config.batch_size
        self.limits = config.limits
        self.mapping_for = config.mapping_for
        self.records_per_file: dict[str, int] = {}
        self.digests: dict[str, str | None] = {}
        """The content hash of what was actually read (``None``: not opened, so not done)."""

    def batches(self) -> Iterator[list[RawRecord | Reject]]:
        """Batches in input order. Readers' rejects travel in them too, so every result comes
        back in input order whatever the number of workers (the rejects file is then the same
        bytes with 1 worker or 8)."""
        batch: list[RawRecord | Reject] = []
        for f, _ in self.todo:
            n = 0
            stats = ReadStats()
            for item in read_file(f, self.limits, stats, self.mapping_for(f.relpath)):
                n += 1
                batch.append(item)
                if len(batch) >= self.batch_size:
                    yield batch
                    batch = []
            self.records_per_file[f.relpath] = n
            self.digests[f.relpath] = stats.digest
        if batch:
            yield batch


class _Timer:
    """Stage timings for the manifest, and a log line as each stage starts."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def lap(self, stage: str, start: float, following: str | None = None) -> float:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - start
        log.debug("stage %s took %.3fs", stage, now - start)
        if following:
            log.info("stage %s", following)
            failpoint(f"stage.{following}")
        return now


def _noop(stage: str, done: int, total: int | None) -> None:
    return None


def run(config: JobConfig, *, progress: Progress | None = None) -> RunResult:
    """Run the whole job once. Everything the CLI does, without the CLI.

    Args:
        config: The effective configuration (see :func:`normnews.config.load_config`).
        progress: Optional callback for progress reporting.

    Returns:
        The run's status, id, manifest path and counts.

    Raises:
        InputError: The input directory is unusable.
        LockHeld: Another run holds the output root.
        NothingToDo: Every input file was processed before.
        TooManyRejects: More records were rejected than ``max_error_rate`` allows (nothing is
            published; the manifest says why).
        StateMismatch: The history index was built with other dedup settings.
    """
    try:
        return _run(config, progress or _noop)
    except NormnewsError:
        raise
    except OSError as exc:
        failure = environment_failure(exc, config.out_dir)
        if failure is None:
            raise
        raise failure from exc


_ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EFBIG: "a file grew past the size limit of the system or process",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}
_ENVIRONMENT_MESSAGES = {
    "No space left on device": errno.ENOSPC,
    "Disk quota exceeded": errno.EDQUOT,
    "Read-only file system": errno.EROFS,
    "File too large": errno.EFBIG,
}


def environment_failure(exc: OSError, out: Path) -> EnvironmentFailure | None:
    """An :class:`EnvironmentFailure` for an OS error the operator must fix, else ``None``.

    pyarrow reports an ``ENOSPC`` as an ``OSError`` without ``errno``, so its message is read
    too.
    """
    code = exc.errno
    if code not in _ENVIRONMENT_ERRNOS:
        code = next((c for text, c in _ENVIRONMENT_MESSAGES.items() if text in str(exc)), None)
    if code is None:
        return None
    path = exc.filename or out
    fixes = {
        errno.ENOSPC: "free space on that file system",
        errno.EDQUOT: "free space or raise the quota",
        errno.EFBIG: "raise the file size limit (ulimit -f)",
        errno.EROFS: "remount it read-write or choose another --out",
        errno.EACCES: "give the user running normnews write access, or choose another --out",
        errno.EPERM: "give the user running normnews write access, or choose another --out",
    }
    if pending_publish(out) is not None:
        state = "A publish was under way: its journal is kept, and the next run finishes it"
    else:
        state = "Nothing was published and the previous output is intact"
    return EnvironmentFailure(
        f"cannot write {path}: {_ENVIRONMENT_ERRNOS[code]} ({exc.strerror or exc}). {state}; "
        f"{fixes[code]}, then rerun."
    )


def _run(config: JobConfig, report: Progress) -> RunResult:
    started = datetime.now(UTC)
    timer = _Timer()
    t = time.perf_counter()
    out = config.out_dir
    files = discover(config.input_dir, exclude=out)
    if not files:
        if config.allow_empty:
            raise NothingToDo(
                f"the input directory {config.input_dir} holds no files; nothing to do "
                "(--allow-empty)."
            )
        raise EmptyInput(
            f"the input directory {config.input_dir} holds no files: the feed did not arrive, "
            "or the path is wrong. Check the upstream job; pass --allow-empty if an empty day "
            "is expected (exit 99 then)."
        )
    out.mkdir(parents=True, exist_ok=True)
    with RunLock(out):
        recover(out)
        check_state_files(out)
        plan = _plan(files, load_ledger(out), config)
        t = timer.lap("discover", t, "census")
        if not plan.todo:
            raise NothingToDo(
                f"all {len(files)} input file(s) in {config.input_dir} were processed by earlier "
                "runs; nothing new to do (use --reprocess to rebuild this run date).",
                counts={"records_in": 0, "files": 0, "files_skipped": plan.skipped},
            )
        _refuse_unrecorded(config, plan.todo)
        run_id = _run_id(config, plan.todo)
        _refuse_published(config, run_id)
        staging = out / f".staging-{run_id}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            return _run_staged(config, plan, run_id, staging, started, timer, report)
        finally:
            # Once a journal names this staging folder, it is the only copy of what the
            # journal still has to move: the next run rolls it forward.
            if pending_publish(out) != staging.name:
                shutil.rmtree(staging, ignore_errors=True)


def _run_staged(
    config: JobConfig,
    plan: _Plan,
    run_id: str,
    staging: Path,
    started: datetime,
    timer: _Timer,
    report: Progress,
) -> RunResult:
    out = config.out_dir
    day = config.run_date
    bands, rows = effective_params(config.dedup)
    counts: Counter[str] = Counter()
    reject_reasons: Counter[str] = Counter()
    edit_steps: Counter[str] = Counter()
    dates_given: Counter[str] = Counter()
    dates_failed: Counter[str] = Counter()
    text_stats = TextStats()
    workers = config.effective_workers
    window = 2 * workers

    # The state of this run date from earlier runs of the same day counts as history too
    # (hourly runs), unless this run rebuilds the day.
    include_day = not plan.replace_day
    t = time.perf_counter()

    # Opened first: a history built with other settings must stop the run before any work.
    history = _open_history(config, include_day)
    reader = _Reader(plan.todo, config)
    batches, frequent, perms = _read_pass(config, reader, run_id, staging, include_day, report)
    t = timer.lap("census", t, "process")

    writers = open_writers(staging, run_date=day, run_id=run_id)
    deduper = Deduper(config.dedup, history=history, spill_dir=staging / "_spill")
    spool: list[Path] = []
    dated: dict[str, list[int]] = {}

    pending_rejects: list[dict[str, Any]] = []
    first_rejects: list[dict[str, Any]] = []

    def on_reject(reject: Reject) -> None:
        # Buffered: one Parquet row group per reject would make a broken feed's file huge.
        reject_reasons[reject.reason] += 1
        if sum(reject_reasons.values()) <= _LOGGED_REJECTS:
            # A whole-file reject has no record number: name the file alone.
            where = reject.source if reject.record is None else f"{reject.source}#{reject.record}"
            log.warning("rejected %s: %s: %s", where, reject.reason, reject.detail)
        row = reject_row(reject)
        if len(first_rejects) < _LOGGED_REJECTS:
            first_rejects.append(row)
        pending_rejects.append(row)
        if len(pending_rejects) >= _REJECT_FLUSH:
            writers["rejects"].write_rows(pending_rejects)
            pending_rejects.clear()

    # Ids key on the content actually read (the same as planned, unless the file changed).
    digests = {f.relpath: reader.digests.get(f.relpath) or digest for f, digest in plan.todo}
    with _pool(workers, WorkerSetup(config, frequent, digests, perms)) as pool:
        done = 0
        results = _ordered_map(process_batch, batches, pool, window)
        for batch, result in zip(batches, results, strict=True):
            for reject in result.rejects:
                on_reject(reject)
            if result.articles_path is not None:
                spool.append(Path(result.articles_path))
                deduper.add_batch(
                    result.article_ids,
                    result.exact_keys,
                    result.signatures,
                    result.published,
                    result.lengths,
                    result.evidence,
                )
            edit_steps.update(result.edit_steps)
            dates_given.update(result.dates_given)
            dates_failed.update(result.dates_failed)
            text_stats.merge(result.text_stats)
            for source, (seen, with_date) in result.dated.items():
                total = dated.setdefault(source, [0, 0])
                total[0] += seen
                total[1] += with_date
            done += batch.items
            report("process", done, None)
    writers["rejects"].write_rows(pending_rejects)
    if sum(reject_reasons.values()) > _LOGGED_REJECTS:
        log.warning(
            "%d more rejects not logged; all are in the rejects dataset",
            sum(reject_reasons.values()) - _LOGGED_REJECTS,
        )
    for message in undated_feed_warnings(dates_given, dates_failed, config.dedup.survivor):
        log.warning("%s", message)
    records_in = sum(reader.records_per_file.values())
    t = timer.lap("process", t, "dedup")

    matches = deduper.resolve() if config.dedup.enabled else {}
    t = timer.lap("dedup", t, "write")

    kept_rows, self_matches = _split_spool(spool, matches, writers)
    for index in self_matches:
        del matches[index]
    n_rejects = sum(reject_reasons.values())
    counts.update(
        records_in=records_in,
        articles=kept_rows,
        duplicates=len(matches),
        duplicates_exact=sum(1 for m in matches.values() if m.method == "exact"),
        duplicates_near=sum(1 for m in matches.values() if m.method == "near"),
        rejects=n_rejects,
        files=len(plan.todo),
        files_skipped=plan.skipped,
        articles_lost_over_half=text_stats.over_half,
        date_parse_failures=text_stats.date_failures,
    )
    if kept_rows + len(matches) + n_rejects != records_in:
        raise AssertionError(
            f"accounting error: {records_in} records in, {kept_rows} articles + "
            f"{len(matches)} duplicates + {n_rejects} rejects out"
        )
    outputs = {name: w.close() for name, w in writers.items()}
    t = timer.lap("write", t, "state")

    manifest = Manifest(
        run_id=run_id,
        run_date=day.isoformat(),
        status="ok",
        config=config.to_dict(),
        fingerprint=config.fingerprint(),
        lsh={
            "bands": bands,
            "rows": rows,
            "num_perm": config.dedup.num_perm,
            "sentence_bands": SENTENCE_BANDS,
            "sentence_rows": SENTENCE_ROWS,
        },
        inputs=[
            {
                "path": f.relpath,
                "size": f.size,
                "digest": digests[f.relpath],
                "records": reader.records_per_file.get(f.relpath, 0),
            }
            for f, digest in plan.todo
        ],
        skipped_inputs=plan.skipped,
        counts={
            **counts,
            "rejects_by_reason": dict(sorted(reject_reasons.items())),
            "duplicates_by_reason": dict(
                sorted(Counter(m.reason for m in matches.values()).items())
            ),
            "edits_by_step": dict(sorted(edit_steps.items())),
        },
        text=text_stats.to_manifest(),
        learned_lines=text_stats.learned_lines(),
        dedup={
            **survivor_fallback(
                config.dedup.survivor, sorted(s for s, (_, d) in dated.items() if d == 0)
            ),
            **duplicate_stats(
                ((m.similarity, m.method, m.duplicate_of) for m in matches.values()),
                config.dedup.threshold,
            ),
        },
        started_at=started.isoformat(timespec="seconds"),
    )
    rate = n_rejects / records_in if records_in else 0.0
    if rate > config.max_error_rate:
        manifest.status = "failed_too_many_rejects"
        # Nothing is published, so the manifest is where an operator finds what went wrong.
        manifest.counts["first_rejects"] = first_rejects
        manifest.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
        manifest.timings = timer.timings
        # Not in _runs/: a manifest there means a complete, published run.
        failed_path = out / "_runs" / "failed" / f"{run_id}.json"
        write_atomic(failed_path, manifest.to_json())
        raise TooManyRejects(
            f"{n_rejects} of {records_in} input records were rejected ({rate:.1%}), more than "
            f"max_error_rate {config.max_error_rate:.1%}; nothing was published. Reasons: "
            f"{dict(reject_reasons)}. The first {len(first_rejects)} are listed in "
            f"{failed_path}; fix the feed, or raise --max-error-rate." + _first_hint(first_rejects),
            counts={**counts, "rejects_by_reason": dict(sorted(reject_reasons.items()))},
        )

    state = staging / STATE_DIR
    write_ledger(
        state,
        day,
        run_id,
        [
            LedgerEntry(
                f.relpath,
                f.size,
                f.mtime_ns,
                read_digest,
                reader.records_per_file.get(f.relpath, 0),
                day,
            )
            for f, _ in plan.todo
            # A file that could not be opened (gone since planning, not a regular file) is
            # tried again next run, not skipped; one that was is recorded with the hash of
            # the bytes actually read.
            if (read_digest := reader.digests.get(f.relpath)) is not None
        ],
    )
    write_line_text(state, day, run_id, text_stats.learned_lines())
    if config.dedup.enabled:
        deduper.write_history(state, day, matches, f"part-{run_id}")
    deduper.close()
    t = timer.lap("state", t, "publish")

    if plan.replace_day:
        # A rebuilt day replaces every partition of that day, also those this run writes
        # nothing into (history with dedup off): stale state must not outlive the rebuild.
        for folder in _DAY_FOLDERS:
            part = f"{folder}/run_date={day.isoformat()}"
            if (out / part).exists():
                (staging / part).mkdir(parents=True, exist_ok=True)
    moves = _moves(staging, day, plan.replace_day)
    manifest.outputs = {
        name: [{"path": str(p.relative_to(staging)), "rows": parquet_num_rows(p)} for p in paths]
        for name, paths in outputs.items()
    }
    manifest.timings = timer.timings
    manifest.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    target = manifest_path(out, run_id)
    publish(out, staging, moves, (target, manifest.to_json()))
    timer.lap("publish", t)
    return RunResult("ok", run_id, day.isoformat(), out, target, dict(counts))


def _first_hint(first_rejects: list[dict[str, Any]]) -> str:
    """The fix a reader's reject suggests (a header-less CSV), repeated in the run's error."""
    for row in first_rejects:
        detail = str(row.get("detail") or "")
        if "No header?" in detail:
            return f" {row['source']}: No header?" + detail.split("No header?", 1)[1]
    return ""


def _open_history(config: JobConfig, include_day: bool) -> HistoryIndex | None:
    """The history index of earlier runs (``None`` when dedup or history is off)."""
    if not (config.dedup.enabled and config.dedup.history):
        return None
    folder = config.out_dir / STATE_DIR
    try:
        return HistoryIndex.open(
            folder, config.dedup, before=config.run_date, include_day=include_day
        )
    except (OSError, ValueError) as exc:
        raise StateCorrupt(
            f"the history index under {folder / 'history'} cannot be read ({exc}). Move the "
            "damaged part out of _state/history (or restore a backup) and rerun with "
            "--reprocess for its run_date."
        ) from None


def _read_pass(
    config: JobConfig,
    reader: _Reader,
    run_id: str,
    staging: Path,
    include_day: bool,
    report: Progress,
) -> tuple[list[ScratchBatch], frozenset[int], Permutations]:
    """Read the input once into parked batches, counting boilerplate-candidate lines on the way;
    store this run's counts; return the batches, the frequent line keys and the MinHash
    permutations (computed by a census worker meanwhile).

    The counts are written to the staging state here, and dropped before the main pass, so the
    worker processes forked for it do not start with a copy of a census that can hold millions
    of entries.
    """
    folder = staging / _SCRATCH
    folder.mkdir(parents=True, exist_ok=True)
    batches: list[ScratchBatch] = []

    def parked() -> Iterator[ScratchBatch]:
        for seq, items in enumerate(reader.batches()):
            batch = park(items, folder, seq)
            batches.append(batch)
            yield batch

    run_census = LineCensus()
    if not config.clean.boilerplate:
        done = 0
        for batch in parked():
            done += batch.items
            report("census", done, None)
        write_census(staging / STATE_DIR, config.run_date, run_id, run_census)
        return batches, frozenset(), signer_permutations(config)
    workers = config.effective_workers
    with _pool(workers, WorkerSetup(config)) as pool:
        perms = pool.submit(signer_permutations, config) if pool is not None else None
        done = 0
        for i, found in enumerate(_ordered_map(census_batch, parked(), pool, 2 * workers)):
            for keys, site in found:
                run_census.add(keys, site)
            done += batches[i].items
            report("census", done, None)
        perms_value = perms.result() if perms is not None else signer_permutations(config)
    write_census(staging / STATE_DIR, config.run_date, run_id, run_census)
    census = load_census(config.out_dir / STATE_DIR, config.run_date, include_day=include_day)
    # Counts add up the same either way round; adding the smaller to the larger is cheaper.
    if census.size < run_census.size:
        census, run_census = run_census, census
    census.merge(run_census)
    del run_census
    return batches, census.frequent(config.clean), perms_value


class _pool:
    """A process pool for ``workers`` > 1, or in-process work for a single worker."""

    def __init__(self, workers: int, setup: WorkerSetup) -> None:
        self.workers = workers
        self.setup = setup
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessPoolExecutor | None:
        if self.workers <= 1:
            init_worker(self.setup)
            return None
        self.executor = ProcessPoolExecutor(
            max_workers=self.workers, initializer=init_pool_worker, initargs=(self.setup,)
        )
        return self.executor

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def _split_spool(
    spool: list[Path], matches: dict[int, Match], writers: dict[str, DatasetWriter]
) -> tuple[int, list[int]]:
    """Stream the run's articles into ``articles`` (kept) and ``duplicates`` (removed); count
    the kept ones.

    A match of an article with its own id (history holds this very record, e.g. after a lost
    ledger) is no duplicate: the article is kept. Returns the kept count and those indexes.
    """
    index = 0
    kept_total = 0
    self_matches: list[int] = []
    for table in iter_ipc_windows(spool, _WRITE_ROWS):
        n = table.num_rows
        matched = [i for i in range(n) if index + i in matches]
        if matched:
            ids = take_rows(table, matched, None, columns=["article_id"]).to_pylist()
            for i, row in zip(matched, ids, strict=True):
                if matches[index + i].duplicate_of == row["article_id"]:
                    self_matches.append(index + i)
        own = set(self_matches)
        kept = [i for i in range(n) if index + i not in matches or index + i in own]
        dropped = [i for i in range(n) if index + i in matches and index + i not in own]
        if kept:
            writers["articles"].write_table(take_rows(table, kept, ARTICLES))
            kept_total += len(kept)
        if dropped:
            meta = take_rows(
                table, dropped, None, columns=["article_id", "source", "record", "title"]
            )
            rows = []
            for i, row in zip(dropped, meta.to_pylist(), strict=True):
                m = matches[index + i]
                dup = Duplicate(
                    row["article_id"],
                    row["source"],
                    row["record"],
                    m.duplicate_of,
                    m.similarity,
                    m.method,
                    m.reason,
                )
                rows.append(duplicate_row(dup, row["title"]))
            writers["duplicates"].write_rows(rows)
        index += n
    return kept_total, self_matches


def _moves(staging: Path, day: date, replace_day: bool) -> list[Move]:
    """What to move into place: new part files, or whole day partitions when rebuilding.

    Everything else staged (the history header) is moved file by file; scratch folders
    (``_scratch``, ``_spill``) never are.
    """
    part = f"run_date={day.isoformat()}"
    moves: list[Move] = []
    for path in sorted(staging.rglob("*")):
        rel = path.relative_to(staging)
        if rel.parts[0] in (_SCRATCH, "_spill"):
            continue
        whole_day = replace_day and path.is_dir() and path.name == part
        loose_file = path.is_file() and not (replace_day and part in rel.parts)
        if whole_day or loose_file:
            moves.append(Move(rel.as_posix()))
    return moves
