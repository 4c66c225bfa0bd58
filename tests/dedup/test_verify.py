"""Verification that weighs what differs: values, the edit-tolerant rule, corrections."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.dedup_helpers import article, edit_words, run_dedup
from helpers import run_cli
from normnews.config import DedupConfig
from normnews.dedup import EvidenceMaker, is_correction, values
from normnews.dedup.evidence import FLAG_CORRECTION, FLAGS, N_FIGURES, VALUE_SLOTS, WIDTH
from normnews.dedup.verify import value_differences, values_agree

CFG = DedupConfig()
NOTICE = "Qtly div {a} cts vs {a} cts prior qtr.\n\nPay {pay}.\n\nRecord {rec}."


def test_values_are_normalised_figures_tickers_and_names():
    """It reads figures without separators or trailing zeros, number words, tickers, names."""
    got = values("Net 1,500.0 mln vs five mln, said <Pillsbury Co> in Minneapolis on May 3.")
    assert got == ["n:1500", "n:3", "n:5", "t:pillsbury co", "w:co", "w:may", "w:minneapolis"]
    assert values("The bank said. Rates rose.") == []  # sentence starts are not names


def test_dividend_notices_with_other_dates_are_kept_apart():
    """It keeps two dividend notices that share the template but not the dates."""
    a = NOTICE.format(a=25, pay="May 31", rec="May 1")
    b = NOTICE.format(a=25, pay="June 10", rec="May 15")
    assert run_dedup([a, b]) == {}


def test_market_report_of_another_day_is_kept_apart():
    """It keeps a market report apart from the same report with another rate (another day)."""
    report = (
        "The central bank entered the money market to arrange 1.5 billion dlrs of customer "
        "repurchase agreements, a bank spokesman said. Dealers said overnight funds were "
        "trading at {rate} pct when the bank began its temporary supply of reserves to the "
        "banking system through the morning session."
    )
    a, b = report.format(rate="6-3/16"), report.format(rate="6-1/4")
    assert run_dedup([a, b]) == {}
    assert set(run_dedup([a, b], evidence=False)) == {1}  # the signatures alone merge them


def test_short_notices_of_other_companies_are_kept_apart_by_title_tickers():
    """It keeps identical-looking short notices apart when their titles name other tickers."""
    body = NOTICE.format(a=25, pay="May 31", rec="May 1")
    cut = "Qtly div 25 cts vs 25 cts prior qtr.\n\nPay May 31."
    titles = ["PILLSBURY CO <PSY> VOTES DIVIDEND", "BAKER, FENTRESS <BKFR> VOTES DIVIDEND"]
    assert run_dedup([body, cut], titles=titles) == {}
    assert set(run_dedup([body, cut], titles=[titles[0], titles[0]])) == {1}


def test_a_correction_merges_with_its_original_and_survives():
    """It names a CORRECTED re-send with a changed figure as a copy, and keeps the correction."""
    original = NOTICE.format(a=25, pay="May 31", rec="May 1")
    corrected = NOTICE.format(a=25, pay="May 30", rec="May 1")
    titles = ["ACME <ACM> VOTES DIVIDEND", "CORRECTED - ACME <ACM> VOTES DIVIDEND"]
    out = run_dedup([original, corrected], titles=titles, published=[1, 2])
    assert set(out) == {0}
    assert out[0].duplicate_of == "a1" and out[0].reason == "corrected"


def test_exact_copy_of_a_correction_is_named_corrected():
    """It keeps the marked correction of an exact copy and names the other one corrected."""
    text = article(5)
    out = run_dedup([text, text], titles=["STORY", "RPT-STORY"])
    assert set(out) == {0} and out[0].method == "exact" and out[0].reason == "corrected"


def test_edited_copy_below_the_threshold_is_found_by_the_edit_rule():
    """It merges a copy that lost a paragraph and had 6% of its words edited (Jaccard < 0.7)."""
    base = article(21, 400, paragraphs=6)
    kept = "\n\n".join(base.split("\n\n")[:5])
    copy = edit_words(kept, 3, len(kept.split()) * 6 // 100)
    out = run_dedup([base, copy])
    assert set(out) == {1} and out[1].reason == "edited"
    assert out[1].similarity < CFG.threshold
    # The same pair with the edited rule off is kept: the signature rules alone miss it.
    assert run_dedup([base, copy], DedupConfig(edit_containment=1.0)) == {}


def test_long_resend_with_a_changed_figure_is_named_changed_values():
    """It merges a long story re-sent with one figure changed and says so."""
    base = article(31, 300) + (
        "\n\nThe Acme board met in Paris and raised 4.5 mln dlrs from 12 banks, 30 funds, "
        "250 investors and 1,200 staff; 17 pct went to the 3 new plants."
    )
    resent = base.replace("4.5 mln", "4.7 mln")  # one figure of seven
    out = run_dedup([base, resent])
    assert set(out) == {1} and out[1].reason == "changed_values"


def test_long_tables_need_every_figure_to_agree():
    """It keeps two long price tables apart when one figure past the value sketch differs."""
    rows = [f"Item {i} price {100 + i}.{i % 10}5 vs {90 + i}.{i % 10}0" for i in range(40)]
    a = "\n".join(rows)
    b = a.replace("139.95", "139.85")
    ev = EvidenceMaker(CFG).rows([None, None], [a, b])
    assert ev[0, N_FIGURES] > VALUE_SLOTS
    assert not values_agree(ev[:1], ev[1:], CFG)[0]
    assert values_agree(ev[:1], ev[:1], CFG)[0]


def test_correction_marks():
    """It recognises correction and repeat slugs, not verbs that merely contain them."""
    assert is_correction("(CORRECTED) - BANPONCE <BDEP> PLACES NOTES", "")
    assert is_correction(None, "CORRECTION - TRANSALTA UTILITIES\n\nIn Calgary story of Feb 27")
    assert not is_correction("DOME REPEATS STAKE FOR SALE", "Dome Petroleum said")
    rows = EvidenceMaker(CFG).rows(["RPT-INSITUFORM <INSUA> NET", None], ["Shr nine cts", "x"])
    assert rows[0, FLAGS] & FLAG_CORRECTION and not rows[1, FLAGS] & FLAG_CORRECTION


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["Paris", "Acme", "4.5", "12", "May", "Oslo", "7"]), max_size=8),
    st.lists(st.sampled_from(["Paris", "Acme", "4.5", "13", "June", "Oslo", "9"]), max_size=8),
)
def test_value_comparison_is_symmetric(xs, ys):
    """It gives the same verdict on (a, b) as on (b, a), and finds no difference in (a, a)."""
    a = "The story. " + " and ".join(f"then {x}" for x in xs)
    b = "The story. " + " and ".join(f"then {y}" for y in ys)
    ev = EvidenceMaker(CFG).rows([None, None], [a, b])
    assert ev.shape == (2, WIDTH)
    assert values_agree(ev[:1], ev[1:], CFG)[0] == values_agree(ev[1:], ev[:1], CFG)[0]
    ao, bo, _ = value_differences(ev[:1], ev[1:])
    bo2, ao2, _ = value_differences(ev[1:], ev[:1])
    assert np.allclose([ao[0], bo[0]], [ao2[0], bo2[0]])
    same = value_differences(ev[:1], ev[:1])
    assert same[0][0] == same[1][0] == 0


def test_run_writes_reasons_and_the_survivor_fallback(tmp_path):
    """It writes a reason per duplicate and, for a feed without dates, the fallback rule."""
    inp = tmp_path / "in"
    inp.mkdir()
    story = article(41)
    notice = NOTICE.format(a=25, pay="May 31", rec="May 1")
    records = [
        {"id": "1", "title": "ACME <ACM> VOTES DIVIDEND", "text": notice},
        {"id": "2", "title": "CORRECTED - ACME <ACM> VOTES DIVIDEND", "text": notice + " Corr."},
        {"id": "3", "title": "Story", "text": story},
        {"id": "4", "title": "Story again", "text": story},
    ]
    (inp / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out"
    res = run_cli("run", inp, "--out", out, "--workers", "1", "--run-date", "2026-11-20")
    assert res.code == 0, res.stderr
    import duckdb

    rows = duckdb.sql(
        f"select record, method, reason from read_parquet('{out}/duplicates/**/*.parquet') "
        "order by record"
    ).fetchall()
    assert rows == [(0, "near", "corrected"), (3, "exact", "exact")]
    manifest = json.loads(next((out / "_runs").glob("*.json")).read_text())
    assert manifest["dedup"]["survivor_fallback"]["feeds"] == ["feed.jsonl"]
    assert manifest["dedup"]["survivor_fallback"]["rule"] == ["correction", "length", "input_order"]
    assert manifest["counts"]["duplicates_by_reason"] == {"corrected": 1, "exact": 1}
