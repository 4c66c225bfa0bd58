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

from normnews import __version__
from normnews.config import DedupConfig, JobConfig, find_config_file, load_config
from normnews.dedup import effective_params, s_curve_text
from normnews.dedup.evidence import SENTENCE_BANDS, sentence_curve_text
from normnews.errors import NormnewsError, NothingToDo
from normnews.indexing import compact_index, index_stats, rebuild_index
from normnews.inspect import explain_file, show_output
from normnews.pipeline import RunResult, run

EXIT_CODES = """\
Exit codes: 0 done · 1 unexpected error · 2 usage or config error · 65 more records
rejected than --max-error-rate allows (nothing published) · 75 another run holds the lock on
OUT (retry later) · 99 nothing new to do (Airflow's BashOperator: skip_on_exit_code=99)."""


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


app = typer.Typer(
    name="normnews",
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
    _summary(type(exc).__name__, message=str(exc), exit_code=exc.exit_code, **fields)
    return typer.Exit(exc.exit_code)


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
            help="Directory of input files (.txt .md .jsonl .ndjson .json .csv .tsv .parquet, "
            "optionally .gz .bz2 .xz .zst).",
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
            **{"dedup.threshold": threshold, "dedup.enabled": dedup, "dedup.history": history},
        )
        result = _run_with_progress(cfg, show_bar=not use_json and sys.stderr.isatty())
    except NothingToDo as exc:
        log.info("%s", exc)
        _summary("nothing_to_do", message=str(exc), exit_code=exc.exit_code, out=str(out))
        raise typer.Exit(exc.exit_code) from None
    except NormnewsError as exc:
        raise _fail(exc, out=str(out)) from None
    except Exception as exc:  # the last line of defence: a summary line, never a bare trace
        log.exception("unexpected error")
        _summary("error", message=f"{type(exc).__name__}: {exc}", exit_code=1, out=str(out))
        raise typer.Exit(1) from None
    log.info(
        "run %s: %s records in, %s articles, %s duplicates, %s rejects",
        result.run_id,
        result.counts.get("records_in"),
        result.counts.get("articles"),
        result.counts.get("duplicates"),
        result.counts.get("rejects"),
    )
    _summary(**result.summary())


def _run_with_progress(cfg: JobConfig, *, show_bar: bool) -> RunResult:
    if not show_bar:
        return run(cfg)
    console = Console(stderr=True)
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
    """Show one article before and after normalisation, with every change and its reason."""
    config_file = config or find_config_file(Path.cwd())
    try:
        cfg = load_config(config_file, input_dir=file.parent, out_dir=out or Path())
        typer.echo(explain_file(file, record, cfg, out))
    except NormnewsError as exc:
        typer.echo(f"normnews: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


@app.command("show")
def show_command(
    out: Annotated[Path, typer.Argument(help="The output root to summarise.")],
    articles: Annotated[int, typer.Option(help="Show at most this many articles.")] = 20,
) -> None:
    """Summarise an output root: the last run's counts, then articles, duplicates, rejects."""
    try:
        typer.echo(show_output(out, articles=articles))
    except NormnewsError as exc:
        typer.echo(f"normnews: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


_OUT_OPTION = typer.Option("--out", "-o", help="Output root whose history index to use.")


@index_app.command("stats")
def index_stats_command(
    out: Annotated[Path, _OUT_OPTION] = Path("normnews-out"),
) -> None:
    """Print the history index's header, partitions and article counts as JSON."""
    try:
        typer.echo(json.dumps(index_stats(out), indent=2, default=str))
    except NormnewsError as exc:
        raise _fail(exc) from None


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
        raise _fail(exc) from None


@index_app.command("compact")
def index_compact_command(
    out: Annotated[Path, _OUT_OPTION] = Path("normnews-out"),
) -> None:
    """Merge each run date's small history files into one (content unchanged)."""
    try:
        _summary("ok", **compact_index(out))
    except NormnewsError as exc:
        raise _fail(exc) from None


def main() -> None:
    """Console-script entry point."""
    app()
