"""Golden cases for normalisation: tests/cases/clean_*.json, one test per label."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from normnews.clean import normalise
from normnews.config import CleanConfig, RepairConfig

CASES_DIR = Path(__file__).resolve().parents[1] / "cases"


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("clean_*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            marks = []
            if case["expect"] == "fail":
                marks.append(pytest.mark.xfail(strict=True, reason=case["comment"]))
            params.append(pytest.param(case, id=f"{path.stem}:{case['label']}", marks=marks))
    return params


CASES = _load()


def test_there_are_enough_cases():
    """It ships at least forty golden cases with unique labels."""
    labels = [p.values[0]["label"] for p in CASES]
    assert len(labels) >= 40
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case):
    """It turns each golden input into the expected title and text."""
    out = normalise(
        case["input"]["title"],
        case["input"]["text"],
        repair=RepairConfig(),
        clean=CleanConfig(),
    )
    assert (out.title, out.text) == (case["expected"]["title"], case["expected"]["text"])
