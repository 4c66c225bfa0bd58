"""Helpers shared by the test modules (pytest puts tests/ on the path: ``import helpers``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", ROOT.parent / "shared" / "corpora"))
STAGES = ("census", "process", "dedup", "write", "state", "publish")
"""The stages a run logs and times, in order: the crash tests and the reliability benchmark kill
a run in each."""
PUBLISH_POINTS = (
    "publish.journal",
    "publish.move:1",
    "publish.move:4",
    "publish.aside",
    "publish.manifest",
)
"""Failpoints (:mod:`normnews.failpoints`) inside the publish, where a kill from outside rarely
lands."""


@dataclass
class CliResult:
    """A finished ``normnews`` process."""

    code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict[str, object]:
        """The JSON summary: the last stdout line."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        assert lines, f"no summary line on stdout; stderr was:\n{self.stderr}"
        return json.loads(lines[-1])


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 300
) -> CliResult:
    """Run ``python -m normnews ARGS`` as a real subprocess."""
    proc = subprocess.run(
        [sys.executable, "-m", "normnews", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


# --- synthetic newsroom ---------------------------------------------------------------------
# Stories are built from a seeded vocabulary so that two different stories share almost no
# 5-word shingles, while a near-copy (a few words changed, one sentence dropped) stays far
# above the dedup threshold. The tests know which story each article tells.

_WORDS = tuple(
    (
        "harbour council minister budget union strike ferry railway school hospital museum "
        "election court police storm flood river bridge market bank shares export farmers "
        "fishing energy wind solar tram airport nurses teachers pension housing rent tax "
        "report survey festival library stadium club coach season record drought forest "
        "mayor province border treaty summit talks factory workers contract tender inquiry "
        "witness trial verdict appeal ruling agency inspector audit deficit surplus growth "
        "inflation wages prices fuel diesel electric battery cable network mobile signal "
        "coast island village district suburb quarter square avenue station platform"
    ).split()
)


def story_text(story: int, sentences: int = 8) -> str:
    """A deterministic, distinct article body for story number ``story``."""
    import random

    rng = random.Random(story * 7919 + 13)
    paras = []
    for _ in range(2):
        sents = []
        for _s in range(sentences // 2):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(12, 18))]
            words[0] = words[0].capitalize()
            sents.append(" ".join(words) + ".")
        paras.append(" ".join(sents))
    return "\n\n".join(paras)


def near_copy(text: str, seed: int) -> str:
    """The same story lightly edited: a handful of words replaced."""
    import random

    rng = random.Random(seed)
    words = text.split(" ")
    for _ in range(2):
        i = rng.randrange(1, len(words) - 1)
        if not words[i].endswith((".", "\n")):
            words[i] = rng.choice(_WORDS)
    return " ".join(words)
