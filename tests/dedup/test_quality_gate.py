"""The pinned dedup quality gate (STYLE habit 15).

``tests/cases/near_duplicates.json`` holds labelled pairs written for normnews (regenerate with
``tests/cases/make_near_duplicates.py``): true copies (re-sent, reformatted, paragraph dropped,
words edited, re-headlined, title junk, mojibake, other boilerplate frame) and hard negatives
(different stories, the same event written independently, different short stories inside one
heavy site template, given with the rest of the site's pages as context). Each pair is deduped
in its own run. Lowering a floor is a deliberate, reviewed edit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedup.dedup_helpers import run_dedup

CASES = json.loads(
    (Path(__file__).parents[1] / "cases" / "near_duplicates.json").read_text(encoding="utf-8")
)
PRECISION_FLOOR = 0.995
# The floors. (Recall was 0.97 while story5-words-edited, estimated just under the
# threshold, was missed; the edit-tolerant rule of issue 11 accepts it.)
RECALL_FLOOR = 0.98


def _predict(case: dict) -> str:
    inp = case["input"]
    texts = [inp["a"], inp["b"], *inp.get("context", [])]
    out = run_dedup(texts, published=list(range(len(texts))))
    merged = (1 in out and out[1].duplicate_of == "a0") or (
        0 in out and out[0].duplicate_of == "a1"
    )
    return "duplicate" if merged else "distinct"


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True)) if c["expect"] == "fail" else c
        for c in CASES
    ],
    ids=[c["label"] for c in CASES],
)
def test_case(case):
    """It labels each pinned pair as the case file says."""
    assert _predict(case) == case["expected"], case["comment"]


def test_precision_and_recall_floors():
    """It keeps pairwise precision and recall on the pinned pairs above the floors."""
    tp = fp = fn = 0
    for case in CASES:
        got, want = _predict(case), case["expected"]
        tp += got == want == "duplicate"
        fp += got == "duplicate" != want
        fn += want == "duplicate" != got
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    assert precision >= PRECISION_FLOOR, (precision, fp)
    assert recall >= RECALL_FLOOR, (recall, fn)
