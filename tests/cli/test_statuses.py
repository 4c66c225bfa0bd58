"""One status vocabulary: every exit of the CLI prints exactly one JSON summary line whose
``status`` is a known snake_case word, with the exit code the README's table gives it."""

from __future__ import annotations

import gc
import json
import re
import shutil

import pytest
import typer

from helpers import ROOT, SAMPLE, CliResult, run_cli
from normnews.cli import USAGE_ERROR, _fail, known_statuses, status_table
from normnews.errors import InputError, NormnewsError, error_classes
from normnews.state import RunLock

DAY = "2026-11-24"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
EXIT_CODE = {status: code for status, code, _ in status_table()}


def _json_lines(text: str) -> list[dict[str, object]]:
    found = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "status" in value:
            found.append(value)
    return found


def assert_one_summary(done: CliResult, status: str) -> dict[str, object]:
    """Exactly one summary line, the last line of stdout, with this status and its code."""
    summaries = _json_lines(done.stdout)
    assert len(summaries) == 1, done.stdout
    summary = done.summary
    assert summary == summaries[0], "the summary must be the last stdout line"
    assert summary["status"] == status, (summary, done.stderr)
    assert summary["status"] in known_statuses()
    assert done.code == EXIT_CODE[status]
    if status not in ("ok", "dry_run"):
        assert summary["exit_code"] == done.code and summary["message"]
    return summary


def test_every_error_class_has_a_snake_case_status():
    """Each NormnewsError subclass carries a snake_case `status` (set, or derived from its
    name) and appears in the status table with its exit code."""
    for cls in error_classes():
        assert SNAKE.match(cls.status), cls
        assert EXIT_CODE[cls.status] == cls.exit_code
    assert NormnewsError.status == "error"
    for status in known_statuses():
        assert SNAKE.match(status)


def test_a_new_error_class_gets_a_status_without_saying_so():
    """A subclass that sets no status gets its class name in snake_case."""

    class FeedWentAway(NormnewsError):
        exit_code = 74

    assert FeedWentAway.status == "feed_went_away"
    assert "feed_went_away" in known_statuses()
    del FeedWentAway
    gc.collect()  # the class leaves NormnewsError.__subclasses__() with its last reference
    assert "feed_went_away" not in known_statuses()


def test_readme_documents_every_status():
    """The README's status table (generated) lists every status with its exit code."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for status, code, _ in status_table():
        assert re.search(rf"^\| `{status}` \| {code} \|", readme, re.MULTILINE), status


def test_ok_and_nothing_to_do_carry_counts(tmp_path):
    """A finished run and a rerun with nothing new both print counts."""
    out = tmp_path / "out"
    first = run_cli("run", SAMPLE, "--out", out, "--run-date", DAY, "--workers", "1")
    summary = assert_one_summary(first, "ok")
    assert first.stdout.strip().count("\n") == 0, "run prints nothing but the summary"
    assert summary["records_in"] == 16
    again = run_cli("run", SAMPLE, "--out", out, "--run-date", DAY, "--workers", "1")
    summary = assert_one_summary(again, "nothing_to_do")
    assert summary["files_skipped"] == 10 and summary["records_in"] == 0


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run"],
        ["run", "{sample}", "--out", "{out}", "--no-such-option"],
        ["run", "{sample}", "--out", "{out}", "--log-format", "xml"],
        ["run", "{sample}", "--out", "{out}", "--workers", "many"],
        ["--out", "{out}"],
        ["frobnicate"],
        ["index"],
        ["index", "frobnicate"],
        ["show"],
    ],
    ids=lambda a: " ".join(a) or "no-args",
)
def test_usage_errors_print_a_summary(args, tmp_path):
    """Usage errors, typer's and click's included (a bare `normnews` too), print a usage_error
    summary (exit 2) while the usage message or help still goes to stderr."""
    values = {"{sample}": str(SAMPLE), "{out}": str(tmp_path / "o")}
    done = run_cli(*[values.get(a, a) for a in args])
    summary = assert_one_summary(done, "usage_error")
    assert "normnews" in str(summary["command"])
    assert done.stderr.strip()
    assert not (tmp_path / "o").exists()


def test_usage_errors_are_caught_through_typers_public_names():
    """The class caught for usage errors is click's UsageError (found from the public
    typer.BadParameter, not from typer's private vendored module), so an unknown command and
    a bad value are both caught."""
    assert USAGE_ERROR.__name__ == "UsageError"
    assert issubclass(typer.BadParameter, USAGE_ERROR)
    source = (ROOT / "src" / "normnews" / "cli.py").read_text()
    assert not re.search(r"^\s*(from|import) typer\._click", source, re.MULTILINE)


def test_input_and_config_errors(tmp_path):
    """A missing input directory is input_error, a broken config file config_error (both 2)."""
    assert_one_summary(run_cli("run", tmp_path / "missing", "--out", tmp_path / "o"), "input_error")
    bad = tmp_path / "bad.toml"
    bad.write_text("workers = [\n")
    done = run_cli("run", SAMPLE, "--out", tmp_path / "o", "--config", bad)
    assert_one_summary(done, "config_error")


def test_lock_held(tmp_path):
    """A run on a locked output root is lock_held (75)."""
    out = tmp_path / "out"
    out.mkdir()
    with RunLock(out):
        done = run_cli("run", SAMPLE, "--out", out, "--workers", "1")
    assert_one_summary(done, "lock_held")


def test_too_many_rejects_carries_counts(tmp_path):
    """Over the allowed reject rate the summary is too_many_rejects (65) with the counts."""
    done = run_cli("run", SAMPLE, "--out", tmp_path / "o", "--max-error-rate", "0.01")
    summary = assert_one_summary(done, "too_many_rejects")
    assert summary["records_in"] == 16 and summary["rejects"] == 4
    assert summary["rejects_by_reason"] == {
        "bad_json": 1,
        "bad_row": 1,
        "missing_text": 1,
        "not_text": 1,
    }


def test_state_mismatch(tmp_path):
    """A history index built with other dedup settings stops the run: state_mismatch (2)."""
    data = tmp_path / "in"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "out"
    assert run_cli("run", data, "--out", out, "--run-date", "2026-11-23").code == 0
    (data / "blog" / "new.txt").write_text("New\n\nSomething new happened today in the port.\n")
    config = tmp_path / "n.toml"
    config.write_text("[dedup]\nnum_perm = 64\n")
    done = run_cli("run", data, "--out", out, "--run-date", DAY, "--config", config)
    assert_one_summary(done, "state_mismatch")


def test_operator_commands_end_with_one_summary(tmp_path):
    """show, explain, report and index print one summary line last, ok or an error status."""
    out = tmp_path / "out"
    for args in (["show", out], ["report", out], ["index", "stats", "--out", out]):
        assert_one_summary(run_cli(*args), "input_error")
    assert_one_summary(run_cli("explain", tmp_path / "nope.txt"), "input_error")
    assert run_cli("run", SAMPLE, "--out", out, "--run-date", DAY).code == 0
    for args in (["show", out], ["report", out], ["index", "stats", "--out", out]):
        assert_one_summary(run_cli(*args), "ok")
    explained = run_cli("explain", SAMPLE / "blog" / "night-bus-routes.txt", "--out", out)
    assert_one_summary(explained, "ok")


def test_an_error_whose_counts_clash_with_the_summary_fields_still_prints_one_line(capsys):
    """Counts named like the summary's own fields (status, message, out) never turn the
    summary into a TypeError: the status, message and out of the error win."""
    counts = {"status": "x", "message": "y", "out": "z", "records_in": 3}
    _fail(InputError("feed is gone", counts=counts), out="o")
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line) == {
        "status": "input_error",
        "records_in": 3,
        "out": "o",
        "message": "feed is gone",
        "exit_code": 2,
    }
