"""Label Reuters-21578 pairs (merges and near-misses of normnews runs) as same/different article.

The labels are judgements about the *source* records (raw title, dateline and body of the
corpus JSONL, not normnews' cleaned text), written down as rules after reading the pairs the
issue lists and a sample of the rest; ``reuters_pairs.jsonl`` holds ids, label and reason
only (no corpus text). Rules, first that applies:

1. the raw bodies are equal after collapsing case, whitespace and punctuation: **same**
   (a wire re-send);
2. either title marks a correction or repeat (CORRECTED, CORRECTION, RPT, REPEAT): **same**;
3. the titles carry different tickers (``<PSY>`` vs ``<BKFR>``) and share less than half
   their words: **different** (companies; ``<WBAT.O>`` vs ``<WEBAT.O>`` is a typo);
4. short bodies (under 60 words) whose titles share less than half their words: **different**
   (another fund's payout, another company's notice; a long story re-headlined stays same);
5. the bodies' figures differ on both sides (each states a number the other does not) in a
   short body, a table (figures at least 15% of the words) or by more than 30% of the
   figures: **different** (other dividend, other day's market report, other results) unless the
   titles are equal and the datelines name the same day (then **same**: a re-send whose
   figures were updated);
6. otherwise **same** (the same figures; the text differs in format or wording).

Audit (issue 11, second round): ``reuters_audit.jsonl`` holds pairs read by hand after the
rules were written: a stratified random sample of 122 rule-labelled pairs (``how: random``;
every rule category, merged and not merged) and 29 pairs picked because they looked like the
rules' blind spots (``how: targeted``: same titles days apart, other tickers, other market
towns). Each row keeps the rule's label (``rule_label``) next to the reader's ``label`` and
reason; these override the rules, and ``by`` in ``reuters_pairs.jsonl`` says where each
label comes from (``rule``, ``hand`` for ``READ`` below, ``hand (audit, ...)``).

Usage: ``python benchmarks/labels/label_reuters_pairs.py PAIRS.json [PAIRS.json ...]``
(each a list of ``{"removed": NEWID, "kept": NEWID}``) writes ``reuters_pairs.jsonl`` here.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", HERE.parents[2] / "shared" / "corpora"))
SOURCE = CORPORA / "reuters-21578" / "reuters21578.jsonl.gz"

_MARK = re.compile(r"\b(CORRECTED|CORRECTION|RPT|REPEAT)\b")
_TICKER = re.compile(r"<([A-Z][A-Z0-9.]*)>")
_FIG = re.compile(r"\d[\d,]*(?:\.\d+)?(?:-\d+/\d+|/\d+)?")
_DAY = re.compile(r"([A-Z][a-z]{2,8})\.? (\d{1,2})")


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def _figs(text: str) -> set[str]:
    out = set()
    for f in _FIG.findall(text):
        f = f.replace(",", "")
        if "." in f and "/" not in f:
            f = f.rstrip("0").rstrip(".")
        out.add(f)
    return out


# Pairs read by hand where the rules above misjudge (wording changes that rewrite figures:
# "1.0" for "one", "9:40 A.M." for "0940 hrs", an expanded later version of the story).
READ: dict[tuple[int, int], tuple[str, str]] = {
    (3322, 3327): ("same", "read: same assay story, range rewritten (0.50 to 0.64 / 0.64 to 0.50)"),
    (4552, 4595): ("same", "read: same trade-bill story, one version longer"),
    (5143, 5268): ("same", "read: same Ecuador debt story, later version with more paragraphs"),
    (6920, 6982): ("same", "read: same Brazil inflation item, 'compared to/with', (IBGE) added"),
    (12340, 12355): ("same", "read: same coffee futures story, 'one dlr' for '1 dlr', reworded"),
    (13541, 13622): ("same", "read: same quake story, '9:40 A.M.' written as '0940 hrs'"),
    (13670, 14302): ("different", "read: LME copper midsession vs close, other prices"),
    (13799, 14486): ("different", "read: farmer-owned reserve prices of April 6 vs April 7"),
    (13841, 13853): ("different", "read: two different stock-volume lines"),
    (14248, 14255): ("different", "read: soybean oil vs soybean meal spreads"),
    (13299, 14821): ("different", "read: rice price tables with other figures"),
    (464, 470): ("different", "read: two funds' payouts, other figures"),
    (19597, 19605): ("same", "read: shorter version of the First Chicago/Wood Gundy story"),
    (1259, 1348): ("same", "read: shorter version of the Treasury/Latin debt story"),
    (2052, 2078): ("same", "read: same story, 'U.S.'/'American', 'Senator'/'Sen.'"),
    (2936, 2942): ("same", "read: shorter version of the uranium import story"),
    (4860, 4946): ("same", "read: farm loan secondary market story, one version longer"),
    (5115, 5132): ("same", "read: lumber story reworded ('rumors'/'press reports')"),
    (8071, 8207): ("same", "read: Rostenkowski securities-tax story reworded"),
    (12070, 12092): ("same", "read: Baker/Brazil story, one version longer"),
    (13256, 13266): ("same", "read: IEA OECD oil forecast, two wordings"),
    (13644, 14224): ("different", "read: price table at 1330 vs the closing table"),
    (17142, 17149): ("same", "read: Mexico/Peru silver story, lower-cased vs longer version"),
    (18858, 18902): ("same", "read: Tanzania budget story, one version longer"),
    (21338, 21341): ("same", "read: GM Canada contract story reworded ('Monday'/'today')"),
    (46, 11043): ("different", "read: weekly sugar imports report, other week and figures"),
    (1072, 1082): ("same", "read: Doyon mine gold story, two wordings"),
    (1928, 2610): ("different", "read: notes issues of two different Australian banks"),
    (5526, 5564): ("same", "read: Levon gold assays, one version with section widths"),
    (10511, 10539): ("same", "read: NATO/Aegean story, one version longer"),
    (104, 15973): ("different", "read: world cotton price of Feb 26 vs April 9"),
    (12711, 15999): ("different", "read: weekly USSR grain shipments, other week"),
    (17180, 17186): ("same", "read: Brazil trade surplus story reworded"),
    (12369, 12392): ("same", "read: Mexico/Japan loan story, lower-case re-send reworded"),
    (10675, 10809): ("same", "read: Japanese bond holdings story, one version longer"),
    (12445, 12446): ("different", "read: eurobonds of Tokyo Optical vs Keihanshin Real Estate"),
    (13494, 13537): ("same", "read: Greek austerity story, one version longer"),
    (16483, 16597): ("same", "read: Goodyear/Celeron story and its correction"),
}


def label(a: dict, b: dict) -> tuple[str, str]:
    ta, tb = a.get("title") or "", b.get("title") or ""
    ba, bb = a.get("body") or "", b.get("body") or ""
    body_a = re.sub(r"\s*Reuter\s*$", "", ba.strip())
    body_b = re.sub(r"\s*Reuter\s*$", "", bb.strip())
    if _norm(body_a) == _norm(body_b):
        return "same", "identical body (re-send)"
    if _MARK.search(ta) or _MARK.search(tb):
        return "same", "correction or repeat of the story"
    ka, kb = set(_TICKER.findall(ta)), set(_TICKER.findall(tb))
    wa, wb = set(_norm(_MARK.sub("", ta)).split()), set(_norm(_MARK.sub("", tb)).split())
    title_overlap = len(wa & wb) / max(1, min(len(wa), len(wb)))
    if ka and kb and not ka & kb and title_overlap < 0.5:
        return "different", "different company (tickers and names in titles differ)"
    short = min(len(body_a.split()), len(body_b.split())) < 60
    if short and wa and wb and title_overlap < 0.5:
        return "different", "titles name other subjects (less than half the words shared)"
    fa, fb = _figs(body_a), _figs(body_b)
    dense = min(len(fa), len(fb)) >= 0.15 * min(len(body_a.split()), len(body_b.split()))
    if fa - fb and fb - fa and (short or dense or len(fa ^ fb) > 0.3 * len(fa | fb)):
        da = _DAY.findall(a.get("dateline") or "")
        db = _DAY.findall(b.get("dateline") or "")
        if _norm(ta) == _norm(tb) and da == db and len(fa ^ fb) <= 2 and len(fa & fb) >= 4:
            return "same", "same story re-sent the same day with figures updated"
        return "different", "figures differ on both sides (other company, day or period)"
    return "same", "same figures; wording or format differs"


def main(paths: list[str]) -> None:
    src = {}
    with gzip.open(SOURCE, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            src[d["newid"]] = d
    pairs: dict[tuple[int, int], dict] = {}
    for path in paths:
        for p in json.loads(Path(path).read_text()):
            key = (min(p["removed"], p["kept"]), max(p["removed"], p["kept"]))
            pairs.setdefault(key, {})
    audit = {
        (r["a"], r["b"]): r
        for r in map(json.loads, (HERE / "reuters_audit.jsonl").read_text().splitlines())
    }
    out = []
    for a, b in sorted(pairs):
        if (a, b) in audit:
            r = audit[(a, b)]
            out.append(
                {
                    "a": a,
                    "b": b,
                    "label": r["label"],
                    "reason": r["reason"],
                    "by": f"hand (audit, {r['how']})",
                    "rule_label": r["rule_label"],
                }
            )
            continue
        verdict, reason = READ.get((a, b)) or label(src[a], src[b])
        by = "hand" if (a, b) in READ else "rule"
        out.append({"a": a, "b": b, "label": verdict, "reason": reason, "by": by})
    (HERE / "reuters_pairs.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in out), encoding="utf-8"
    )
    print(len(out), sum(r["label"] == "same" for r in out))


if __name__ == "__main__":
    main(sys.argv[1:])
