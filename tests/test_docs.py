"""The README, ``--help`` and the config options agree; the docs cannot drift from the code."""

from __future__ import annotations

import re
import subprocess
import sys

import typer.main

from helpers import ROOT
from normnews import errors
from normnews.cli import EXIT_CODES, app
from normnews.config import config_fields

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, object]]:
    root = typer.main.get_command(app)
    out: list[tuple[str, object]] = []

    def walk(prefix: str, cmd: object) -> None:
        out.append((prefix, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(f"{prefix} {name}".strip(), sub)

    walk("", root)
    return out


def test_every_option_has_help():
    """Every option and argument of every command says what it does."""
    for name, cmd in _commands():
        assert cmd.help, f"command {name!r} has no help"
        for param in cmd.params:
            assert getattr(param, "help", None), f"{name}: {param.name} has no help"


def test_every_option_is_in_the_readme():
    """Every long option of every command appears in the README."""
    for name, cmd in _commands():
        for param in cmd.params:
            for opt in [*param.opts, *getattr(param, "secondary_opts", [])]:
                if opt.startswith("--"):
                    # Whole option names only: "--out" must not be satisfied by "--out-dir".
                    found = re.search(rf"{re.escape(opt)}(?![\w-])", README)
                    assert found, f"{name}: {opt} is not in README.md"


def test_every_config_option_is_in_the_readme():
    """Every option a config file may set is shown in the README's config example."""
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for table, names in config_fields().items():
        if table:
            assert f"[{table}]" in section
        for name in names:
            assert re.search(rf"^#? ?{name} = ", section, re.M), f"{table}.{name} not in README"


def test_every_exit_code_is_documented():
    """The exit codes of every error class appear in --help's text and the README's table."""
    codes = {0} | {
        cls.exit_code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.NormnewsError)
    }
    assert {1, 2, 65, 75, 99} <= codes
    for code in codes:
        assert re.search(rf"\b{code}\b", EXIT_CODES), code
        assert f"| {code} |" in README, code


def test_the_cli_reference_in_the_readme_is_current():
    """The README's CLI reference is what --help prints today (scripts/gen_readme.py)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_readme.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_the_quick_start_is_two_commands_that_exist():
    """The quick start is exactly two commands, each an executable script in the repository."""
    block = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    commands = [c for c in commands if c]
    assert len(commands) == 2
    for command in commands:
        script = ROOT / command.split()[0]
        assert script.is_file() and script.stat().st_mode & 0o111, command
