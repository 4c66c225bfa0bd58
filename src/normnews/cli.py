"""The ``normnews`` command line: parse, build the config, call the library, map the outcome.

No text logic and no Arrow here: every command forwards to a library function, and every
:class:`~normnews.errors.NormnewsError` becomes its exit code at this edge.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from normnews import __version__
from normnews.config import DedupConfig, JobConfig, find_config_file, load_config
from normnews.dedup import effective_params, s_curve_text
from normnews.dedup.evidence import SENTENCE_BANDS, sentence_curve_text
from normnews.errors import NormnewsError, NothingToDo, error_classes
from normnews.indexing import compact_index, index_stats, rebuild_index
from normnews.inspect import explain_file, show_output
from normnews.output.report import write_report
from normnews.pipeline import RunResult, run
from normnews.preview import preview

EXIT_CODES = """\
Exit codes: 0 done · 1 unexpected error · 2 usage or config error · 65 more records
rejected than --max-error-rate allows, or an empty input directory (nothing published) ·
74 environment or state failure: disk full, read-only OUT, corrupt _state, output already
published under this run id (the message names the path and the fix) · 75 another run holds
the lock on OUT (retry later) · 99 nothing new to do (Airflow's BashOperator:
skip_on_exit_code=99) · 130 interrupted.
The summary line's "status" names the outcome (see the README)."""

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
OUTCOMES: dict[str, tuple[int, str]] = {
    "ok": (0, "finished; rejected records are counted and written to `rejects/`"),
    "dry_run": (
        0,
        "`run --dry-run` listed what a run would read, reprocess and skip; wrote nothing",
    ),
    "usage_error": (EXIT_USAGE, "a bad command, option or argument (the message says which)"),
    "interrupted": (EXIT_INTERRUPTED, "stopped by Ctrl-C or SIGINT; nothing was half-published"),
}
"""Statuses that are not errors of the library (those come from :mod:`normnews.errors`)."""


def status_table() -> list[tuple[str, int, str]]:
    """Every status the summary line can carry: ``(status, exit code, meaning)``.

    The outcomes above, then one per :class:`~normnews.errors.NormnewsError` class (its
    ``status``, ``exit_code`` and the first line of its docstring); ``error`` is the base class
    and also any unexpected exception.
    """
    rows = [("ok", *OUTCOMES["ok"]), ("dry_run", *OUTCOMES["dry_run"])]
    seen = {"ok", "dry_run"}
    for cls in error_classes():
        if cls.status in seen:
            continue
        seen.add(cls.status)
        # The docstring's first sentence, which may wrap over several lines.
        paragraph = " ".join((cls.__doc__ or cls.__name__).strip().split("\n\n")[0].split())
        meaning = paragraph.split(": ")[0].split(". ")[0].rstrip(".").replace("``", "`") + "."
        if cls is NormnewsError:
            meaning = "an unexpected error (a bug); the message says what failed"
        rows.append((cls.status, cls.exit_code, meaning))
    rows += [(name, *OUTCOMES[name]) for name in ("usage_error", "interrupted")]
    return rows


def known_statuses() -> frozenset[str]:
    """The status words of :func:`status_table`."""
    return frozenset(status for status, _, _ in status_table())


def _s_curve_help() -> str:
    defaults = DedupConfig()
    bands, rows = effective_params(defaults)
    return (
        f"With the default --threshold {defaults.threshold} and {defaults.num_perm} "
        f"permutations, LSH uses {bands} bands × {rows} rows; the chance that a pair with "
        # "\b" keeps click from re-wrapping the table.
        f"Jaccard similarity s becomes a candidate:\n\n\b\n{s_curve_text(bands, rows)}"
        f"\n\n{SENTENCE_BANDS} more bands key each article by pairs of its sentences (6+ "
        "words), so a "
        "copy whose edited words broke many 5-word shingles but few sentences is still "
        "compared:"
        f"\n\n\b\n{sentence_curve_text()}\n\n"
        f"A candidate is a copy at Jaccard >= {defaults.threshold}, or containment >= "
        f"{defaults.containment} with Jaccard >= {defaults.containment_min_jaccard}, or "
        f"(edited copies) word-bigram containment >= {defaults.edit_containment} with "
        f"Jaccard >= {defaults.edit_min_jaccard}; and only when its figures, dates, tickers "
        f"and names agree (exactly under {defaults.strict_words} words or in tables; else "
        f"at most {defaults.figure_tolerance:.0%} of the figures, dates and tickers "
        f"and {defaults.value_tolerance:.0%} of the names may conflict). Marked corrections "
        "(CORRECTED, RPT) merge with what they correct and are kept."
    )


def _usage_error_class() -> type[Exception]:
    """click's ``UsageError``, found through typer's public ``BadParameter`` (a subclass of it).

    Typer before 0.26 depends on click and raises ``click.exceptions.UsageError``; typer 0.26
    and later vendor click as the private ``typer._click``, whose path may change at any
    release. ``typer.BadParameter`` is public in both, and click documents it as a
    ``UsageError``: its base class is the one to catch, whichever click it is.
    """
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == "UsageError" and issubclass(cls, Exception):
            return cls
    return typer.BadParameter  # pragma: no cover (a test checks that UsageError is found)


USAGE_ERROR = _usage_error_class()


class _SummaryGroup(TyperGroup):
    """The command group: a usage error prints the JSON summary line too (click then prints
    the message and usage on stderr and exits 2), so every exit has one."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except USAGE_ERROR as exc:
            _usage_summary(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except USAGE_ERROR as exc:
            _usage_summary(exc)
            raise


def _usage_summary(exc: Exception) -> None:
    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command_path", None) or "normnews"
    if type(exc).__name__ == "NoArgsIsHelpError":
        # The group or command was called with no arguments: click prints its help.
        message = f"{command} needs a command or argument (its help is on stderr)"
    else:
        lines = str(getattr(exc, "format_message", exc.__str__)()).strip().splitlines()
        message = lines[0] if lines else "usage error"
    _summary(
        "usage_error",
        message=message,
        exit_code=int(getattr(exc, "exit_code", EXIT_USAGE)),
        command=command,
    )


app = typer.Typer(
    name="normnews",
    cls=_SummaryGroup,
    help="Turn a directory of scraped news articles into clean, deduplicated Parquet.\n\n"
    + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
index_app = typer.Typer(help="Inspect and maintain the history index under OUT/_state/.")
app.add_typer(index_app, name="index")

log = logging.getLogger("normnews")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _setup_logging(log_format: str, verbose: bool) -> bool:
    """Log to stderr; JSON lines unless stderr is a terminal. Returns True for JSON."""
    use_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        _JsonFormatter() if use_json else logging.Formatter("normnews: %(levelname)s: %(message)s")
    )
    root = logging.getLogger("normnews")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
    return use_json


def _summary(status: str, **fields: Any) -> None:
    """The one JSON line on stdout (Airflow pushes the last stdout line to XCom)."""
    typer.echo(json.dumps({"status": status, **fields}, ensure_ascii=False, default=str))


def _fail(exc: NormnewsError, **fields: Any) -> typer.Exit:
    log.error("%s", exc)
    _summary(exc.status, **_error_fields(exc, **fields))
    return typer.Exit(exc.exit_code)


def _error_fields(exc: NormnewsError, **fields: Any) -> dict[str, Any]:
    """The summary fields of an error: its counts, then ``fields``, message and exit code (a
    count can never clash with them and turn the summary into a traceback)."""
    merged = {**exc.counts, **fields, "message": str(exc), "exit_code": exc.exit_code}
    merged.pop("status", None)
    return merged


def _unexpected(exc: BaseException, **fields: Any) -> typer.Exit:
    """The last line of defence: a summary line, never a bare traceback."""
    if isinstance(exc, KeyboardInterrupt):
        log.error("interrupted")
        _summary("interrupted", message="interrupted", exit_code=EXIT_INTERRUPTED, **fields)
        return typer.Exit(EXIT_INTERRUPTED)
    log.exception("unexpected error")
    _summary(NormnewsError.status, message=f"{type(exc).__name__}: {exc}", exit_code=1, **fields)
    return typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"normnews {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Turn a directory of scraped news articles into clean, deduplicated Parquet."""


@app.command("run", epilog=EXIT_CODES + "\n\n" + _s_curve_help())
def run_command(
    input_dir: Annotated[
        Path,
        typer.Argument(
            help="Directory of input files (.txt .md .jsonl .ndjson .json .csv .tsv .parquet "
            ".html .htm .warc, optionally .gz .bz2 .xz .zst).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output root for datasets, manifests and state.")
    ] = Path("normnews-out"),
    run_date: Annotated[
        str | None,
        typer.Option(
            help="The run_date partition to write, YYYY-MM-DD (default: today, UTC). "
            "Airflow passes {{ ds }} so backfills land in the right partition."
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help="TOML config file (default: ./normnews.toml if present). Flags override it."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes for repair/clean/signature; 0 = one per core."),
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(help="Records per batch handed to a worker.")
    ] = None,
    reprocess: Annotated[
        bool | None,
        typer.Option(
            "--reprocess/--no-reprocess",
            help="Rebuild this run date from every input file, even those the ledger has seen.",
            show_default=False,
        ),
    ] = None,
    max_error_rate: Annotated[
        float | None,
        typer.Option(
            help="Share of input records that may be rejected before the run fails (exit 65)."
        ),
    ] = None,
    allow_empty: Annotated[
        bool | None,
        typer.Option(
            "--allow-empty/--no-allow-empty",
            help="An input directory without files exits 99 (nothing to do) instead of 65.",
            show_default=False,
        ),
    ] = None,
    feed: Annotated[
        str | None,
        typer.Option(
            help="Use the field mapping [feeds.NAME] of the config for every file of this run "
            "(which field is the title, text, url, date, id; CSV columns; extra fields).",
            metavar="NAME",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="Jaccard similarity at or above which two articles are duplicates."),
    ] = None,
    dedup: Annotated[
        bool | None,
        typer.Option(
            "--dedup/--no-dedup", help="Remove exact and near duplicates.", show_default=False
        ),
    ] = None,
    history: Annotated[
        bool | None,
        typer.Option(
            "--history/--no-history",
            help="Also remove copies of articles kept by earlier runs.",
            show_default=False,
        ),
    ] = None,
    log_format: Annotated[
        str,
        typer.Option(help="Log lines on stderr: auto (JSON unless a terminal), text or json."),
    ] = "auto",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
    report: Annotated[
        bool,
        typer.Option(
            "--report/--no-report",
            help="Also write the run's HTML report next to its manifest "
            "(OUT/_runs/<run_id>.html, as `normnews report` makes it).",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="List the files the run would read, reprocess and skip, then stop. Writes "
            "nothing and takes no lock (reads the ledger as it is now).",
        ),
    ] = False,
) -> None:
    """Normalise and deduplicate the articles in INPUT_DIR into Parquet under OUT.

    Prints exactly one JSON summary line on stdout. Logs go to stderr.
    """
    if log_format not in ("auto", "text", "json"):
        raise typer.BadParameter("use auto, text or json", param_hint="--log-format")
    use_json = _setup_logging(log_format, verbose)
    config_file = config or find_config_file(Path.cwd())
    try:
        cfg = load_config(
            config_file,
            input_dir=input_dir,
            out_dir=out,
            run_date=run_date,
            workers=workers,
            batch_size=batch_size,
            reprocess=reprocess,
            max_error_rate=max_error_rate,
            allow_empty=allow_empty,
            feed=feed,
            **{"dedup.threshold": threshold, "dedup.enabled": dedup, "dedup.history": history},
        )
        if dry_run:
            plan = preview(cfg)
            if plan.text():
                typer.echo(plan.text())
            _summary("dry_run", out=str(out), **plan.counts())
            return
        result = _run_with_progress(cfg, show_bar=not use_json and sys.stderr.isatty())
        report_path = _report_after_run(result) if report else None
    except NothingToDo as exc:
        log.info("%s", exc)
        _summary(exc.status, **_error_fields(exc, out=str(out)))
        raise typer.Exit(exc.exit_code) from None
    except NormnewsError as exc:
        raise _fail(exc, out=str(out)) from None
    except (Exception, KeyboardInterrupt) as exc:
        raise _unexpected(exc, out=str(out)) from None
    log.info(
        "run %s: %s records in, %s articles, %s duplicates, %s rejects",
        result.run_id,
        result.counts.get("records_in"),
        result.counts.get("articles"),
        result.counts.get("duplicates"),
        result.counts.get("rejects"),
    )
    summary = result.summary()
    if report:
        summary["report"] = str(report_path) if report_path else None
    _summary(**summary)


def _report_after_run(result: RunResult) -> Path | None:
    """The run is published whatever happens here: a report that fails, for any reason (an
    earlier manifest it cannot read, a full disk, a bug), is logged, not fatal; the summary's
    ``report`` is then null and `normnews report OUT` can write it later."""
    try:
        return write_report(result.out, run_id=result.run_id).path
    except Exception:
        log.exception("the run is published, but its report could not be written")
        return None


class _ConsoleHandler(logging.Handler):
    """Log records printed through the progress bar's console: rich draws them above the bar
    instead of into its line."""

    def __init__(self, console: Console, formatter: logging.Formatter | None) -> None:
        super().__init__()
        self.console = console
        if formatter is not None:
            self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:
            self.handleError(record)


def _run_with_progress(cfg: JobConfig, *, show_bar: bool) -> RunResult:
    if not show_bar:
        return run(cfg)
    console = Console(stderr=True)
    root = logging.getLogger("normnews")
    saved = root.handlers[:]
    formatter = saved[0].formatter if saved else None
    root.handlers[:] = [_ConsoleHandler(console, formatter)]
    try:
        return _with_bar(cfg, console)
    finally:
        root.handlers[:] = saved


def _with_bar(cfg: JobConfig, console: Console) -> RunResult:
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} records"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return run(cfg, progress=progress)


@app.command("explain")
def explain_command(
    file: Annotated[Path, typer.Argument(help="An input file (any supported format).")],
    record: Annotated[int, typer.Option(help="Which record of the file to explain (0-based).")] = 0,
    config: Annotated[
        Path | None, typer.Option(help="TOML config file whose cleaning settings to use.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output root whose boilerplate line counts to apply (as a run would).",
        ),
    ] = None,
) -> None:
    """Show one article before and after normalisation, with every change and its reason.

    The first line says which learned state (boilerplate lines a run learned under --out) was
    used, or that none was. The last line is the JSON summary.
    """
    config_file = config or find_config_file(Path.cwd())
    try:
        cfg = load_config(config_file, input_dir=file.parent, out_dir=out or Path())
        view = explain_file(file, record, cfg, out)
    except NormnewsError as exc:
        raise _fail(exc, file=str(file)) from None
    except (Exception, KeyboardInterrupt) as exc:
        raise _unexpected(exc, file=str(file)) from None
    typer.echo(view.text)
    _summary("ok", file=str(file), record=record, **view.counts)


@app.command("show")
def show_command(
    out: Annotated[Path, typer.Argument(help="The output root to summarise.")],
    articles: Annotated[int, typer.Option(help="Show at most this many articles.")] = 20,
) -> None:
    """Summarise an output root: the last run's counts, then articles, duplicates, rejects.

    The last line is the JSON summary (each dataset's row count).
    """
    try:
        view = show_output(out, articles=articles)
    except NormnewsError as exc:
        raise _fail(exc, out=str(out)) from None
    except (Exception, KeyboardInterrupt) as exc:
        raise _unexpected(exc, out=str(out)) from None
    typer.echo(view.text)
    _summary("ok", out=str(out), **view.counts)


@app.command("report")
def report_command(
    out: Annotated[Path, typer.Argument(help="The output root whose runs to report on.")],
    run_id: Annotated[
        str | None,
        typer.Option("--run", help="The run to report on (default: the latest published run)."),
    ] = None,
    to: Annotated[
        Path | None,
        typer.Option(help="Where to write the HTML page (default: OUT/_runs/<run_id>.html)."),
    ] = None,
) -> None:
    """Write a self-contained HTML report of one run and of the trend across OUT's runs.

    The page works offline: charts are inline SVG, no script or style is fetched. The last
    line is the JSON summary (the page's path).
    """
    try:
        done = write_report(out, run_id=run_id, to=to)
    except NormnewsError as exc:
        raise _fail(exc, out=str(out)) from None
    except (Exception, KeyboardInterrupt) as exc:
        raise _unexpected(exc, out=str(out)) from None
    _summary("ok", out=str(out), run_id=done.run_id, report=str(done.path), runs=done.runs)


_OUT_OPTION = typer.Option("--out", "-o", help="Output root whose history index to use.")


@index_app.command("stats")
def index_stats_command(
    out: Annotated[Path, _OUT_OPTION] = Path("normnews-out"),
) -> None:
    """Print the history index's header, partitions and article counts as the JSON summary."""
    try:
        stats = index_stats(out)
    except NormnewsError as exc:
        raise _fail(exc, out=str(out)) from None
    except (Exception, KeyboardInterrupt) as exc:
        raise _unexpected(exc, out=str(out)) from None
    _summary("ok", **stats)


@index_app.command("rebuild")
def index_rebuild_command(
    out: Annotated[Path, _OUT_OPTION] = Path("normnews-out"),
    config: Annotated[
        Path | None, typer.Option(help="TOML config whose dedup settings the index should use.")
    ] = None,
) -> None:
    """Re-sign every kept article with the current dedup settings (after a settings change)."""
    config_file = config or find_config_file(Path.cwd())
    try:
        cfg = load_config(config_file, input_dir=Path(), out_dir=out)
        _summary("ok", **rebuild_index(out, cfg.dedup))
    except NormnewsError as exc:
        raise _fail(exc, out=str(out)) from None
    except (Exception, KeyboardInterrupt) as exc:
        raise _unexpected(exc, out=str(out)) from None


@index_app.command("compact")
def index_compact_command(
    out: Annotated[Path, _OUT_OPTION] = Path("normnews-out"),
) -> None:
    """Merge each run date's small history files into one (content unchanged)."""
    try:
        _summary("ok", **compact_index(out))
    except NormnewsError as exc:
        raise _fail(exc, out=str(out)) from None
    except (Exception, KeyboardInterrupt) as exc:
        raise _unexpected(exc, out=str(out)) from None


def main() -> None:
    """Console-script entry point."""
    app()
