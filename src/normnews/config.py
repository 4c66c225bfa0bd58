"""Frozen, documented configuration for a normnews run.

Every setting has one home here. :func:`load_config` is the single translation point from the
outside world: defaults, then a TOML file (``normnews.toml`` or ``[tool.normnews]`` in a
``pyproject.toml``), then the overrides the CLI passes. Nothing else reads files or the
environment for settings.

A TOML file mirrors the dataclasses: top-level keys are :class:`JobConfig` fields, and the
tables ``[repair]``, ``[clean]`` and ``[dedup]`` hold the fields of those sections::

    workers = 2
    max_error_rate = 0.05

    [clean]
    truncation = false

    [dedup]
    threshold = 0.8
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from normnews.errors import ConfigError

SURVIVOR_KEYS = ("correction", "published", "length", "input_order")
"""Keys the survivor policy may combine, in any order (see :class:`DedupConfig`)."""


@dataclass(frozen=True)
class RepairConfig:
    """How text is repaired before cleaning (ftfy plus entity debris).

    Attributes:
        enabled: Run the repair stage at all. Default ``True``.
        uncurl_quotes: Turn typographic quotes into ASCII ones. Default ``False``: analysts
            read the article as published, and the hashing normal form used for dedup
            ignores quote style anyway.
        fix_character_width: Fold full-width Latin letters and half-width katakana to their
            usual width (NFKC-like). Default ``False``: full-width punctuation is ordinary in
            Chinese and Japanese news and must not be rewritten.
        normalization: Unicode normal form applied after repair. Default ``"NFC"`` (composes
            accents without changing compatibility characters such as ``ﬁ`` or ``²``).
        fix_entity_debris: Repair HTML entities that lost their ``&`` or ``;`` on the way
            (``#39;``, ``quot;``, ``&amp;#39;``). Default ``True``: they are common in real
            feeds and ftfy leaves them.
    """

    enabled: bool = True
    uncurl_quotes: bool = False
    fix_character_width: bool = False
    normalization: str = "NFC"
    fix_entity_debris: bool = True

    def __post_init__(self) -> None:
        if self.normalization not in ("NFC", "NFKC", "NFD", "NFKD", "none"):
            raise ConfigError(
                f"repair.normalization is {self.normalization!r}; "
                "use one of NFC, NFKC, NFD, NFKD or none."
            )


@dataclass(frozen=True)
class CleanConfig:
    """Which cleaning steps run, and how they are tuned.

    Attributes:
        reflow: Join hard-wrapped lines into paragraphs. Default ``True``.
        titles: Remove repeats of the title from the body. Default ``True``.
        boilerplate: Remove boilerplate lines (phrase rules and corpus frequency).
            Default ``True``.
        boilerplate_phrases: Use the built-in phrase rules (comment forms, related posts,
            share/subscribe prompts, ad markers, cookie/policy lines, script debris). Default
            ``True``; with ``False`` only corpus frequency and menus remove lines.
        boilerplate_nav_run: Remove runs of at least this many consecutive very short lines
            (at most 4 words, no digits, no sentence punctuation): navigation menus in
            all-visible-text scrapes. Default ``4``: lists in news copy carry numbers or
            punctuation; ``0`` switches the rule off.
        boilerplate_page_trim: On a whole-page scrape (30+ paragraphs, mostly short non-prose
            lines, 10+ furniture lines already found) keep only the main run of prose and what lies
            inside it. Default ``True``: an article never has that shape, a page always does.
        boilerplate_min_articles: A short line seen in at least this many distinct articles
            (of the run plus earlier runs) is boilerplate. Default ``5``: a wire story re-sent
            a few times must not make its own sentences look like a site template. The same
            floors decide the census's other evidence: a short last line that ends this many
            articles is a sign-off (``Reuter``), a title segment that ends this many titles
            is the site's name. Frequency never removes a sentence, a line with figures or a
            table's label.
        boilerplate_min_share: ...and in at least this share of the articles of its site.
            Default ``0.02``.
        boilerplate_max_words: Lines longer than this are never removed on frequency alone.
            Default ``16``: site templates are short; paragraphs of prose are not.
        truncation: Remove the incomplete trailing sentence of paragraphs cut by the scraper.
            Default ``True``.
        min_words: An article whose cleaned body has fewer words is rejected as empty.
            Default ``1``.
    """

    reflow: bool = True
    titles: bool = True
    boilerplate: bool = True
    boilerplate_min_articles: int = 5
    boilerplate_min_share: float = 0.02
    boilerplate_max_words: int = 16
    boilerplate_phrases: bool = True
    boilerplate_nav_run: int = 4
    boilerplate_page_trim: bool = True
    truncation: bool = True
    min_words: int = 1

    def __post_init__(self) -> None:
        if self.boilerplate_min_articles < 2:
            raise ConfigError(
                f"clean.boilerplate_min_articles is {self.boilerplate_min_articles}; it must be "
                "at least 2, or every line of every article would count as repeated."
            )
        if not 0.0 <= self.boilerplate_min_share <= 1.0:
            raise ConfigError(
                f"clean.boilerplate_min_share is {self.boilerplate_min_share}; use 0.0 to 1.0."
            )
        if self.boilerplate_nav_run < 0 or self.boilerplate_nav_run == 1:
            raise ConfigError(
                f"clean.boilerplate_nav_run is {self.boilerplate_nav_run}; use 0 (off) or 2+, "
                "since a single short line is not a menu."
            )
        if self.min_words < 0:
            raise ConfigError(f"clean.min_words is {self.min_words}; it cannot be negative.")


@dataclass(frozen=True)
class DedupConfig:
    """Exact and near-duplicate removal (MinHash LSH, datasketch 2.x).

    Attributes:
        enabled: Run deduplication at all. Default ``True``.
        threshold: Jaccard similarity of shingle sets at or above which two articles are
            near-duplicates. Default ``0.7``: wire re-sends and re-headlined copies sit
            above 0.8; distinct stories on one topic sit below 0.3.
        num_perm: MinHash permutations. Default ``128`` (estimate error ~0.04 at J=0.7).
        bands: LSH bands; ``None`` picks bands×rows from ``threshold`` (see
            ``normnews.dedup.lsh_params``). Must be set together with ``rows``.
        rows: LSH rows per band; ``None`` as for ``bands``.
        shingle_size: Words per shingle for space-separated scripts. Default ``5``.
        char_shingle_size: Characters per shingle for scripts written without spaces
            (Chinese, Japanese, Thai). Default ``5``.
        seed: MinHash seed. Fixed so signatures are comparable across runs. Default ``1``.
        survivor: Order of keys that choose which copy is kept. Default
            ``("correction", "published", "length", "input_order")``: an item marked as a
            correction or repeat (``CORRECTED -``, ``RPT``) first, then earliest published,
            then longest clean text, then first in input order. When ``published`` is null
            for every article of a feed, that key ties and the next one decides (the
            manifest's ``dedup.survivor_fallback`` names those feeds).
        history: Also deduplicate against articles kept by earlier runs. Default ``True``.
        bucket_cap: In an LSH bucket, each article is compared with at most this many
            better-ranked members. Default ``64``: a bucket of 10,000 template pages costs
            640,000 comparisons instead of 50 million, while real copies, which share almost
            every band, still meet in their small buckets.
        template_min_docs: A MinHash value shared by at least this many articles in candidate
            pairs counts as template text and is discounted when verifying a pair (see
            ``normnews.dedup.clusters``). Default ``20``: larger than real copy groups (the
            largest near-copy group in Reuters-21578 has 4 members), small enough to catch
            a site template.
        containment: Share of the smaller article's shingles that must also be in the
            larger one for the containment rule: a pair below ``threshold`` is still a copy
            when one text (nearly) contains the other and their Jaccard similarity is at least
            ``containment_min_jaccard``. Default ``0.9``: a copy that dropped a paragraph or
            the last sentences of a short story has Jaccard 0.5-0.7 but containment ~1.0,
            while different stories on one topic, and copies with edited words (containment
            ~0.8), stay below it. Containment is estimated from the two signatures alone
            (see ``normnews.dedup.clusters``), so no extra state is stored.
        containment_min_jaccard: Least Jaccard similarity for the containment rule.
            Default ``0.5``: the shorter text keeps at least about half of the longer one.
            LSH bands×rows are chosen so that pairs at this similarity become candidates (see
            ``normnews.dedup.lsh_params``); a value at or above ``threshold`` turns the rule
            off and gives the bands×rows of ``threshold`` alone.
        edit_containment: Word-bigram containment of the smaller text in the larger (from
            a 64-permutation bigram MinHash) for the *edited* rule: a pair whose 5-gram
            Jaccard is only ``edit_min_jaccard`` is still a copy when its bigrams are this
            contained. Default ``0.8``: an edited word breaks five 5-gram shingles but two
            bigrams, so a copy with a dropped paragraph and edited words keeps its bigrams.
        edit_min_jaccard: Least 5-gram Jaccard estimate for the edited rule. Default
            ``0.3``: different stories on one topic share bigrams but hardly any 5-grams.
        strict_words: Pairs whose shorter text has fewer words than this need exact
            agreement on their values (figures, dates, tickers, capitalised names): short
            formulaic items (dividends, earnings tables, market reports) share their
            template, and the values are the news. Default ``100``.
        figure_tolerance: For longer pairs, the share of the shorter text's facts (figures,
            dates, tickers) that may conflict. Default ``0.2``: a rewrite keeps its facts;
            the same report with other numbers or of another day is other news.
        value_tolerance: For longer pairs, the share of the shorter text's names that may
            conflict (each side has values the other lacks). Default ``0.34``: a copy whose
            edits or lost paragraph touched a few names stays a copy; another story with the
            same words has mostly other values. Items marked
            as corrections or repeats are exempt (a correction changes a figure).
    """

    enabled: bool = True
    threshold: float = 0.7
    num_perm: int = 128
    bands: int | None = None
    rows: int | None = None
    shingle_size: int = 5
    char_shingle_size: int = 5
    seed: int = 1
    survivor: tuple[str, ...] = SURVIVOR_KEYS
    history: bool = True
    bucket_cap: int = 64
    template_min_docs: int = 20
    containment: float = 0.9
    containment_min_jaccard: float = 0.5
    edit_containment: float = 0.8
    edit_min_jaccard: float = 0.3
    strict_words: int = 100
    value_tolerance: float = 0.34
    figure_tolerance: float = 0.2

    def __post_init__(self) -> None:
        if self.bucket_cap < 1:
            raise ConfigError(f"dedup.bucket_cap is {self.bucket_cap}; use 1 or more.")
        if self.template_min_docs < 2:
            raise ConfigError(
                f"dedup.template_min_docs is {self.template_min_docs}; use 2 or more (a value "
                "every article has on its own is not a template)."
            )
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"dedup.threshold is {self.threshold}; use a value in (0, 1].")
        if not 0.0 < self.containment <= 1.0:
            raise ConfigError(f"dedup.containment is {self.containment}; use a value in (0, 1].")
        if not 0.0 < self.containment_min_jaccard <= 1.0:
            raise ConfigError(
                f"dedup.containment_min_jaccard is {self.containment_min_jaccard}; use a value "
                "in (0, 1] (at or above threshold turns the containment rule off)."
            )
        for name in ("edit_containment", "edit_min_jaccard"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ConfigError(f"dedup.{name} is {getattr(self, name)}; use a value in (0, 1].")
        if not 0.0 <= self.value_tolerance <= 1.0:
            raise ConfigError(
                f"dedup.value_tolerance is {self.value_tolerance}; use a value in [0, 1]."
            )
        if not 0.0 <= self.figure_tolerance <= 1.0:
            raise ConfigError(
                f"dedup.figure_tolerance is {self.figure_tolerance}; use a value in [0, 1]."
            )
        if self.strict_words < 0:
            raise ConfigError(f"dedup.strict_words is {self.strict_words}; use 0 or more.")
        if self.num_perm < 16:
            raise ConfigError(f"dedup.num_perm is {self.num_perm}; use at least 16.")
        if (self.bands is None) != (self.rows is None):
            raise ConfigError("dedup.bands and dedup.rows go together: set both or neither.")
        if (
            self.bands is not None
            and self.rows is not None
            and (self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm)
        ):
            raise ConfigError(
                f"dedup.bands×rows is {self.bands}×{self.rows}; both must be positive and "
                f"their product at most num_perm ({self.num_perm})."
            )
        if self.shingle_size < 1 or self.char_shingle_size < 1:
            raise ConfigError("dedup.shingle_size and dedup.char_shingle_size must be >= 1.")
        bad = [k for k in self.survivor if k not in SURVIVOR_KEYS]
        if bad or len(set(self.survivor)) != len(self.survivor) or not self.survivor:
            raise ConfigError(
                f"dedup.survivor is {list(self.survivor)}; use distinct keys from "
                f"{list(SURVIVOR_KEYS)}."
            )


@dataclass(frozen=True)
class LimitsConfig:
    """Bounds on one input, so a hostile or broken file costs a reject, not the machine.

    Past a limit the file (or the record) becomes a ``too_large`` reject; records read before it
    are kept. Memory for one input stays bounded by these values: every reader streams, and
    nothing holds more than one record at a time.

    Attributes:
        max_file_bytes: Decompressed bytes read from one file. Default ``4 GiB``: far above a
            day of any real feed, far below what a decompression bomb (a 47 MB ``.gz`` of
            10 GB) would unpack; the rest of such a file is one ``too_large`` reject.
        max_record_bytes: Bytes of one record: a JSON line, a CSV row, a ``.txt``/``.md``
            article, an item of a ``.json`` array (a larger ``.json`` is streamed item by
            item). Default ``8 MiB``: the longest real article is a few hundred KiB, and
            the per-article stages (repair, clean, signature) need about 60 times a
            record's size at their peak (a 16 MB article: 0.97 GB RSS, measured in
            ``benchmarks/results/reliability.md``), so 8 MiB keeps one record near 0.5 GB.
        max_records_per_file: Records read from one file. Default ``10,000,000``: the rest of
            the file is one ``too_large`` reject. A line format may also have at most four
            times as many physical lines (blank lines, multi-line CSV rows), so a bomb of line
            breaks ends too.
    """

    max_file_bytes: int = 4 * 1024**3
    max_record_bytes: int = 8 * 1024**2
    max_records_per_file: int = 10_000_000

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_record_bytes", "max_records_per_file"):
            if getattr(self, name) < 1:
                raise ConfigError(f"limits.{name} is {getattr(self, name)}; use 1 or more.")


@dataclass(frozen=True)
class FeedMapping:
    """How one feed names its fields, for feeds the built-in names do not cover.

    Declared as a ``[feeds.NAME]`` table. A run uses the mapping named by ``feed`` (``--feed``)
    for every file; without it, each file takes the first mapping (in file order) whose
    ``match`` fits its path, or none.

    Attributes:
        match: A glob on the file's path relative to the input directory (``*`` also crosses
            ``/``). Default ``"*"``: every file.
        title: The field holding the title; tried before the built-in names. Default none.
        text: The field holding the body (e.g. ``"description"``). Default none.
        url: The field holding the link. Default none.
        published: The field holding the publication time. Default none.
        id: The field holding the feed's own id (the ``guid`` column). Default none.
        columns: Names for the columns of a CSV/TSV without a header row; its first row is
            then data. Default empty: the first row is the header.
        delimiter: The CSV/TSV field separator, one character. Default: ``,`` for ``.csv``,
            tab for ``.tsv``.
        quoting: Whether ``"`` quotes fields in CSV/TSV. Default ``True``; ``False`` reads
            quote marks as text (files that never quote but use ``"`` in titles).
        extra: Fields kept as they are in the ``extra`` column (a JSON object of strings),
            e.g. ``["category", "author", "language"]``. Default none.
    """

    match: str = "*"
    title: str | None = None
    text: str | None = None
    url: str | None = None
    published: str | None = None
    id: str | None = None
    columns: tuple[str, ...] = ()
    delimiter: str | None = None
    quoting: bool = True
    extra: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.delimiter is not None and (len(self.delimiter) != 1 or self.delimiter in '\r\n"'):
            raise ConfigError(
                f"delimiter is {self.delimiter!r}; use one character other than a quote or a "
                'line break ("\\t" for tab).'
            )
        if len({c.strip().lower() for c in self.columns}) != len(self.columns):
            raise ConfigError(f"columns {list(self.columns)} repeat a name; name each column once.")


_MAX_BATCH_SIZE = 1_000_000


@dataclass(frozen=True)
class JobConfig:
    """One run: where to read, where to write, and how.

    Attributes:
        input_dir: Directory of input files (walked recursively, sorted, hidden entries
            skipped).
        out_dir: Output root (datasets, manifests and state).
        run_date: The ``run_date=`` partition this run writes. Default: today (UTC).
        workers: Worker processes for the per-article stages; ``0`` means one per core.
        batch_size: Records per batch sent to a worker. Default ``256``.
        reprocess: Process every input file even if the ledger says it was done.
        max_error_rate: Share of input records that may be rejected before the run fails
            with exit code 65. Default ``0.5``: scraped data is messy, but a run where most
            records fail is a broken feed, not a messy one.
        repair: See :class:`RepairConfig`.
        clean: See :class:`CleanConfig`.
        dedup: See :class:`DedupConfig`.
        limits: See :class:`LimitsConfig`.
        allow_empty: An input directory without any file ends the run with exit 99 (nothing
            to do) instead of exit 65. Default ``False``: an empty folder on a schedule is
            usually a feed that did not arrive, which must not look like a skipped day.
        feeds: Field mappings by name (``[feeds.NAME]`` tables, see :class:`FeedMapping`).
        feed: The mapping every file of this run uses (``--feed NAME``). Default none: each
            file takes the first mapping whose ``match`` fits it.
    """

    input_dir: Path
    out_dir: Path
    run_date: date = field(default_factory=lambda: datetime.now(UTC).date())
    workers: int = 0
    batch_size: int = 256
    reprocess: bool = False
    max_error_rate: float = 0.5
    repair: RepairConfig = field(default_factory=RepairConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    allow_empty: bool = False
    feeds: dict[str, FeedMapping] = field(default_factory=dict)
    feed: str | None = None

    def __post_init__(self) -> None:
        if self.feed is not None and self.feed not in self.feeds:
            raise ConfigError(
                f"feed {self.feed!r} is not defined; defined mappings: {sorted(self.feeds)}. "
                f"Add a [feeds.{self.feed}] table to the config."
            )
        if type(self.run_date) is not date:
            # A datetime is a date too, but "run_date=2026-01-01T05:00:00" is no partition.
            raise ConfigError(
                f"run_date is {self.run_date!r}; it must be a calendar date (YYYY-MM-DD), "
                "not a date and time."
            )
        if self.workers < 0:
            raise ConfigError(f"workers is {self.workers}; use 0 (all cores) or more.")
        if not 1 <= self.batch_size <= _MAX_BATCH_SIZE:
            raise ConfigError(
                f"batch_size is {self.batch_size}; use 1 to {_MAX_BATCH_SIZE:,} (a batch is "
                "held in memory)."
            )
        if not 0.0 <= self.max_error_rate <= 1.0:
            raise ConfigError(f"max_error_rate is {self.max_error_rate}; use 0.0 to 1.0.")
        blocker = next((p for p in (self.out_dir, *self.out_dir.parents) if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise ConfigError(
                f"--out {self.out_dir} cannot be an output root: {blocker} is a file. "
                "Give a directory (it is created if missing)."
            )

    def mapping_for(self, relpath: str) -> FeedMapping | None:
        """The field mapping for the input file at ``relpath`` (see :class:`FeedMapping`)."""
        if self.feed is not None:
            return self.feeds[self.feed]
        return next((m for m in self.feeds.values() if fnmatchcase(relpath, m.match)), None)

    @property
    def effective_workers(self) -> int:
        """Worker processes to start: ``workers``, or the usable cores when it is 0."""
        if self.workers:
            return self.workers
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not on Linux
            return max(1, os.cpu_count() or 1)

    def to_dict(self) -> dict[str, Any]:
        """The effective config as JSON-ready data (for the manifest)."""
        raw = dataclasses.asdict(self)
        raw["input_dir"] = str(self.input_dir)
        raw["out_dir"] = str(self.out_dir)
        raw["run_date"] = self.run_date.isoformat()
        raw["dedup"]["survivor"] = list(self.dedup.survivor)
        return raw

    def fingerprint(self) -> str:
        """A hash of everything that changes what the output contains.

        Paths, the run date and the degree of parallelism are left out: moving a directory or
        running on a bigger machine gives the same articles.
        """
        raw = self.to_dict()
        for key in (
            "input_dir",
            "out_dir",
            "run_date",
            "workers",
            "batch_size",
            "reprocess",
            "allow_empty",
            "feed",
        ):
            raw.pop(key)
        if not raw["feeds"]:
            raw.pop("feeds")  # so a config without mappings keeps the fingerprint it had
        blob = json.dumps(raw, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


_SECTIONS: dict[str, type[Any]] = {
    "repair": RepairConfig,
    "clean": CleanConfig,
    "dedup": DedupConfig,
    "limits": LimitsConfig,
}
_TOP_LEVEL = {f.name for f in dataclasses.fields(JobConfig)} - set(_SECTIONS) - {"feeds"}
DEFAULT_CONFIG_NAMES = ("normnews.toml",)


def config_fields() -> dict[str, list[str]]:
    """Every option a config file may set, by section (``""`` for the top level).

    >>> "threshold" in config_fields()["dedup"]
    True
    """
    out = {"": sorted(_TOP_LEVEL - {"input_dir", "out_dir"})}
    for name, cls in _SECTIONS.items():
        out[name] = [f.name for f in dataclasses.fields(cls)]
    out["feeds.NAME"] = [f.name for f in dataclasses.fields(FeedMapping)]
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist; check the --config path.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("normnews", {})
    return data


def _section(cls: type[Any], name: str, values: dict[str, Any]) -> Any:
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"unknown option(s) {unknown} in [{name}]; known options: {sorted(known)}."
        )
    _check_types(cls, name, values)
    if "survivor" in values:
        values = {**values, "survivor": tuple(values["survivor"])}
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"bad value in [{name}]: {exc}") from None


def _type_ok(value: Any, kind: Any) -> bool:
    """Whether a TOML (or flag) value fits a field's annotation, without coercion."""
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        return any(_type_ok(value, k) for k in typing.get_args(kind))
    if kind is type(None):
        return value is None
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is date:
        return type(value) is date or isinstance(value, str)
    if kind is str:
        return isinstance(value, str)
    if kind is Path:
        return isinstance(value, str | Path)
    if typing.get_origin(kind) is tuple:
        inner = typing.get_args(kind)[0]
        return isinstance(value, list | tuple) and all(_type_ok(v, inner) for v in value)
    return True


def _check_types(cls: type[Any], section: str, values: dict[str, Any]) -> None:
    """Refuse a value of the wrong type (``batch_size = 1e9``, a datetime ``run_date``)."""
    hints = typing.get_type_hints(cls)
    where = f"[{section}] " if section else ""
    for key, value in values.items():
        kind = hints.get(key)
        if kind is not None and not _type_ok(value, kind):
            shown = getattr(kind, "__name__", str(kind))
            raise ConfigError(
                f"{where}{key} = {value!r} is a {type(value).__name__}; it must be a {shown}"
                + (" (YYYY-MM-DD, no time of day)" if kind is date else "")
                + "."
            )


def _feeds(value: Any, config_file: Path | None) -> dict[str, FeedMapping]:
    """The ``[feeds.NAME]`` tables as mappings, in file order."""
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(
            f"[feeds] in {config_file} must hold tables, one per feed: [feeds.NAME] with "
            'text = "...", columns = [...], ...'
        )
    feeds = {}
    for name, table in value.items():
        section = f"feeds.{name}"
        mapping = _section(FeedMapping, section, dict(table))
        for key in ("columns", "extra"):
            # Frozen and hashable like every other setting, so the config stays immutable.
            mapping = dataclasses.replace(mapping, **{key: tuple(getattr(mapping, key))})
        feeds[name] = mapping
    return feeds


def find_config_file(start: Path) -> Path | None:
    """The config file used when ``--config`` is not given: ``normnews.toml`` in ``start``."""
    for name in DEFAULT_CONFIG_NAMES:
        candidate = start / name
        if candidate.is_file():
            return candidate
    return None


def load_config(
    config_file: Path | None,
    *,
    input_dir: Path,
    out_dir: Path,
    **overrides: Any,
) -> JobConfig:
    """Build the effective :class:`JobConfig`: defaults < config file < overrides.

    Args:
        config_file: A ``normnews.toml`` (or a ``pyproject.toml`` with ``[tool.normnews]``),
            or ``None`` for defaults only.
        input_dir: The input directory.
        out_dir: The output root.
        **overrides: Values given on the command line. ``None`` means "not given". Dotted
            names (``"dedup.threshold"``) address a section.

    Returns:
        The frozen config.

    Raises:
        ConfigError: The file is missing or invalid, or an option is unknown or out of range.

    >>> cfg = load_config(None, input_dir=Path("in"), out_dir=Path("out"),
    ...                   **{"dedup.threshold": 0.8, "workers": None})
    >>> cfg.dedup.threshold, cfg.workers
    (0.8, 0)
    """
    data: dict[str, Any] = _read_toml(config_file) if config_file else {}
    sections: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for key, value in data.items():
        if key == "feeds":
            top["feeds"] = _feeds(value, config_file)
        elif key in _SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"[{key}] in {config_file} must be a table.")
            sections[key] = dict(value)
        elif key in _TOP_LEVEL - {"input_dir", "out_dir"}:
            top[key] = value
        else:
            raise ConfigError(
                f"unknown option {key!r} in {config_file}; known options: "
                f"{sorted(_TOP_LEVEL - {'input_dir', 'out_dir'})} and tables "
                f"{sorted(_SECTIONS)}."
            )
    for key, value in overrides.items():
        if value is None:
            continue
        section, _, name = key.rpartition(".")
        if section:
            sections.setdefault(section, {})[name] = value
        else:
            top[name] = value
    _check_types(JobConfig, "", top)
    if isinstance(top.get("run_date"), str):
        try:
            top["run_date"] = date.fromisoformat(top["run_date"])
        except ValueError:
            raise ConfigError(
                f"run_date {top['run_date']!r} is not a date; use YYYY-MM-DD."
            ) from None
    built = {name: _section(cls, name, sections.get(name, {})) for name, cls in _SECTIONS.items()}
    try:
        return JobConfig(input_dir=input_dir, out_dir=out_dir, **top, **built)
    except TypeError as exc:
        raise ConfigError(f"bad top-level option: {exc}") from None
