"""Dedup quality on real corpora (BBC, Reuters-21578, tgcontest) and planted copies.

Reads ``../shared/corpora`` (or ``$NORMNEWS_CORPORA``); exits 0 with a message when absent.
Bodies are cleaned with ``normnews.clean.normalise`` when it imports, else used raw (the
results file says which). Titles are not part of the signed text: dedup compares bodies, so
a re-headlined copy is a copy.

Measures:
- BBC: recall of the 138 same-normalised-body groups (a group counts when all its members end
  in one cluster), plus every merge outside those groups, listed;
- Reuters-21578: recall of the 362 normalised-body groups, plus every merge outside them with
  the exact shingle Jaccard of the pair (so "really near-identical" can be checked);
- planted: 300 BBC articles (not in a duplicate group) each with 6 copies (paragraph dropped,
  words edited, re-headlined, boilerplate frame + title junk, mojibake, reformatted) among
  all 2,225 BBC bodies, plus hard negatives: 200 different short stories (first paragraphs of
  other BBC articles) inside one heavy site template; pairwise precision/recall/F1, both as
  planted and relabelled (pool articles that are near-duplicates of each other by exact
  shingle sets under the configured rule, found without looking at predictions, count as
  copies, and so do their planted copies);
- tgcontest: pairs labelled different threads (BAD) must not merge.

Usage: ``PYTHONPATH=src python benchmarks/quality_dedup.py``
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from pathlib import Path

from normnews.config import CleanConfig, DedupConfig, RepairConfig
from normnews.dedup import Deduper, EvidenceMaker, Match, Signer, exact_key, shingles

sys.path.insert(0, str(Path(__file__).resolve().parent))
import planted_edits
from labels.score_reuters_pairs import score as score_pairs

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NORMNEWS_CORPORA", ROOT.parent / "shared" / "corpora"))
RESULTS = ROOT / "benchmarks" / "results"
CFG = DedupConfig()

try:
    from normnews.clean import normalise

    def clean(title: str | None, text: str) -> str:
        return normalise(title, text, repair=RepairConfig(), clean=CleanConfig()).text

    CLEANING = "normnews.clean.normalise (default RepairConfig/CleanConfig, no census)"
except ImportError:  # pragma: no cover - depends on the other helper's progress

    def clean(title: str | None, text: str) -> str:
        return text

    CLEANING = "none (raw text; normnews.clean not importable)"

TEMPLATE = (
    "Subscribe to our newsletter for the latest local news, sport and weather delivered to "
    "your inbox every morning. Read more stories from your area and follow us for breaking "
    "news alerts, live updates, photo galleries and opinion from our award-winning team of "
    "reporters and columnists who cover the issues that matter to you and your community "
    "every single day of the year. Our journalism is funded by readers like you: support "
    "independent local reporting today and get unlimited access to every article on our "
    "website and app for less than the price of a coffee a week. Terms and conditions apply."
)


def _gz(path: Path, mode: str = "rt", encoding: str = "utf-8") -> list[str]:
    with gzip.open(path, mode, encoding=encoding) as fh:
        return list(fh)


def dedup(
    texts: list[str],
    published: list[int | None] | None = None,
    titles: list[str | None] | None = None,
) -> dict[int, Match]:
    signer = Signer(CFG)
    maker = EvidenceMaker(CFG)
    d = Deduper(CFG)
    pub = published or [None] * len(texts)
    heads = titles or [None] * len(texts)
    for s in range(0, len(texts), 2000):
        chunk = texts[s : s + 2000]
        d.add_batch(
            [str(i) for i in range(s, s + len(chunk))],
            [exact_key(t) for t in chunk],
            signer.signatures(chunk),
            pub[s : s + 2000],
            [len(t) for t in chunk],
            maker.rows(heads[s : s + 2000], chunk),
        )
    return d.resolve()


def clusters_of(n: int, out: dict[int, Match]) -> list[int]:
    """Cluster label per article: the index of the kept article it belongs to."""
    return [int(out[i].duplicate_of) if i in out else i for i in range(n)]


def jaccard(a: str, b: str) -> float:
    sa, sb = set(shingles(a)), set(shingles(b))
    return len(sa & sb) / len(sa | sb)


def containment(a: str, b: str) -> float:
    """Exact share of the smaller shingle set contained in the larger."""
    sa, sb = set(shingles(a)), set(shingles(b))
    return len(sa & sb) / min(len(sa), len(sb))


def group_eval(
    ids: list[str],
    texts: list[str],
    groups: list[list[str]],
    published: list[int | None] | None = None,
    titles: list[str | None] | None = None,
) -> dict[str, object]:
    index = {k: i for i, k in enumerate(ids)}
    t0 = time.perf_counter()
    out = dedup(texts, published, titles)
    elapsed = time.perf_counter() - t0
    label = clusters_of(len(texts), out)
    found = sum(1 for g in groups if len({label[index[k]] for k in g}) == 1)
    in_group = {}
    for gi, g in enumerate(groups):
        for k in g:
            in_group[index[k]] = gi
    extra = []
    for i, m in sorted(out.items()):
        j = int(m.duplicate_of)
        if i in in_group and in_group.get(j) == in_group[i]:
            continue
        extra.append(
            {
                "removed": ids[i],
                "kept": ids[j],
                "method": m.method,
                "similarity": m.similarity,
                "shingle_jaccard": round(jaccard(texts[i], texts[j]), 3),
                "shingle_containment": round(containment(texts[i], texts[j]), 3),
            }
        )
    return {
        "articles": len(texts),
        "groups": len(groups),
        "groups_found": found,
        "recall": found / len(groups),
        "removed": len(out),
        "seconds": round(elapsed, 2),
        "merges_outside_groups": len(extra),
        "outside": extra,
        "merges": [
            {"removed": ids[i], "kept": ids[int(m.duplicate_of)], "reason": m.reason}
            for i, m in sorted(out.items())
        ],
    }


def bbc() -> tuple[dict[str, object], list[dict[str, str]]]:
    rows = [
        json.loads(x)
        for x in _gz(CORPORA / "bbc-news-fulltext/bbc-news-2225.jsonl.gz", "rt", encoding="utf-8")
    ]
    groups = json.loads((CORPORA / "bbc-news-fulltext/duplicate-groups.json").read_text())
    texts = [clean(r["title"], r["body"]) for r in rows]
    res = group_eval([r["id"] for r in rows], texts, groups["normalised_body"])
    return res, rows


def reuters() -> dict[str, object]:
    rows = [
        json.loads(x)
        for x in _gz(CORPORA / "reuters-21578/reuters21578.jsonl.gz", "rt", encoding="utf-8")
    ]
    rows = [r for r in rows if (r.get("body") or "").strip()]
    groups = json.loads((CORPORA / "reuters-21578/duplicate-groups.json").read_text())
    texts = [clean(r.get("title"), r["body"]) for r in rows]
    ids = [str(r["newid"]) for r in rows]
    g = [[str(x) for x in grp] for grp in groups["normalised_body"]]
    res = group_eval(ids, texts, g, titles=[r.get("title") for r in rows])
    merges = res.pop("merges")
    assert isinstance(merges, list)
    res["labelled_pairs"] = score_pairs(
        [{"removed": int(m["removed"]), "kept": int(m["kept"])} for m in merges]
    )
    res["removed_by_reason"] = dict(Counter(m["reason"] for m in merges))
    return res


def planted_with_edits(rows: list[dict[str, str]]) -> dict[str, object]:
    texts, titles, truth, kind, half = planted_edits.build(rows, clean)
    published: list[int | None] = list(range(len(texts)))
    out = dedup(texts, published, titles)
    res = planted_edits.score(clusters_of(len(texts), out), truth, kind, half)
    res["kinds_tuned_on"] = list(planted_edits.KINDS_TUNED)
    res["kinds_held_out"] = list(planted_edits.KINDS_HELD_OUT)
    return res


def _mojibake(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="replace")


def planted(rows: list[dict[str, str]]) -> dict[str, object]:
    rng = random.Random(7)
    groups = json.loads((CORPORA / "bbc-news-fulltext/duplicate-groups.json").read_text())
    dup_ids = {k for g in groups["normalised_body"] for k in g}
    pool = [r for r in rows if r["id"] not in dup_ids]
    texts = [clean(r["title"], r["body"]) for r in pool]
    truth = list(range(len(texts)))  # true cluster per article
    published: list[int | None] = list(range(len(texts)))
    kinds: dict[str, list[int]] = {}
    true_j: dict[str, list[float]] = {}
    for src in rng.sample(range(len(pool)), 300):
        body, title = texts[src], pool[src]["title"]
        paras = body.split("\n\n")
        if len(paras) < 5:  # BBC bodies are often 3 long blocks: drop a last sentence then
            paras = body.replace(". ", ".\n\n").split("\n\n")
        words = body.split(" ")
        for _ in range(5):
            w = rng.randrange(len(words))
            words[w] = words[w] + "s"
        variants = {
            "paragraph_dropped": "\n\n".join(paras[:-1]),
            "words_edited": " ".join(words),
            "reheadlined": body,  # same body, new title: titles are not signed
            "frame_and_title_junk": f"{title} | BBC News 0\n\nAdvertisement\n\n{body}\n\n"
            "Share this article\n\nRelated Posts",
            "mojibake": _mojibake(body),
            "reformatted": body.replace("\n\n", "\n").upper(),
        }
        for kind, raw in variants.items():
            new_title = "Re: " + title if kind == "reheadlined" else title
            texts.append(clean(new_title, raw))
            truth.append(src)
            published.append(10_000 + len(texts))
            kinds.setdefault(kind, []).append(len(texts) - 1)
            true_j.setdefault(kind, []).append(jaccard(texts[src], texts[-1]))
    # Hard negatives: different short stories inside one heavy template.
    neg_start = len(texts)
    for r in rng.sample(pool, 200):
        first = r["body"].split("\n\n")[0]
        texts.append(clean(None, first + "\n\n" + TEMPLATE))
        truth.append(len(truth))
        published.append(20_000 + len(texts))
    names = [
        pool[t]["id"] if i < len(pool) else f"copy-of:{pool[t]['id']}"
        for i, t in enumerate(truth[:neg_start])
    ] + [f"template-negative-{i}" for i in range(len(texts) - neg_start)]
    out = dedup(texts, published)
    label = clusters_of(len(texts), out)
    true_pairs = _pairs(truth)
    pred_pairs = _pairs(label)
    tp = len(true_pairs & pred_pairs)
    precision = tp / len(pred_pairs) if pred_pairs else 1.0
    recall = tp / len(true_pairs)
    per_kind = {
        k: sum(1 for i in v if label[i] == label[truth[i]]) / len(v) for k, v in kinds.items()
    }
    template_merges = [
        {
            "removed": names[i],
            "kept": names[int(out[i].duplicate_of)],
            "similarity": out[i].similarity,
        }
        for i in range(neg_start, len(texts))
        if i in out
    ]
    above = [
        i for k, v in kinds.items() for i, j in zip(v, true_j[k], strict=True) if j >= CFG.threshold
    ]
    recall_above = sum(1 for i in above if label[i] == label[truth[i]]) / len(above)
    false = [{"a": names[a], "b": names[b]} for a, b in sorted(pred_pairs - true_pairs)]
    # The planting labels every pool article distinct, but the BBC pool holds its own near
    # duplicates (updated versions of one story). Measured by exact shingles, independently
    # of what dedup predicted: pool pairs that meet the configured rule (Jaccard >= threshold,
    # or containment >= bar with Jaccard >= floor) are copies too, and so are their copies.
    corpus = corpus_near_pairs(texts[: len(pool)])
    root = truth
    true_plus = true_pairs | {
        (a, b)
        for a, b in itertools.combinations(range(neg_start), 2)
        if (min(root[a], root[b]), max(root[a], root[b])) in corpus
    }
    tp_plus = len(true_plus & pred_pairs)
    still_false = sorted(pred_pairs - true_plus)
    return {
        "articles": len(texts),
        "true_pairs": len(true_pairs),
        "predicted_pairs": len(pred_pairs),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
        "corpus_near_duplicate_pairs": [
            {
                "a": pool[a]["id"],
                "b": pool[b]["id"],
                "shingle_jaccard": round(j, 3),
                "shingle_containment": round(c, 3),
            }
            for (a, b), (j, c) in sorted(corpus.items())
        ],
        "relabelled": {
            "true_pairs": len(true_plus),
            "precision": tp_plus / len(pred_pairs) if pred_pairs else 1.0,
            "recall": tp_plus / len(true_plus),
            "false_pairs": len(still_false),
            "false_pair_examples": [
                {
                    "a": names[a],
                    "b": names[b],
                    "shingle_jaccard": round(jaccard(texts[a], texts[b]), 3),
                    "shingle_containment": round(containment(texts[a], texts[b]), 3),
                }
                for a, b in still_false[:20]
            ],
        },
        "recall_by_kind": per_kind,
        "mean_true_jaccard_by_kind": {k: round(sum(v) / len(v), 3) for k, v in true_j.items()},
        "min_true_jaccard_by_kind": {k: round(min(v), 3) for k, v in true_j.items()},
        "copies_with_true_jaccard_at_or_above_threshold": len(above),
        "recall_of_those_copies": recall_above,
        "template_negatives": 200,
        "template_merges": len(template_merges),
        "template_merge_examples": template_merges,
        "false_pairs": false[:20],
    }


def corpus_near_pairs(texts: list[str]) -> dict[tuple[int, int], tuple[float, float]]:
    """Pairs of texts that meet the dedup rule by exact shingle sets: ``{(a, b): (J, C)}``."""
    return planted_edits.shingle_overlaps(
        texts,
        lambda j, c: (
            j >= CFG.threshold or (j >= CFG.containment_min_jaccard and c >= CFG.containment)
        ),
    )


def _pairs(label: list[int]) -> set[tuple[int, int]]:
    by: dict[int, list[int]] = {}
    for i, c in enumerate(label):
        by.setdefault(c, []).append(i)
    return {p for members in by.values() for p in itertools.combinations(sorted(members), 2)}


def tgcontest() -> dict[str, object]:
    csv.field_size_limit(sys.maxsize)
    res: dict[str, object] = {}
    bad_merged = ok_merged = bad = ok = 0
    examples = []
    for path in sorted((CORPORA / "tgcontest-thread-pairs").glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                a = clean(row.get("INPUT:first_title"), row["INPUT:first_text"])
                b = clean(row.get("INPUT:second_title"), row["INPUT:second_text"])
                merged = bool(dedup([a, b]))
                if row["GOLDEN:quality"] == "BAD":
                    bad += 1
                    bad_merged += merged
                    if merged:
                        examples.append({"file": path.name, "a": row["INPUT:first_url"]})
                else:
                    ok += 1
                    ok_merged += merged
    res.update(
        {
            "bad_pairs": bad,
            "bad_merged": bad_merged,
            "ok_pairs": ok,
            "ok_merged_informational": ok_merged,
            "bad_examples": examples,
        }
    )
    return res


def main() -> None:
    if not CORPORA.is_dir():
        print(f"skipped: corpora not found at {CORPORA}")
        return
    t0 = time.perf_counter()
    bbc_res, rows = bbc()
    results = {
        "command": "PYTHONPATH=src python benchmarks/quality_dedup.py",
        "machine": f"{platform.machine()} python {platform.python_version()}, "
        f"{os.cpu_count()} cores",
        "cleaning": CLEANING,
        "config": {
            "threshold": CFG.threshold,
            "num_perm": CFG.num_perm,
            "bucket_cap": CFG.bucket_cap,
            "template_min_docs": CFG.template_min_docs,
            "containment": CFG.containment,
            "containment_min_jaccard": CFG.containment_min_jaccard,
            "edit_containment": CFG.edit_containment,
            "edit_min_jaccard": CFG.edit_min_jaccard,
            "strict_words": CFG.strict_words,
            "value_tolerance": CFG.value_tolerance,
        },
        "bbc": bbc_res,
        "reuters": reuters(),
        "planted": planted(rows),
        "planted_with_edits": planted_with_edits(rows),
        "tgcontest": tgcontest(),
    }
    results["seconds"] = round(time.perf_counter() - t0, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality_dedup.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n"
    )
    summary = {
        k: {kk: vv for kk, vv in v.items() if not isinstance(vv, list | dict)}
        for k, v in results.items()
        if isinstance(v, dict) and k != "config"
    }
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
