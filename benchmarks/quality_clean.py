"""Cleaning quality on real corpora: planted damage, scrapinghub, L3S-GN1, ftfy cases, speed.

Reads ``../shared/corpora`` (or ``$NORMNEWS_CORPORA``); exits 0 with a message when absent.
Seeded and deterministic (apart from the timings). Writes
``benchmarks/results/quality_clean.md`` and ``.json``.

Measures:

- **planted damage** in real BBC and Reuters-21578 articles (nothing copied into the repo:
  the damage is planted at run time). Kinds: title repeats with junk (counter, site
  prefix/suffix, case, quotes, mojibake), truncated paragraphs anywhere, boilerplate at
  top/middle/bottom (our own pool of lines, including per-site template lines only the census
  can know), mojibake, entity debris, hard wrap, and all of them at once. Per kind: share of
  planted items removed/repaired, and share of genuine sentences kept.
- **clean articles**: share of unmodified articles whose output equals the documented
  normalisation (repair + reflow: paragraph format, whitespace, entities) of the input.
- **scrapinghub-article-extraction**: the cleaner on html-text output (all visible text),
  scored against the gold ``articleBody`` with the benchmark's metric (word 4-gram shingles,
  per-document TP/FP/FN normalised to sum 1, mean precision and recall, F1 of the means).
- **L3S-GN1**: share of ``not_content`` blocks removed and of ``fulltext`` blocks kept.
- **ftfy-test-cases**: ``pass`` cases repaired, ``negative`` cases unchanged.
- **speed**: per-article ``normalise`` time on BBC.

Usage: ``PYTHONPATH=src python benchmarks/quality_clean.py``
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import random
import re
import statistics
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from normnews.clean import normalise, step_counts
from normnews.clean.census import LineCensus, line_keys, line_norm
from normnews.clean.evidence import evidence_keys
from normnews.clean.reflow import collapse, reflow
from normnews.clean.repair import repair
from normnews.config import CleanConfig, RepairConfig

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", ROOT.parent / "shared" / "corpora"))
RESULTS = ROOT / "benchmarks" / "results"
SEED = 20261124
N_PER_SOURCE = 600
REPAIR = RepairConfig()
CLEAN = CleanConfig()

SITES = {"bbc": "The Daily Courier", "reuters": "Wire Desk Online"}
SITE_HOSTS = {"bbc": "dailycourier.example.com", "reuters": "wiredesk.example.net"}

# Our own boilerplate pools (written for this benchmark). {site} and {n} vary per article.
# Every pool is split in two: the cleaner was tuned on the "tune" half; the "held_out" half
# (lines and title forms in shapes no rule names) was written apart and is what the targets
# are reported on. Keep the split: moving a held-out line into the tune half, or writing a
# rule for one, makes the held-out figure meaningless.
TOP_LINES = {
    "tune": [
        "Share this article",
        "Facebook Twitter Email",
        "Skip to content",
        "Advertisement",
        "Follow us on Twitter",
        "Sign In | Register",
        "{site} Morning Briefing",
    ],
    "held_out": [
        "Listen to this story",
        "Jump to comments",
        "Open in the app",
        "Gift this article",
        "Save for later",
        "Sections",
        "{site} Live Updates",
    ],
}
MIDDLE_LINES = {
    "tune": [
        "ADVERTISEMENT",
        "Story continues below advertisement",
        "Read more: Council tax rises for {n}th year",
        "Sign up for our daily newsletter",
        "Click here to get the {site} app",
        "Related: Markets slide as oil tops ${n}",
    ],
    "held_out": [
        "Continue reading below",
        "Sponsored message",
        "WATCH: Floods sweep through river towns",
        "Get breaking news alerts from {site}",
        "Most read on {site}",
        "Article continues after this message",
    ],
}
BOTTOM_BLOCKS = {
    "tune": [
        ["Related Posts", "Council tax rises for {n}th year", "New bridge opens to traffic"],
        [
            "Leave a Reply",
            "Your email address will not be published. Required fields are marked *",
            "Comment",
            "Name *",
            "Email *",
            "Website",
            "Save my name, email, and website in this browser for the next time I comment.",
        ],
        [
            "We use cookies to give you the best experience on our website. "
            "By continuing you agree to our cookie policy."
        ],
        ["© 2024 {site}. All rights reserved."],
        ["Privacy Policy | Terms of Use | Contact Us"],
        [
            "window.dataLayer = window.dataLayer || []; "
            "function gtag(){{dataLayer.push(arguments);}}"
        ],
        ["{n} Comments"],
        ["More from {site}", "{site} Plus members read first"],
    ],
    "held_out": [
        ["You might also like", "Bridge plan wins approval", "Rail strike called off"],
        ["Post your comment", "Your name", "Your email (will not be shown)", "Remember me"],
        ["Manage cookie preferences"],
        ["Copyright {site} Media Group. Registered office: 1 Quay Street."],
        ["Imprint | Data protection | Subscriptions"],
        ["var _tq = _tq || []; _tq.push(['track', 'pageview']);"],
        ["Was this article helpful? Yes No"],
        ["Follow {site} on Mastodon", "Report an error"],
    ],
}
TEMPLATE_ONLY = {
    "tune": ["{site} Morning Briefing", "More from {site}", "{site} Plus members read first"],
    "held_out": ["{site} Live Updates", "Most read on {site}", "Report an error"],
}
"""Lines no phrase rule knows: only the census (same line on many of the site's pages) can."""
SPLITS = ("tune", "held_out")

SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[A-Z0-9\"“‘(])")
UNDEFINED_CP1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
ABBREVIATION_END_RE = re.compile(
    r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Mrs|Ms|Dr|St|Inc|Co|Corp|Ltd|Jan|Feb|Aug|Sept|Oct|Nov|Dec|No)\.)$"
)


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def documented(text: str) -> str:
    """The documented normalisation of a clean input: repair + reflow."""
    return reflow(repair(text, REPAIR)[0])[0]


def sentences(text: str) -> list[str]:
    """Genuine sentences (3+ words); a split after ``U.S.`` or ``Mr.`` is undone."""
    out = []
    for paragraph in text.split("\n\n"):
        pieces: list[str] = []
        for piece in SENTENCE_SPLIT_RE.split(paragraph):
            if pieces and ABBREVIATION_END_RE.search(pieces[-1]):
                pieces[-1] += " " + piece
            else:
                pieces.append(piece)
        out.extend(p.strip() for p in pieces if len(p.split()) >= 3)
    return out


def paragraph_present(output: str, planted: str) -> bool:
    planted = collapse(repair(planted, REPAIR)[0])
    for paragraph in output.split("\n\n"):
        if paragraph == planted or paragraph.startswith(planted + " "):
            return True
        if paragraph.endswith(" " + planted):
            return True
    return False


def sloppy_mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 (undefined bytes kept as C1 characters)."""
    out = []
    for byte in text.encode("utf-8"):
        if byte in UNDEFINED_CP1252:
            out.append(chr(byte))
        else:
            out.append(bytes([byte]).decode("cp1252"))
    return "".join(out)


def typographic(text: str) -> str:
    """Curl apostrophes and pair double quotes, so mojibake has something to damage."""
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    parts = text.split('"')
    if len(parts) % 2 == 1 and len(parts) > 1:
        text = "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1]))
        text += parts[-1]
    return text


def debris(text: str, rng: random.Random) -> str:
    text = text.replace("&", rng.choice(["&amp;amp;", "&amp;"]))
    text = re.sub(r"'", lambda _m: rng.choice(["#39;", "&#39;"]), text)
    text = text.replace('"', rng.choice(["quot;", "&quot;", "&amp;quot;"]))
    return text.replace("$", "#36;")


def title_variants(title: str, key: str, rng: random.Random, split: str) -> list[str]:
    site = SITES[key]
    n = rng.randint(1, 40)
    if split == "tune":
        variants = [
            f"{title} 0",
            f"{title} | {site}",
            f"{site.upper()} | {title}",
            title.upper(),
            f"{title} - {SITE_HOSTS[key]}",
            title.replace("'", "’").replace('"', "“"),
            sloppy_mojibake(typographic(title.replace("'", "’"))) + " 0",
            f"{title} ({n})",
        ]
    else:
        variants = [
            f"{title} ({n} comments)",
            f"{title} {n} Comments",
            f"{title} – World News Today",
            f"{title} {title} 0",
            f"{title} :: {site}",
            f"{site}: {title}",
            f"{title.lower()} » {site}",
            f"{title} [{n}]",
        ]
    rng.shuffle(variants)
    return variants[:3]


def plant_lines(lines: list[str], key: str, rng: random.Random) -> list[str]:
    return [line.format(site=SITES[key], n=rng.randint(2, 99)) for line in lines]


def cut_paragraph(paragraph: str, rng: random.Random) -> tuple[str, list[str], str] | None:
    """Cut a paragraph mid-sentence: (new paragraph, complete sentences kept, fragment)."""
    parts = SENTENCE_SPLIT_RE.split(paragraph)
    if not parts:
        return None
    index = rng.randrange(len(parts))
    words = parts[index].split()
    if len(words) < 6:
        return None
    cut = rng.randint(3, len(words) - 2)
    fragment = " ".join(words[:cut])
    if fragment[-1] in ".!?:;\"'”’)":
        return None
    before = parts[:index]
    new = " ".join([*before, fragment])
    return new, [s for s in before if len(s.split()) >= 3], fragment


def build_articles(rng: random.Random) -> list[dict[str, Any]]:
    bbc = load_jsonl(CORPORA / "bbc-news-fulltext" / "bbc-news-2225.jsonl.gz")
    reuters = [
        d
        for d in load_jsonl(CORPORA / "reuters-21578" / "reuters21578.jsonl.gz")
        if d.get("body") and d.get("title") and len(d["body"]) > 600
    ]
    picked = []
    for key, docs in (("bbc", bbc), ("reuters", reuters)):
        for doc in rng.sample(docs, N_PER_SOURCE):
            picked.append({"key": key, "title": doc["title"], "body": doc["body"]})
    return picked


def damage(
    article: dict[str, Any], kind: str, rng: random.Random, split: str = "tune"
) -> dict[str, Any]:
    """Plant one kind of damage (or all) into the documented form of an article."""
    key = article["key"]
    paragraphs = article["doc"].split("\n\n")
    planted: list[str] = []  # must be gone from the output
    destroyed: set[str] = set()  # genuine sentences the damage itself destroyed
    kept_expected: list[str] = []  # complete sentences before a cut: must stay
    repaired: list[str] = []  # paragraphs that must come out as their clean versions do
    touched: list[str] = []  # the original paragraphs behind ``repaired``
    cut_at: set[int] = set()  # paragraphs cut: no further damage there (kept sentences)
    template_only: list[str] = []  # planted lines only the census can know
    kinds = (
        ["title", "truncation", "boilerplate", "mojibake", "entities"] if kind == "all" else [kind]
    )
    if "truncation" in kinds:
        candidates = [i for i, p in enumerate(paragraphs) if len(p.split()) >= 12]
        for i in rng.sample(candidates, min(len(candidates), rng.choice([1, 2]))):
            result = cut_paragraph(paragraphs[i], rng)
            if result is None:
                continue
            new, before, fragment = result
            for sentence in sentences(paragraphs[i]):
                if sentence not in before:
                    destroyed.add(sentence)
            paragraphs[i] = new
            cut_at.add(i)
            planted.append(fragment)
            kept_expected.extend(before)
    if "mojibake" in kinds:
        candidates = [
            i for i, p in enumerate(paragraphs) if len(p.split()) >= 8 and i not in cut_at
        ]
        for i in rng.sample(candidates, min(len(candidates), 2)):
            fixed = typographic(paragraphs[i])
            if fixed.isascii():
                fixed = fixed.replace(" - ", " – ", 1) + " Café."
            touched.append(paragraphs[i])
            repaired.append(fixed)
            paragraphs[i] = sloppy_mojibake(fixed)
    if "entities" in kinds:
        candidates = [
            i for i, p in enumerate(paragraphs) if re.search("['\"&$]", p) and i not in cut_at
        ]
        for i in rng.sample(candidates, min(len(candidates), 2)):
            if paragraphs[i] in repaired:
                continue
            touched.append(paragraphs[i])
            repaired.append(paragraphs[i])
            paragraphs[i] = debris(paragraphs[i], rng)
    if "boilerplate" in kinds:
        top = plant_lines(rng.sample(TOP_LINES[split], 2), key, rng)
        middle = plant_lines(rng.sample(MIDDLE_LINES[split], 2), key, rng)
        bottom = [
            line
            for block in rng.sample(BOTTOM_BLOCKS[split], 3)
            for line in plant_lines(block, key, rng)
        ]
        at = rng.randint(1, max(1, len(paragraphs) - 1))
        paragraphs = top + paragraphs[:at] + middle + paragraphs[at:] + bottom
        planted.extend(top + middle + bottom)
        site = SITES[key]
        template_only.extend(t.format(site=site) for t in TEMPLATE_ONLY[split])
    if "title" in kinds:
        variants = title_variants(article["title"], key, rng, split)
        at = rng.randint(1, max(1, len(paragraphs) - 1))
        paragraphs = [variants[0], *paragraphs[:at], variants[1], *paragraphs[at:]]
        paragraphs.append(variants[2])
        planted.extend(variants)
    return {
        "text": "\n\n".join(paragraphs),
        "planted": planted,
        "destroyed": destroyed,
        "kept_expected": kept_expected,
        "repaired": repaired,
        "touched": touched,
        "template_only": template_only,
    }


def hard_wrap(doc: str, rng: random.Random) -> str:
    width = rng.choice([64, 70, 72, 76])
    if rng.random() < 0.5:
        return "\n".join(
            textwrap.fill(p, width=width, initial_indent="    ", break_on_hyphens=False)
            for p in doc.split("\n\n")
        )
    return "\n\n".join(
        textwrap.fill(p, width=width, break_on_hyphens=False) for p in doc.split("\n\n")
    )


def planted_benchmark(rng: random.Random) -> dict[str, Any]:
    articles = build_articles(rng)
    for article in articles:
        article["doc"] = documented(article["body"])
    kinds = ["title", "truncation", "boilerplate", "mojibake", "entities", "hard_wrap", "all"]
    results: dict[str, Any] = {}
    clean_same = 0
    clean_changes: Counter[str] = Counter()
    clean_examples: list[str] = []
    for article in articles:
        out = normalise(article["title"], article["body"], repair=REPAIR, clean=CLEAN)
        article["clean_out"] = out.text
        if out.text == article["doc"]:
            clean_same += 1
        else:
            for step, n in step_counts(out.edits).items():
                if step not in ("repair", "reflow") and n:
                    clean_changes[step] += 1
            if len(clean_examples) < 12:
                clean_examples.extend(
                    f"{article['key']}: [{e.step}] {e.detail}"
                    for e in out.edits
                    if e.step not in ("repair", "reflow")
                )
    results["clean_unchanged"] = {
        "articles": len(articles),
        "unchanged": clean_same,
        "share": clean_same / len(articles),
        "changed_by_step": dict(clean_changes),
        "examples": clean_examples[:12],
    }
    for index, split in enumerate(SPLITS):
        # The articles are split too: each half of the pools damages its own half of them.
        half = articles[index::2]
        results[split] = rows = {}
        for kind in kinds:
            for with_census in (False, True):
                if kind != "boilerplate" and kind != "all" and with_census:
                    continue
                local = random.Random(f"{SEED}-{split}-{kind}")
                variants = []
                for article in half:
                    if kind == "hard_wrap":
                        if article["key"] != "bbc":
                            continue
                        variants.append((article, {"text": hard_wrap(article["doc"], local)}))
                    else:
                        variants.append((article, damage(article, kind, local, split)))
                frequent: frozenset[int] = frozenset()
                if with_census:
                    census = LineCensus()
                    for article, variant in variants:
                        keys = line_keys(variant["text"])
                        census.add(
                            keys + evidence_keys(variant["text"], article["title"]), article["key"]
                        )
                    frequent = census.frequent(CLEAN)
                rows[kind + (" + census" if with_census else "")] = score_variants(
                    kind, variants, frequent
                )
    return results


def score_variants(
    kind: str, variants: list[tuple[dict[str, Any], dict[str, Any]]], frequent: frozenset[int]
) -> dict[str, Any]:
    planted = removed = 0
    phrase_planted = phrase_removed = 0
    genuine = genuine_kept = genuine_clean = genuine_clean_kept = 0
    expected_kept = expected_found = 0
    to_repair = repaired_ok = 0
    identical = 0
    misses: list[str] = []
    lost: list[str] = []
    for article, variant in variants:
        out = normalise(
            article["title"], variant["text"], repair=REPAIR, clean=CLEAN, frequent=frequent
        ).text
        flat = out
        if kind == "hard_wrap":
            identical += out == article["clean_out"]
        template_only = set(variant.get("template_only", []))
        for item in variant.get("planted", []):
            planted += 1
            present = (item in flat) if len(item) > 30 else paragraph_present(flat, item)
            if item not in template_only:
                phrase_planted += 1
                phrase_removed += not present
            if present:
                if len(misses) < 15:
                    misses.append(f"{article['key']}: {item[:100]!r}")
            else:
                removed += 1
        for sentence in variant.get("kept_expected", []):
            expected_kept += 1
            expected_found += sentence in flat
        for paragraph in variant.get("repaired", []):
            to_repair += 1
            # The cleaner's output for the undamaged paragraph alone (a paragraph the corpus
            # itself cut loses its tail either way).
            expected = normalise(None, paragraph, repair=REPAIR, clean=CLEAN).text
            ok = expected in flat
            repaired_ok += ok
            if not ok and len(misses) < 15:
                misses.append(f"{article['key']}: not repaired: {paragraph[:100]!r}")
        destroyed = variant.get("destroyed", set())
        for sentence in sentences(article["doc"]):
            if sentence in destroyed:
                continue
            if any(sentence in p for p in variant.get("touched", [])):
                continue  # counted under "repaired"
            genuine += 1
            in_clean = sentence in article["clean_out"]
            genuine_clean += in_clean
            if sentence in flat:
                genuine_kept += 1
                genuine_clean_kept += in_clean
            elif in_clean and len(lost) < 15:
                lost.append(f"{article['key']}: {sentence[:120]!r}")
    row: dict[str, Any] = {"articles": len(variants)}
    if planted:
        row["planted"] = planted
        row["removed_share"] = removed / planted
        row["removed_share_without_template_only_lines"] = phrase_removed / phrase_planted
    if to_repair:
        row["to_repair"] = to_repair
        row["repaired_share"] = repaired_ok / to_repair
    if expected_kept:
        row["sentences_before_cut_kept_share"] = expected_found / expected_kept
    if kind == "hard_wrap":
        row["identical_to_unwrapped_share"] = identical / len(variants)
    row["genuine_sentences"] = genuine
    row["genuine_kept_share"] = genuine_kept / genuine if genuine else 1.0
    row["genuine_in_clean_output"] = genuine_clean
    row["genuine_kept_vs_clean_output_share"] = (
        genuine_clean_kept / genuine_clean if genuine_clean else 1.0
    )
    row["misses"] = misses
    row["lost_sentences"] = lost
    return row


# --- scrapinghub --------------------------------------------------------------------------

TOKEN_RE = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(rows: list[tuple[float, float, float]]) -> dict[str, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*r) for r in rows if r[0] + r[1] > 0)
    r = statistics.mean(recall(*x) for x in rows if x[0] + x[2] > 0)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def scrapinghub() -> dict[str, Any]:
    base = CORPORA / "scrapinghub-article-extraction"
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    with gzip.open(base / "extractor-outputs" / "html-text.json.gz", "rt", encoding="utf-8") as fh:
        raw = json.load(fh)
    pages = raw.get("output", raw)
    census = LineCensus()
    for key in truth:
        census.add(line_keys(pages[key].get("articleBody", "")), "")
    baseline, ours, ours_census = [], [], []
    steps: Counter[str] = Counter()
    frequent = census.frequent(CLEAN)
    for key, gold in truth.items():
        text = pages[key].get("articleBody", "") or ""
        baseline.append(tp_fp_fn(gold.get("articleBody", ""), text))
        out = normalise(None, text, repair=REPAIR, clean=CLEAN)
        steps.update({k: v for k, v in step_counts(out.edits).items() if v})
        ours.append(tp_fp_fn(gold.get("articleBody", ""), out.text))
        with_census = normalise(None, text, repair=REPAIR, clean=CLEAN, frequent=frequent)
        ours_census.append(tp_fp_fn(gold.get("articleBody", ""), with_census.text))
    return {
        "pages": len(truth),
        "html_text_baseline": prf(baseline),
        "normnews": prf(ours),
        "normnews_with_census_over_the_181_pages": prf(ours_census),
        "frequent_keys": len(frequent),
        "edits_by_step": dict(steps),
        "note": "title unknown (None); sites are all distinct, so the census is nearly empty",
    }


# --- L3S-GN1 -------------------------------------------------------------------------------


def l3s() -> dict[str, Any]:
    docs = load_jsonl(CORPORA / "l3s-gn1-news-boilerplate" / "l3s-gn1-labelled-blocks.jsonl.gz")
    counts: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    words_total = words_kept = 0
    census = LineCensus()
    from normnews.clean.census import site_of

    for doc in docs:
        text = "\n".join(b["text"] for b in doc["blocks"])
        census.add(line_keys(text), site_of(doc.get("url"), ""))
    frequent = census.frequent(CLEAN)
    lost_examples: list[str] = []
    for doc in docs:
        text = "\n".join(b["text"] for b in doc["blocks"])
        out = normalise(
            doc.get("headline") or None, text, repair=REPAIR, clean=CLEAN, frequent=frequent
        ).text
        paragraphs = out.split("\n\n")
        for block in doc["blocks"]:
            label = block["label"]
            body = collapse(repair(block["text"], REPAIR)[0])
            if not body:
                continue
            counts[label] += 1
            present = any(p == body or (len(body) >= 20 and body in p) for p in paragraphs)
            kept[label] += present
            if label == "fulltext":
                block_words = body.split()
                words_total += len(block_words)
                out_words = set(out.split())
                words_kept += sum(w in out_words for w in block_words)
                if not present and len(lost_examples) < 10:
                    lost_examples.append(body[:140])
    return {
        "documents": len(docs),
        "blocks": dict(counts),
        "not_content_removed_share": 1 - kept["not_content"] / counts["not_content"],
        "fulltext_kept_share": kept["fulltext"] / counts["fulltext"],
        "fulltext_words_kept_share": words_kept / words_total,
        "related_content_removed_share": 1 - kept["related_content"] / counts["related_content"],
        "comments_removed_share": 1 - kept["comments"] / counts["comments"],
        "supplemental_kept_share": kept["supplemental"] / counts["supplemental"],
        "fulltext_lost_examples": lost_examples,
        "frequent_keys": len(frequent),
    }


# --- ftfy cases -----------------------------------------------------------------------------

QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})


def ftfy_cases() -> dict[str, Any]:
    base = CORPORA / "ftfy-test-cases"
    out: dict[str, Any] = {}
    ftfy_like = RepairConfig(uncurl_quotes=True, fix_character_width=True)
    for name in ("in-the-wild", "synthetic", "language-names", "negative", "known-failures"):
        cases = json.loads((base / f"{name}.json").read_text(encoding="utf-8"))
        row: Counter[str] = Counter()
        misses: list[str] = []
        for case in cases:
            original, fixed = case["original"], case["fixed"]
            ours = repair(original, REPAIR)[0]
            ours_ftfy_like = repair(original, ftfy_like)[0]
            row[case["expect"]] += 1
            ok_default = ours.translate(QUOTES) == fixed.translate(QUOTES) or ours == case.get(
                "fixed-encoding"
            )
            ok_like = ours_ftfy_like == fixed
            row[f"{case['expect']}_ok_default_config"] += ok_default
            row[f"{case['expect']}_ok_ftfy_like_config"] += ok_like
            if name == "negative":
                unchanged = ours == original
                row["unchanged_default_config"] += unchanged
                if not unchanged and len(misses) < 5:
                    misses.append(f"{case['label'][:80]}: {original[:60]!r} -> {ours[:60]!r}")
            elif case["expect"] == "pass" and not ok_default and len(misses) < 5:
                misses.append(f"{case['label'][:80]}: {ours[:60]!r} != {fixed[:60]!r}")
        out[name] = {**row, "misses": misses}
    return out


# --- census on real corpora ----------------------------------------------------------------


def census_real() -> dict[str, Any]:
    """Which lines of BBC and Reuters would the census call boilerplate?"""
    out: dict[str, Any] = {}
    for key, path, field in (
        ("bbc", CORPORA / "bbc-news-fulltext" / "bbc-news-2225.jsonl.gz", "body"),
        ("reuters", CORPORA / "reuters-21578" / "reuters21578.jsonl.gz", "body"),
    ):
        census = LineCensus()
        examples: dict[int, str] = {}
        for doc in load_jsonl(path):
            text = doc.get(field) or ""
            keys = line_keys(text)
            census.add(keys, key)
            for line in text.splitlines():
                norm = line_norm(line)
                if norm and len(line.split()) <= CLEAN.boilerplate_max_words:
                    from normnews.hashing import hash64

                    examples.setdefault(hash64(norm), line.strip())
        frequent = census.frequent(CLEAN)
        top = sorted(
            ((n, examples.get(k, "?")) for (_, k), n in census.counts.items() if k in frequent),
            reverse=True,
        )
        out[key] = {
            "articles": census.sites.get(key, 0),
            "frequent_lines": len(frequent),
            "top": [f"{n}: {line[:80]}" for n, line in top[:25]],
        }
    return out


# --- speed ---------------------------------------------------------------------------------


def speed() -> dict[str, Any]:
    bbc = load_jsonl(CORPORA / "bbc-news-fulltext" / "bbc-news-2225.jsonl.gz")
    reuters = [
        d for d in load_jsonl(CORPORA / "reuters-21578" / "reuters21578.jsonl.gz") if d.get("body")
    ][:5000]
    out: dict[str, Any] = {}
    for name, docs in (("bbc", bbc), ("reuters", reuters)):
        times = []
        for _ in range(3):
            for doc in docs:
                start = time.perf_counter()
                normalise(doc["title"], doc["body"], repair=REPAIR, clean=CLEAN)
                times.append(time.perf_counter() - start)
        size = statistics.mean(len(d["body"].encode()) for d in docs)
        times.sort()
        out[name] = {
            "articles": len(docs),
            "runs": 3,
            "mean_bytes": round(size),
            "mean_ms": statistics.mean(times) * 1000,
            "median_ms": statistics.median(times) * 1000,
            "p99_ms": times[int(len(times) * 0.99)] * 1000,
            "ms_per_4kB": statistics.mean(times) * 1000 * 4096 / size,
        }
    return out


# --- report --------------------------------------------------------------------------------


def pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _kind_rows(planted: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(split, kind, row) for split in SPLITS for kind, row in planted[split].items()]


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "# Cleaning quality (normnews.clean)",
        "",
        f"- command: `{res['command']}`",
        f"- date: {res['date']}",
        f"- machine: {res['machine']}",
        f"- seed: {res['seed']}; {N_PER_SOURCE} BBC + {N_PER_SOURCE} Reuters-21578 articles",
        "- config: default `RepairConfig()` / `CleanConfig()`",
        "",
        "## Targets (held-out half: pools, title forms and articles the cleaner was not tuned on)",
        "",
        "| target | goal | held-out | tune half |",
        "|---|---|---|---|",
    ]
    held, tune = res["planted"]["held_out"], res["planted"]["tune"]
    for name, key, goal in (
        ("planted title repeats removed", "title", "≥ 99%"),
        ("unseen boilerplate removed (phrase rules only)", "boilerplate", "≥ 97%"),
        ("unseen boilerplate removed (with census)", "boilerplate + census", "≥ 97%"),
        ("planted truncations removed", "truncation", "≥ 97%"),
    ):
        lines.append(
            f"| {name} | {goal} | {pct(held[key]['removed_share'])} | "
            f"{pct(tune[key]['removed_share'])} |"
        )
    for split_rows, label in ((held, "held-out"), (tune, "tune")):
        worst = min(v["genuine_kept_vs_clean_output_share"] for v in split_rows.values())
        lines.append(
            f"| genuine sentences kept (worst kind, vs the clean article's own output), "
            f"{label} | ≥ 99.7% | {pct(worst)} | |"
        )
    worst_input = min(v["genuine_kept_share"] for v in held.values())
    lines.append(
        f"| genuine sentences kept (worst kind, vs input), held-out | (info) | "
        f"{pct(worst_input)} | |"
    )
    lines.append(
        f"| clean articles unchanged apart from documented normalisation | ≥ 99% | "
        f"{pct(res['planted']['clean_unchanged']['share'])} | |"
    )
    lines.append(f"| scrapinghub F1 | ≥ 0.87 | {res['scrapinghub']['normnews']['f1']:.3f} | |")
    planted = res["planted"]
    lines += ["", "## Planted damage (per half and kind)", ""]
    lines.append(
        "| half | kind | articles | planted | removed/repaired | before-cut kept | genuine kept "
        "(vs input) | genuine kept (vs clean-article output) |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    for split, kind, row in _kind_rows(planted):
        share = row.get("removed_share", row.get("repaired_share"))
        if kind == "hard_wrap":
            share = row["identical_to_unwrapped_share"]
        extra = ""
        if "repaired_share" in row and "removed_share" in row:
            extra = f" (repaired {pct(row['repaired_share'])})"
        lines.append(
            f"| {split} | {kind} | {row['articles']} | "
            f"{row.get('planted', row.get('to_repair', '-'))} | "
            f"{pct(share) if share is not None else '-'}{extra} | "
            f"{pct(row['sentences_before_cut_kept_share']) if 'sentences_before_cut_kept_share' in row else '-'} | "  # noqa: E501
            f"{pct(row['genuine_kept_share'])} ({row['genuine_sentences']}) | "
            f"{pct(row['genuine_kept_vs_clean_output_share'])} "
            f"({row['genuine_in_clean_output']}) |"
        )
    lines += [
        "",
        "hard_wrap: share of BBC articles whose re-wrapped copy (64–76 columns, Reuters-style "
        "indents or blank lines) comes out identical to the unwrapped one.",
        "",
        "### Clean articles",
        "",
        f"{planted['clean_unchanged']['unchanged']} of {planted['clean_unchanged']['articles']} "
        f"unmodified articles come out equal to repair+reflow of the input. Articles changed "
        f"further, by step: {planted['clean_unchanged']['changed_by_step']}. Examples:",
        "",
    ]
    lines += [f"- {e}" for e in planted["clean_unchanged"]["examples"]]
    lines += [
        "",
        "'vs input': sentences of the undamaged input (repair + reflow), so the corpus's own "
        "cut paragraphs (BBC files whose sentences lost their ends, Reuters bodies without a "
        "final full stop) count as losses in every kind. 'vs clean-article output': sentences "
        "the cleaner keeps when the article is undamaged; this isolates what the damage costs.",
        "",
        "### Misses and lost sentences (first few per kind)",
        "",
    ]
    for split, kind, row in _kind_rows(planted):
        if row["misses"] or row["lost_sentences"]:
            lines.append(f"**{split}: {kind}**")
            lines += [f"- miss: {m}" for m in row["misses"][:6]]
            lines += [f"- lost: {m}" for m in row["lost_sentences"][:6]]
            lines.append("")
    sh = res["scrapinghub"]
    lines += [
        "## scrapinghub-article-extraction (html-text output → gold articleBody)",
        "",
        "| run | precision | recall | F1 |",
        "|---|---|---|---|",
    ]
    for name in ("html_text_baseline", "normnews", "normnews_with_census_over_the_181_pages"):
        row = sh[name]
        lines.append(f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} |")
    lines += ["", f"Edits by step: {sh['edits_by_step']}. {sh['note']}.", ""]
    lr = res["l3s"]
    lines += [
        "## L3S-GN1 (blocks joined with newlines, headline as title, census over the 621 pages)",
        "",
        f"- not_content blocks removed: {pct(lr['not_content_removed_share'])} "
        f"of {lr['blocks']['not_content']}",
        f"- fulltext blocks kept whole: {pct(lr['fulltext_kept_share'])} "
        f"of {lr['blocks']['fulltext']} (words kept: {pct(lr['fulltext_words_kept_share'])})",
        f"- related_content removed: {pct(lr['related_content_removed_share'])}; comments "
        f"removed: {pct(lr['comments_removed_share'])}; supplemental kept: "
        f"{pct(lr['supplemental_kept_share'])}",
        "",
        "Fulltext blocks not kept whole (first few):",
        "",
    ]
    lines += [f"- {e!r}" for e in lr["fulltext_lost_examples"][:8]]
    lines += ["", "## ftfy test cases (repair only)", ""]
    lines.append("| file | cases | ok, default config (quotes kept) | ok, ftfy-like config |")
    lines.append("|---|---|---|---|")
    for name, row in res["ftfy"].items():
        for expect in ("pass", "fail"):
            if row.get(expect):
                lines.append(
                    f"| {name} ({expect}) | {row[expect]} | "
                    f"{row.get(f'{expect}_ok_default_config', 0)} | "
                    f"{row.get(f'{expect}_ok_ftfy_like_config', 0)} |"
                )
    neg = res["ftfy"]["negative"]
    lines += [
        "",
        f"negative cases unchanged byte for byte with the default config: "
        f"{neg.get('unchanged_default_config', 0)} of {neg.get('pass', 0) + neg.get('fail', 0)}.",
        "'ok, default config' compares with quotes folded (we keep curly quotes on purpose) or "
        "with `fixed-encoding`; 'ftfy-like' sets uncurl_quotes and fix_character_width as "
        "ftfy's defaults do and compares exactly.",
        "",
    ]
    for name, row in res["ftfy"].items():
        for miss in row["misses"]:
            lines.append(f"- {name}: {miss}")
    lines += ["", "## Census on the real corpora (lines that would be removed by frequency)", ""]
    for key, row in res["census_real"].items():
        lines.append(
            f"**{key}**: {row['frequent_lines']} frequent lines over {row['articles']} "
            "articles; most common:"
        )
        lines += [f"- {t}" for t in row["top"][:12]]
        lines.append("")
    lines += ["## Speed (normalise, per article, single process)", ""]
    lines.append(
        "| corpus | articles×runs | mean bytes | mean ms | median ms | p99 ms | ms per 4 kB |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    for name, row in res["speed"].items():
        lines.append(
            f"| {name} | {row['articles']}×{row['runs']} | {row['mean_bytes']} | "
            f"{row['mean_ms']:.3f} | {row['median_ms']:.3f} | {row['p99_ms']:.3f} | "
            f"{row['ms_per_4kB']:.3f} |"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    if not CORPORA.is_dir():
        print(f"quality_clean: corpora not found at {CORPORA}; skipping.")
        return 0
    rng = random.Random(SEED)
    started = time.perf_counter()
    res: dict[str, Any] = {
        "command": "PYTHONPATH=src python benchmarks/quality_clean.py",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "seed": SEED,
    }
    res["planted"] = planted_benchmark(rng)
    res["scrapinghub"] = scrapinghub()
    res["l3s"] = l3s()
    res["ftfy"] = ftfy_cases()
    res["census_real"] = census_real()
    res["speed"] = speed()
    res["elapsed_s"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality_clean.json").write_text(
        json.dumps(res, indent=2, ensure_ascii=False, default=sorted) + "\n", encoding="utf-8"
    )
    (RESULTS / "quality_clean.md").write_text(markdown(res), encoding="utf-8")
    print(markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
