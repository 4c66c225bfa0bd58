"""Wrong config values and a hostile machine: a full disk, a read-only OUT."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run_cli
from normnews.config import load_config
from normnews.errors import ConfigError

from .common import DAY, feed_lines, published_bytes, small_tmpfs


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("run_date = 2026-01-01T05:00:00\n", "run_date"),
        ("run_date = 2026-01-01\nbatch_size = 1e9\n", "batch_size"),
        ("workers = true\n", "workers"),
        ('[dedup]\nthreshold = "0.7"\n', "threshold"),
        ("[limits]\nmax_record_bytes = 1.5\n", "max_record_bytes"),
    ],
)
def test_config_values_of_the_wrong_type_are_refused(tmp_path: Path, toml: str, message: str):
    """Item 6: a TOML datetime ``run_date`` (it used to create a ``run_date=…T05:00:00``
    partition no later run could parse) and ``batch_size = 1e9`` are ConfigErrors (exit 2), as
    is any other value of the wrong type."""
    path = tmp_path / "normnews.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path, input_dir=tmp_path, out_dir=tmp_path / "o")


def test_a_toml_date_is_still_a_date(tmp_path: Path):
    """A TOML local date (no time) is accepted as the run date."""
    path = tmp_path / "normnews.toml"
    path.write_text("run_date = 2026-01-01\n", encoding="utf-8")
    cfg = load_config(path, input_dir=tmp_path, out_dir=tmp_path / "o")
    assert cfg.run_date.isoformat() == "2026-01-01"


def _run_in(inp: Path, out: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "normnews",
            "run",
            str(inp),
            "--out",
            str(out),
            "--run-date",
            DAY,
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.mark.slow
def test_a_full_disk_exits_74_and_the_rerun_is_byte_identical(tmp_path: Path):
    """Item 12, on a real full file system (a 1 MiB tmpfs): the run exits 74 naming the path
    and the fix; after space is freed, the rerun's output equals that of a run on a roomy disk."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "feed.jsonl").write_text(feed_lines(400), encoding="utf-8")
    roomy = tmp_path / "roomy"
    assert run_cli("run", inp, "--out", roomy, "--run-date", DAY, "--workers", "1").code == 0
    with small_tmpfs(tmp_path / "disk", "4m") as disk:
        filler = disk / "filler"
        filler.write_bytes(b"\0" * (4 * 1024 * 1024 - 64 * 1024))
        failed = _run_in(inp, disk / "out")
        assert failed.returncode == 74, failed.stderr
        assert "disk is full" in failed.stdout and "free space" in failed.stdout
        filler.unlink()
        again = _run_in(inp, disk / "out")
        assert again.returncode == 0, again.stderr
        assert published_bytes(disk / "out") == published_bytes(roomy)


@pytest.mark.slow
def test_a_file_size_limit_exits_74(tmp_path: Path):
    """Item 12 where no tmpfs can be mounted: ``ulimit -f`` (EFBIG) is an environment error
    too (exit 74), not a bug (exit 1)."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "feed.jsonl").write_text(feed_lines(400), encoding="utf-8")

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    failed = _run_in(inp, tmp_path / "out", preexec_fn=limit_file_size)
    assert failed.returncode == 74, failed.stderr
    again = _run_in(inp, tmp_path / "out")
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_a_read_only_output_root_exits_74(tmp_path: Path):
    """Item 12: a read-only OUT (a real read-only mount) exits 74 with the path and the fix."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "feed.jsonl").write_text(feed_lines(3), encoding="utf-8")
    with small_tmpfs(tmp_path / "ro", "1m") as disk:
        (disk / "out").mkdir()
        remount = subprocess.run(
            ["mount", "-o", "remount,ro", str(disk)], capture_output=True, check=False
        )
        if remount.returncode != 0:
            pytest.skip("cannot remount read-only here")
        failed = _run_in(inp, disk / "out")
    assert failed.returncode == 74, failed.stderr
    assert "read-only" in failed.stdout and str(disk / "out") in failed.stdout
