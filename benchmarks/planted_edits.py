"""Planted copies with edits, with damage held out from tuning (issue 11).

Sources: BBC articles outside the corpus' duplicate groups and with no near neighbour in the
pool by exact shingles (5-gram Jaccard >= 0.3 or containment >= 0.5), so that every merge
outside a planted group is an error. Sources are split by position: even = **tune** half,
odd = **report** half. Each source gets one copy per kind of damage, every copy on top of a
scraper frame (a junk title line, "Advertisement", share prompts):

* ``drop_and_edit`` (the kind the edit-tolerant rule was designed and tuned on, as the issue
  describes the hidden evaluation): a short paragraph dropped and about 5% of the words of
  another paragraph replaced by other words of the corpus;
* held out, never looked at while tuning:
  ``synonym_swap`` (about 5% of all words replaced by a synonym from a fixed table),
  ``sentence_reorder`` (two adjacent sentences swapped in every paragraph of 3+ sentences, and
  the last paragraph dropped), ``split_and_numbers`` (every paragraph split at its middle
  sentence, figures reformatted: thousands separators removed, ``%`` to `` per cent``, one to
  nine as words).

Pairwise precision and recall count every pair in a group (source and copies, copy with copy).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable

from normnews.dedup import shingles

SYNONYMS = {
    "said": "stated",
    "says": "states",
    "big": "large",
    "large": "big",
    "people": "persons",
    "also": "too",
    "new": "fresh",
    "year": "twelvemonth",
    "years": "twelvemonths",
    "government": "administration",
    "told": "informed",
    "make": "create",
    "made": "created",
    "show": "display",
    "shows": "displays",
    "more": "additional",
    "first": "initial",
    "last": "final",
    "number": "amount",
    "help": "assist",
    "could": "might",
    "would": "will",
    "get": "obtain",
    "got": "obtained",
    "want": "wish",
    "wants": "wishes",
    "think": "believe",
    "because": "since",
    "many": "numerous",
    "after": "following",
    "start": "begin",
    "important": "significant",
    "money": "cash",
    "buy": "purchase",
    "sell": "vend",
    "plan": "scheme",
    "plans": "schemes",
    "rise": "increase",
    "fall": "decline",
    "market": "marketplace",
    "company": "firm",
    "firms": "companies",
    "world": "globe",
    "country": "nation",
    "against": "versus",
    "before": "prior to",
    "about": "regarding",
}
FRAME = "{title} | News 12\n\nAdvertisement\n\n{body}\n\nShare this article\n\nRelated Posts"
KINDS_TUNED = ("drop_and_edit",)
KINDS_HELD_OUT = ("synonym_swap", "sentence_reorder", "split_and_numbers")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_NUM_WORDS = "one two three four five six seven eight nine".split()


def _paras(body: str) -> list[str]:
    paras = [p for p in body.split("\n\n") if p.strip()]
    if len(paras) < 4:  # BBC bodies are often a few long blocks: one sentence per paragraph
        paras = [s for p in paras for s in _SENT.split(p)]
    return paras


def drop_and_edit(body: str, rng: random.Random, vocab: list[str]) -> str:
    paras = _paras(body)
    if len(paras) > 2:
        drop = min(range(1, len(paras)), key=lambda i: len(paras[i]))
        paras = paras[:drop] + paras[drop + 1 :]
    target = max(range(len(paras)), key=lambda i: len(paras[i]))
    words = paras[target].split(" ")
    for i in rng.sample(range(len(words)), max(1, len(words) // 20)):
        words[i] = rng.choice(vocab)
    paras[target] = " ".join(words)
    return "\n\n".join(paras)


def synonym_swap(body: str, rng: random.Random, vocab: list[str]) -> str:
    words = body.split(" ")
    slots = [i for i, w in enumerate(words) if w.lower() in SYNONYMS]
    for i in rng.sample(slots, min(len(slots), max(1, len(words) // 20))):
        words[i] = SYNONYMS[words[i].lower()]
    return " ".join(words)


def sentence_reorder(body: str, rng: random.Random, vocab: list[str]) -> str:
    out = []
    for para in _paras(body)[:-1]:
        sents = _SENT.split(para)
        if len(sents) >= 3:
            i = rng.randrange(len(sents) - 1)
            sents[i], sents[i + 1] = sents[i + 1], sents[i]
        out.append(" ".join(sents))
    return "\n\n".join(out)


def split_and_numbers(body: str, rng: random.Random, vocab: list[str]) -> str:
    out = []
    for para in body.split("\n\n"):
        sents = _SENT.split(para)
        mid = len(sents) // 2
        out.append(" ".join(sents[:mid]) + ("\n\n" if mid else "") + " ".join(sents[mid:]))
    text = "\n\n".join(out)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = text.replace("%", " per cent")
    # A lone digit (not part of 2.5 or 1,200) becomes a word.
    return re.sub(
        r"(?<![\d.,])\b([1-9])\b(?![.,]\d)", lambda m: _NUM_WORDS[int(m.group(1)) - 1], text
    )


DAMAGE: dict[str, Callable[[str, random.Random, list[str]], str]] = {
    "drop_and_edit": drop_and_edit,
    "synonym_swap": synonym_swap,
    "sentence_reorder": sentence_reorder,
    "split_and_numbers": split_and_numbers,
}


def shingle_overlaps(
    texts: list[str], keep: Callable[[float, float], bool]
) -> dict[tuple[int, int], tuple[float, float]]:
    """Pairs ``(a, b)``, ``a < b``, whose exact 5-gram Jaccard and containment pass ``keep``."""
    sets = [set(shingles(t)) for t in texts]
    postings: dict[str, list[int]] = {}
    for i, sh in enumerate(sets):
        for x in sh:
            postings.setdefault(x, []).append(i)
    out = {}
    for a, sa in enumerate(sets):
        shared: dict[int, int] = {}
        for x in sa:
            for b in postings[x]:
                if b > a:
                    shared[b] = shared.get(b, 0) + 1
        for b, inter in shared.items():
            j = inter / (len(sa) + len(sets[b]) - inter)
            c = inter / max(1, min(len(sa), len(sets[b])))
            if keep(j, c):
                out[(a, b)] = (j, c)
    return out


def isolated(texts: list[str]) -> list[int]:
    """Indices of texts with no neighbour at 5-gram Jaccard >= 0.3 or containment >= 0.5."""
    near = {i for pair in shingle_overlaps(texts, lambda j, c: j >= 0.3 or c >= 0.5) for i in pair}
    return [i for i in range(len(texts)) if i not in near and len(set(shingles(texts[i]))) >= 40]


def build(
    rows: list[dict[str, str]], clean: Callable[[str | None, str], str], n_sources: int = 400
) -> tuple[list[str], list[str | None], list[int], list[str], list[str]]:
    """The planted set: texts, titles, true group per text, kind per text, half per text."""
    rng = random.Random(11)
    pool_texts = [clean(r["title"], r["body"]) for r in rows]
    keep = isolated(pool_texts)
    texts = [pool_texts[i] for i in keep]
    titles: list[str | None] = [rows[i]["title"] for i in keep]
    truth = list(range(len(texts)))
    kind = ["pool"] * len(texts)
    half = ["pool"] * len(texts)
    vocab = sorted({w for t in texts for w in t.split() if w.isalpha() and len(w) > 3})
    sources = sorted(rng.sample(range(len(texts)), min(n_sources, len(texts))))
    for pos, src in enumerate(sources):
        h = "tune" if pos % 2 == 0 else "report"
        half[src] = h
        for name, damage in DAMAGE.items():
            body = damage(texts[src], rng, vocab)
            raw = FRAME.format(title=titles[src], body=body)
            texts.append(clean(titles[src], raw))
            titles.append(titles[src])
            truth.append(src)
            kind.append(name)
            half.append(h)
    return texts, titles, truth, kind, half


def pairs(label: list[int], members: list[int]) -> set[tuple[int, int]]:
    by: dict[int, list[int]] = {}
    for i in members:
        by.setdefault(label[i], []).append(i)
    return {(a, b) for g in by.values() for a, b in itertools.combinations(sorted(g), 2)}


def score(label: list[int], truth: list[int], kind: list[str], half: list[str]) -> dict:
    """Pairwise precision/recall per half, and recall per kind (copy joined to its source)."""
    pool = [i for i in range(len(label)) if half[i] == "pool"]
    out: dict[str, object] = {"pool_articles": len(pool), "pool_merges": len(pairs(label, pool))}
    for h in ("tune", "report"):
        members = [i for i in range(len(label)) if half[i] in (h, "pool")]
        true_p = pairs(truth, [i for i in members if half[i] == h])
        pred_p = pairs(label, members)
        pred_p = {p for p in pred_p if half[p[0]] == h or half[p[1]] == h}
        tp = len(true_p & pred_p)
        out[h] = {
            "sources": sum(1 for i in members if half[i] == h and kind[i] == "pool"),
            "true_pairs": len(true_p),
            "predicted_pairs": len(pred_p),
            "precision": round(tp / len(pred_p), 4) if pred_p else 1.0,
            "recall": round(tp / len(true_p), 4) if true_p else 1.0,
            "recall_by_kind": {
                k: round(
                    sum(
                        1
                        for i in members
                        if kind[i] == k and half[i] == h and label[i] == label[truth[i]]
                    )
                    / max(1, sum(1 for i in members if kind[i] == k and half[i] == h)),
                    4,
                )
                for k in DAMAGE
            },
        }
    return out
