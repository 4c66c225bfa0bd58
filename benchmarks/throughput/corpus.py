"""Benchmark corpora resampled from the real BBC and Reuters articles, with planted near-copies.

A corpus of ``n`` articles is written as JSONL.gz shards (``id``, ``title``, ``text``, ``url``,
``published``) under ``benchmarks/work/corpora/`` (gitignored; never committed: the source
texts are for research use only).

How an article is made:

- ``share_bbc`` of the articles start from a random BBC article, the rest from a random
  Reuters article with a body (both read from ``../shared/corpora``).
- The first use of an original is verbatim. Every later use is a *variant*: ~12% of its words
  are replaced by other real words of the same source, so a variant is a distinct article
  (Jaccard of word 5-shingles ~0.2 to the original), not a duplicate. Without this, a 1M
  corpus built from ~22k originals would be 97% exact duplicates.
- ``near_share`` (~15%) of the records are *near-copies* of an article emitted shortly before
  (a window of the last 2,000): 2-5% of words replaced, deleted or inserted, and with
  probability 0.5 one paragraph dropped (when there are at least three). A tenth of the
  near-copies are verbatim re-sends with a new id and URL (exact duplicates).

Line structure, case, entities and non-ASCII characters of the originals are kept (Reuters is
hard-wrapped, upper-case titles, ``&lt;`` debris; BBC has ``£`` and curly quotes), so the
cleaning stages see the real mix.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BBC = "bbc-news-fulltext/bbc-news-2225.jsonl.gz"
REUTERS = "reuters-21578/reuters21578.jsonl.gz"
SHARD_SIZE = 5_000
VARIANT_RATE = 0.12
WINDOW = 2_000
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_REUTERS_DATE = "%d-%b-%Y %H:%M:%S"


@dataclass(frozen=True)
class Original:
    """One real article: where it came from, its title, body and publication time."""

    site: str
    key: str
    title: str
    text: str
    published: str | None


def _reuters_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = time.strptime(value.strip().split(".")[0], _REUTERS_DATE)
    except ValueError:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)


def load_originals(corpora: Path) -> tuple[list[Original], list[Original]]:
    """The BBC articles and the Reuters articles that have a body.

    Args:
        corpora: The shared corpora directory.

    Returns:
        ``(bbc, reuters)``.
    """
    bbc: list[Original] = []
    with gzip.open(corpora / BBC, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            bbc.append(Original("bbc", row["id"], row["title"], row["body"], None))
    reuters: list[Original] = []
    with gzip.open(corpora / REUTERS, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("body"):
                reuters.append(
                    Original(
                        "reuters",
                        str(row["newid"]),
                        row.get("title") or "",
                        row["body"],
                        _reuters_date(row.get("date")),
                    )
                )
    return bbc, reuters


def _vocabulary(originals: list[Original], limit: int = 50_000) -> list[str]:
    words: set[str] = set()
    for o in originals:
        words.update(_WORD.findall(o.text))
        if len(words) >= limit:
            break
    return sorted(words)


def _substitute(text: str, rate: float, vocab: list[str], rng: random.Random) -> str:
    """Replace about ``rate`` of the words, keeping every separator (line breaks, indents)."""

    def swap(m: re.Match[str]) -> str:
        return rng.choice(vocab) if rng.random() < rate else m.group(0)

    return _WORD.sub(swap, text)


def _near_copy(text: str, vocab: list[str], rng: random.Random) -> str:
    """Word edits (replace, delete, insert) on 2-5% of words, maybe one dropped paragraph."""
    paragraphs = re.split(r"(\n\s*\n|\n {3,})", text)
    # re.split with a group keeps the separators at odd positions.
    bodies = list(range(0, len(paragraphs), 2))
    if len(bodies) >= 3 and rng.random() < 0.5:
        drop = rng.choice(bodies[1:])
        paragraphs[drop] = ""
        if drop + 1 < len(paragraphs):
            paragraphs[drop + 1] = ""
    rate = rng.uniform(0.02, 0.05)

    def edit(m: re.Match[str]) -> str:
        if rng.random() >= rate:
            return m.group(0)
        kind = rng.random()
        if kind < 0.5:
            return rng.choice(vocab)
        if kind < 0.75:
            return ""
        return f"{m.group(0)} {rng.choice(vocab)}"

    return _WORD.sub(edit, "".join(paragraphs))


def corpus_dir(work: Path, n: int, seed: int, share_bbc: float, near_share: float) -> Path:
    """Where the corpus with these parameters lives (one directory per parameter set)."""
    return work / "corpora" / f"news-{n}-s{seed}-bbc{share_bbc:g}-near{near_share:g}"


def generate(
    corpora: Path,
    work: Path,
    n: int,
    *,
    seed: int = 20261124,
    share_bbc: float = 0.5,
    near_share: float = 0.15,
) -> tuple[Path, dict[str, Any]]:
    """Write (or reuse) a corpus of ``n`` articles; return its directory and description.

    Args:
        corpora: The shared corpora directory.
        work: The benchmark work directory (gitignored).
        n: Number of articles.
        seed: Random seed (same parameters, same bytes).
        share_bbc: Share of articles resampled from BBC (the rest from Reuters).
        near_share: Share of records that are near-copies of a recent article.

    Returns:
        The corpus directory (JSONL.gz shards only) and its description.
    """
    out = corpus_dir(work, n, seed, share_bbc, near_share)
    meta_path = out.parent / f"{out.name}.json"
    if meta_path.exists() and out.is_dir():
        return out, dict(json.loads(meta_path.read_text()))
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.jsonl.gz"):
        old.unlink()
    started = time.perf_counter()
    rng = random.Random(seed)
    bbc, reuters = load_originals(corpora)
    vocab = {"bbc": _vocabulary(bbc), "reuters": _vocabulary(reuters)}
    used: set[tuple[str, str]] = set()
    recent: deque[dict[str, Any]] = deque(maxlen=WINDOW)
    counts = {"articles": 0, "near_copies": 0, "exact_copies": 0, "variants": 0, "bytes_text": 0}
    shard = None
    for i in range(n):
        if i % SHARD_SIZE == 0:
            if shard is not None:
                shard.close()
            # One shard open at a time, closed when the next starts (not a with-block).
            shard = gzip.open(out / f"shard-{i // SHARD_SIZE:05d}.jsonl.gz", "wt", 6, "utf-8")  # noqa: SIM115
        if recent and rng.random() < near_share:
            base = rng.choice(recent)
            site = base["_site"]
            if rng.random() < 0.1:
                text = base["text"]
                counts["exact_copies"] += 1
            else:
                text = _near_copy(base["text"], vocab[site], rng)
                counts["near_copies"] += 1
            title = base["title"]
            published = base["published"]
        else:
            pool = bbc if rng.random() < share_bbc else reuters
            orig = rng.choice(pool)
            site = orig.site
            title, text, published = orig.title, orig.text, orig.published
            if (site, orig.key) in used:
                text = _substitute(text, VARIANT_RATE, vocab[site], rng)
                counts["variants"] += 1
            used.add((site, orig.key))
        host = "www.bbc.co.uk/news" if site == "bbc" else "www.reuters.com/article"
        row = {
            "id": f"{site}-{i:08d}",
            "title": title,
            "text": text,
            "url": f"https://{host}/{i:08d}",
            "published": published,
        }
        assert shard is not None
        shard.write(json.dumps(row, ensure_ascii=False) + "\n")
        recent.append({**row, "_site": site})
        counts["articles"] += 1
        counts["bytes_text"] += len(text.encode("utf-8"))
    if shard is not None:
        shard.close()
    meta: dict[str, Any] = {
        "n": n,
        "seed": seed,
        "share_bbc": share_bbc,
        "near_share": near_share,
        "shards": len(list(out.glob("*.jsonl.gz"))),
        "bytes_gz": sum(p.stat().st_size for p in out.glob("*.jsonl.gz")),
        **counts,
        "generate_s": round(time.perf_counter() - started, 1),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return out, meta
