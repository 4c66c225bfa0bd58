"""The run manifest: what ran, on what, with which settings, and what came out.

It is the last file a run writes (``OUT/_runs/<run_id>.json``), so its presence means the run's
output is complete. Timings and the wall-clock start live only here, never in the datasets.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST_VERSION = 1
_LIBRARIES = ("normnews", "ftfy", "datasketch", "pyarrow", "typer", "numpy")


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries that shape the output."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass
class Manifest:
    """Everything recorded about one run; :meth:`to_json` gives the file's bytes."""

    run_id: str
    run_date: str
    status: str
    config: dict[str, Any]
    fingerprint: str
    lsh: dict[str, Any]
    dedup: dict[str, Any] = field(default_factory=dict)
    """The survivor policy and its fallback for feeds without ``published``
    (:func:`survivor_fallback`), the threshold, a similarity histogram of the removed copies,
    removals by method and cluster sizes (:func:`normnews.runstats.duplicate_stats`)."""
    inputs: list[dict[str, Any]] = field(default_factory=list)
    skipped_inputs: int = 0
    counts: dict[str, Any] = field(default_factory=dict)
    text: dict[str, Any] = field(default_factory=dict)
    """Words in and removed per step, the articles that lost most (:mod:`normnews.runstats`)."""
    learned_lines: list[dict[str, Any]] = field(default_factory=list)
    """Lines removed as learned boilerplate: text, site, articles (most removed first)."""
    outputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    started_at: str = ""
    finished_at: str = ""
    versions: dict[str, str] = field(default_factory=library_versions)

    def to_dict(self) -> dict[str, Any]:
        """The manifest as JSON-ready data."""
        return {
            "manifest_version": MANIFEST_VERSION,
            "run_id": self.run_id,
            "run_date": self.run_date,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "versions": self.versions,
            "config": self.config,
            "config_fingerprint": self.fingerprint,
            "lsh": self.lsh,
            "dedup": self.dedup,
            "inputs": self.inputs,
            "skipped_inputs": self.skipped_inputs,
            "counts": self.counts,
            "text": self.text,
            "learned_lines": self.learned_lines,
            "outputs": self.outputs,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def to_json(self) -> bytes:
        """Pretty, stable JSON (UTF-8)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


_LISTED_FEEDS = 100


def survivor_fallback(survivor: tuple[str, ...], undated: list[str]) -> dict[str, Any]:
    """The survivor policy as applied, for the manifest: which feeds had no ``published``.

    For a feed whose articles all lack a publication time, the ``published`` key ties and the
    keys after it decide which copy is kept; the manifest says so, feed by feed.

    Args:
        survivor: The configured survivor keys, in order.
        undated: Input files (relative paths) none of whose articles had ``published``.

    Returns:
        ``{"survivor": [...], "survivor_fallback": {...}}``.

    >>> survivor_fallback(("correction", "published", "length", "input_order"), ["a.jsonl"])
    ... # doctest: +NORMALIZE_WHITESPACE
    {'survivor': ['correction', 'published', 'length', 'input_order'],
     'survivor_fallback': {'feeds_without_published': 1, 'feeds': ['a.jsonl'],
     'rule': ['correction', 'length', 'input_order']}}
    """
    out: dict[str, Any] = {"survivor": list(survivor)}
    if undated and "published" in survivor:
        out["survivor_fallback"] = {
            "feeds_without_published": len(undated),
            "feeds": undated[:_LISTED_FEEDS],
            "rule": [k for k in survivor if k != "published"],
        }
    return out


def manifest_path(out: Path, run_id: str) -> Path:
    """Where the manifest of ``run_id`` lives."""
    return out / "_runs" / f"{run_id}.json"
