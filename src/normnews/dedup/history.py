"""The history index: LSH band keys and signatures of every article kept by earlier runs.

Layout under the state directory (Parquet, never pickle: a pickle from a shared folder runs
code when loaded)::

    _state/history/_header.json
    _state/history/run_date=YYYY-MM-DD/part-<run_id>.parquet  (one row per kept article; one
                                                             part per run of that date)

Columns: ``article_id``, ``exact_key`` (uint64), ``band_000``... (uint64 LSH band keys: the
MinHash bands, then the evidence's sentence bands), ``sig_000``... (uint32 MinHash values) and
``ev_000``... (the uint32 evidence row of :mod:`normnews.dedup.evidence`). The header (also
stored as key/value metadata in each file) records everything that changes signature or
band-key values: datasketch version, scheme, seed, num_perm, bands, rows, shingle spec, shingle
hash, band-key hash, the normal-form version and the evidence layout.
:meth:`HistoryIndex.open` refuses a mismatching header with
:class:`~normnews.errors.StateMismatch` rather than silently comparing incompatible values.

**As-of semantics.** A run for date D reads only partitions with ``run_date < D``, so rerunning
D (a crash, an Airflow retry, a backfill) sees the same history as the first attempt did.

**Probing streams.** :meth:`HistoryIndex.probe` reads the exact-key and band-key columns batch by
batch, keeps the rows whose keys occur among the run's keys, then reads ids and signatures of
those rows only. Memory is one batch plus the matches, whatever the history size.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from normnews import schema
from normnews.config import DedupConfig
from normnews.dedup.candidates import BAND_HASH_NAME, band_keys, effective_params
from normnews.dedup.evidence import (
    EVIDENCE_VERSION,
    SENTENCE_BANDS,
    WIDTH,
    EvidenceMaker,
    sentence_band_keys,
    unknown_rows,
)
from normnews.dedup.shinglehash import SHINGLE_HASH_NAME
from normnews.dedup.shingles import NORMAL_FORM_VERSION, exact_key, shingle_spec
from normnews.dedup.signatures import DATASKETCH_VERSION, SCHEME, Signer
from normnews.errors import StateCorrupt, StateMismatch
from normnews.hashing import HASH_NAME

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

FORMAT_VERSION = "1"
"""Version of the history layout itself."""
HEADER_FILE = "_header.json"
HEADER_KEY = "normnews.dedup_history_header"
REBUILD_HINT = (
    "Rebuild the index from the published articles with `normnews index rebuild --out OUT` "
    "(it re-signs every kept article with the current settings), or restore the settings "
    "the index was built with."
)
_PARTITION = re.compile(r"^run_date=(\d{4}-\d{2}-\d{2})$")
_WRITE_ROWS = 64 * 1024
_PROBE_ROWS = 64 * 1024


def band_column(i: int) -> str:
    """Name of the column holding band ``i``'s key.

    >>> band_column(3)
    'band_003'
    """
    return f"band_{i:03d}"


def sig_column(i: int) -> str:
    """Name of the column holding MinHash value ``i``.

    >>> sig_column(127)
    'sig_127'
    """
    return f"sig_{i:03d}"


def ev_column(i: int) -> str:
    """Name of the column holding evidence value ``i``.

    >>> ev_column(0)
    'ev_000'
    """
    return f"ev_{i:03d}"


def row_columns(num_perm: int) -> list[str]:
    """The uint32 columns of a history row: signature, then evidence.

    >>> row_columns(16)[15:17]
    ['sig_015', 'ev_000']
    """
    return [sig_column(i) for i in range(num_perm)] + [ev_column(i) for i in range(WIDTH)]


def key_columns(bands: int) -> list[str]:
    """The band-key columns for ``bands`` MinHash bands plus the sentence bands.

    >>> key_columns(25)[-1]
    'band_032'
    """
    return [band_column(b) for b in range(bands + SENTENCE_BANDS)]


def header_for(cfg: DedupConfig) -> dict[str, str]:
    """The header an index built with ``cfg`` carries (all values strings).

    Args:
        cfg: Dedup settings.

    Returns:
        The header mapping.

    >>> h = header_for(DedupConfig())
    >>> h["scheme"], h["num_perm"], h["bands"], h["rows"]
    ('affine32', '128', '25', '5')
    """
    bands, rows = effective_params(cfg)
    return {
        "format_version": FORMAT_VERSION,
        "datasketch_version": DATASKETCH_VERSION,
        "scheme": SCHEME,
        "seed": str(cfg.seed),
        "num_perm": str(cfg.num_perm),
        "bands": str(bands),
        "rows": str(rows),
        "shingles": shingle_spec(cfg.shingle_size, cfg.char_shingle_size),
        "shingle_hash": SHINGLE_HASH_NAME,
        "band_hash": BAND_HASH_NAME,
        "exact_hash": HASH_NAME,
        "normal_form_version": NORMAL_FORM_VERSION,
        "evidence": EVIDENCE_VERSION,
    }


def _mismatch(found: dict[str, str], expected: dict[str, str], where: Path) -> StateMismatch:
    diffs = [
        f"{key}: index has {found.get(key)!r}, config needs {expected[key]!r}"
        for key in sorted(expected)
        if found.get(key) != expected[key]
    ]
    return StateMismatch(
        f"the dedup history index at {where} was built with different settings "
        f"({'; '.join(diffs)}). Its signatures cannot be compared with this run's. {REBUILD_HINT}"
    )


def _check_header(history_dir: Path, expected: dict[str, str]) -> None:
    path = history_dir / HEADER_FILE
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    # A header that is gone or unreadable is damaged state (exit 74), not other settings (2).
    except FileNotFoundError:
        raise StateCorrupt(
            f"the dedup history index at {history_dir} has partitions but no {HEADER_FILE}; "
            f"its settings are unknown. {REBUILD_HINT}"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StateCorrupt(f"{path} is damaged: not valid JSON ({exc}). {REBUILD_HINT}") from None
    if found != expected:
        raise _mismatch(found, expected, path)


def _partitions(history_dir: Path) -> list[tuple[date, Path]]:
    out = []
    if history_dir.is_dir():
        for entry in history_dir.iterdir():
            m = _PARTITION.match(entry.name)
            if m and entry.is_dir():
                out.append((date.fromisoformat(m.group(1)), entry))
    return sorted(out)


def _part_files(partition: Path) -> list[Path]:
    return sorted(p for p in partition.glob("*.parquet") if not p.name.startswith("."))


@dataclass(frozen=True)
class HistoryMatches:
    """What a probe found in history for a batch of run articles.

    Attributes:
        exact_run: Positions (in the probed arrays) of run articles whose exact key is in
            history.
        exact_ids: For each of those, the ``article_id`` of the oldest history article with
            that key.
        pair_run: Positions of run articles in candidate pairs with history rows.
        pair_hist: For each pair, the index into ``hist_ids``/``hist_signatures``.
        hist_ids: Ids of the history rows taking part in pairs, oldest first.
        hist_signatures: Their rows (signature then evidence),
            ``(len(hist_ids), num_perm + evidence.WIDTH)`` uint32.
    """

    exact_run: I64
    exact_ids: list[str]
    pair_run: I64
    pair_hist: I64
    hist_ids: list[str]
    hist_signatures: U32


class HistoryIndex:
    """The history partitions visible to one run (``run_date < before``).

    Use :meth:`open`; the constructor takes already-checked parts.

    Args:
        files: Partition files, oldest first.
        cfg: Dedup settings the files were checked against.
    """

    def __init__(self, files: list[Path], cfg: DedupConfig) -> None:
        self.files = files
        self.cfg = cfg
        lsh_bands, self.rows = effective_params(cfg)
        self.bands = lsh_bands + SENTENCE_BANDS

    @classmethod
    def open(
        cls, state_dir: Path, cfg: DedupConfig, before: date, *, include_day: bool = False
    ) -> HistoryIndex:
        """Open the history under ``state_dir`` as of a run date.

        Args:
            state_dir: The ``_state`` directory (may not exist yet: an empty history).
            cfg: This run's dedup settings.
            before: Only partitions with ``run_date`` strictly before this date are read...
            include_day: ...and, when true, also the parts of ``before`` itself that earlier
                runs of that date wrote (hourly runs dedup against the same day's output).

        Returns:
            The index.

        Raises:
            StateMismatch: The header (file or any partition's metadata) differs from what
                ``cfg`` needs, or partitions exist without a header.
        """
        history_dir = state_dir / "history"
        parts = _partitions(history_dir)
        expected = header_for(cfg)
        if parts or (history_dir / HEADER_FILE).exists():
            _check_header(history_dir, expected)
        files: list[Path] = []
        for run_date, partition in parts:
            if run_date > before or (run_date == before and not include_day):
                continue
            for path in _part_files(partition):
                raw = schema.read_metadata(path).get(HEADER_KEY.encode())
                found = json.loads(raw) if raw else {}
                if found != expected:
                    raise _mismatch(found, expected, path)
                files.append(path)
        return cls(files, cfg)

    def __len__(self) -> int:
        return sum(schema.parquet_num_rows(p) for p in self.files)

    def probe(self, exact_keys: U64, keys: U64, *, cap: int) -> HistoryMatches:
        """Find history rows sharing an exact key or an LSH band key with run articles.

        Args:
            exact_keys: Exact keys of the run articles, shape ``(m,)``.
            keys: Their band keys, shape ``(m, bands)`` (articles matched exactly may be
                left in; they are paired too).
            cap: Per band and key, at most this many history rows are kept (oldest first):
                the same bucket cap as within a run.

        Returns:
            The matches; signatures are read only for history rows in pairs.
        """
        m = len(exact_keys)
        ex_order = np.argsort(exact_keys, kind="stable")
        ex_sorted = exact_keys[ex_order]
        band_sorted: list[tuple[I64, U64, U64]] = []
        for b in range(self.bands):
            order = np.argsort(keys[:, b], kind="stable").astype(np.int64)
            sk = keys[order, b]
            uniq = np.unique(sk)
            band_sorted.append((order, sk, uniq))
        counts = [np.zeros(len(u), dtype=np.int64) for _, _, u in band_sorted]
        exact_first = np.full(m, -1, dtype=np.int64)
        hits_rows: list[I64] = []
        hits_band: list[I64] = []
        hits_uniq: list[I64] = []
        columns = ["exact_key"] + [band_column(b) for b in range(self.bands)]
        base = 0
        for path in self.files:
            for batch in schema.iter_parquet_columns(path, columns, _PROBE_ROWS):
                n = len(batch["exact_key"])
                rows = np.arange(base, base + n, dtype=np.int64)
                _exact_hits(batch["exact_key"], rows, ex_sorted, ex_order, exact_first)
                for b, (_, _, uniq) in enumerate(band_sorted):
                    col = batch[band_column(b)]
                    pos = np.searchsorted(uniq, col)
                    pos[pos == len(uniq)] = 0
                    hit = np.flatnonzero(uniq[pos] == col) if len(uniq) else np.empty(0, int)
                    if not len(hit):
                        continue
                    kidx = pos[hit]
                    keep = _under_cap(kidx, counts[b], cap)
                    hits_rows.append(rows[hit[keep]])
                    hits_band.append(np.full(int(keep.sum()), b, dtype=np.int64))
                    hits_uniq.append(kidx[keep].astype(np.int64))
                base += n
        pair_run, pair_row = _expand_hits(hits_rows, hits_band, hits_uniq, band_sorted)
        ex_run = np.flatnonzero(exact_first >= 0).astype(np.int64)
        need = np.unique(np.concatenate([pair_row, exact_first[ex_run]]))
        ids, sigs = self._fetch(need)
        pair_hist = np.searchsorted(need, pair_row).astype(np.int64)
        in_pairs = np.unique(pair_hist)
        remap = np.full(len(need), -1, dtype=np.int64)
        remap[in_pairs] = np.arange(len(in_pairs))
        exact_ids = [ids[i] for i in np.searchsorted(need, exact_first[ex_run]).tolist()]
        return HistoryMatches(
            exact_run=ex_run,
            exact_ids=exact_ids,
            pair_run=pair_run,
            pair_hist=remap[pair_hist],
            hist_ids=[ids[i] for i in in_pairs.tolist()],
            hist_signatures=sigs[in_pairs],
        )

    def _fetch(self, rows: I64) -> tuple[list[str], U32]:
        """Ids and signatures of the given global rows (sorted, unique)."""
        names = row_columns(self.cfg.num_perm)
        p = len(names)
        ids: list[str] = []
        sigs = np.empty((len(rows), p), dtype=np.uint32)
        if not len(rows):
            return ids, sigs
        columns = ["article_id", *names]
        base = 0
        filled = 0
        for path in self.files:
            n_file = schema.parquet_num_rows(path)
            if filled >= len(rows) or rows[filled] >= base + n_file:
                base += n_file
                continue
            for batch in schema.iter_parquet_columns(path, columns, _PROBE_ROWS):
                n = len(batch["article_id"])
                lo, hi = np.searchsorted(rows, [base, base + n])
                if hi > lo:
                    local = rows[lo:hi] - base
                    ids.extend(str(x) for x in batch["article_id"][local])
                    for i, name in enumerate(names):
                        sigs[lo:hi, i] = batch[name][local]
                    filled = int(hi)
                base += n
        return ids, sigs


def _exact_hits(
    col: U64, rows: I64, ex_sorted: U64, ex_order: npt.NDArray[np.intp], first: I64
) -> None:
    """Record, for each run article, the first history row with its exact key."""
    if not len(ex_sorted):
        return
    lo = np.searchsorted(ex_sorted, col, side="left")
    hi = np.searchsorted(ex_sorted, col, side="right")
    for j in np.flatnonzero(hi > lo).tolist():
        targets = ex_order[lo[j] : hi[j]]
        unset = targets[first[targets] < 0]
        first[unset] = rows[j]


def _under_cap(kidx: npt.NDArray[np.intp], counts: I64, cap: int) -> npt.NDArray[np.bool_]:
    """Which hits keep their key under ``cap`` history rows (first come, first kept)."""
    order = np.argsort(kidx, kind="stable")
    sk = kidx[order]
    start = np.r_[0, np.flatnonzero(sk[1:] != sk[:-1]) + 1]
    run_len = np.diff(np.r_[start, len(sk)])
    within = np.arange(len(sk)) - np.repeat(start, run_len)
    keep_sorted = counts[sk] + within < cap
    keep = np.empty(len(kidx), dtype=bool)
    keep[order] = keep_sorted
    np.add.at(counts, kidx[keep], 1)
    return keep


def _expand_hits(
    hits_rows: list[I64],
    hits_band: list[I64],
    hits_uniq: list[I64],
    band_sorted: list[tuple[I64, U64, U64]],
) -> tuple[I64, I64]:
    """Turn (history row, band, key) hits into unique (run position, history row) pairs."""
    if not hits_rows:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    rows = np.concatenate(hits_rows)
    bands = np.concatenate(hits_band)
    uniq_idx = np.concatenate(hits_uniq)
    run_parts: list[I64] = []
    row_parts: list[I64] = []
    for b, (order, sk, uniq) in enumerate(band_sorted):
        sel = bands == b
        if not sel.any():
            continue
        keys = uniq[uniq_idx[sel]]
        lo = np.searchsorted(sk, keys, side="left")
        hi = np.searchsorted(sk, keys, side="right")
        n = hi - lo
        run_parts.append(order[np.repeat(lo, n) + _ranges(n)])
        row_parts.append(np.repeat(rows[sel], n))
    run = np.concatenate(run_parts)
    row = np.concatenate(row_parts)
    packed = np.unique(np.stack([row, run], axis=1), axis=0)
    return packed[:, 1].astype(np.int64), packed[:, 0].astype(np.int64)


def _ranges(n: npt.NDArray[np.intp]) -> I64:
    """Concatenated ``arange(k)`` for each ``k`` in ``n``."""
    total = int(n.sum())
    first = np.cumsum(n) - n
    return (np.arange(total) - np.repeat(first, n)).astype(np.int64)


class PartitionWriter:
    """Writes one run's kept articles to ``history/run_date=D/<part>.parquet`` in chunks.

    Args:
        state_dir: The (staging) ``_state`` directory to write under.
        run_date: The run's date.
        cfg: Dedup settings (their header is written with the data).
        part: File name (without ``.parquet``): ``part-<run_id>`` so that several runs of one
            date each add their own part.

    Raises:
        StateMismatch: ``state_dir`` already holds a history with another header.
    """

    def __init__(
        self, state_dir: Path, run_date: date, cfg: DedupConfig, part: str = "part-0"
    ) -> None:
        self.cfg = cfg
        self.bands, self.rows = effective_params(cfg)
        history_dir = state_dir / "history"
        header = header_for(cfg)
        header_path = history_dir / HEADER_FILE
        if header_path.exists() or _partitions(history_dir):
            _check_header(history_dir, header)
        history_dir.mkdir(parents=True, exist_ok=True)
        header_path.write_text(json.dumps(header, indent=2, sort_keys=True) + "\n", "utf-8")
        self.path = history_dir / f"run_date={run_date.isoformat()}" / f"{part}.parquet"
        self._schema = schema.history_schema(
            key_columns(self.bands),
            row_columns(cfg.num_perm),
            {HEADER_KEY: json.dumps(header, sort_keys=True)},
        )
        self._sink = schema.ParquetSink(self.path, self._schema)

    def write(self, article_ids: list[str], exact_keys: U64, signatures: U32) -> None:
        """Append kept articles.

        Args:
            article_ids: Their ids.
            exact_keys: Their exact keys (uint64).
            signatures: Their rows: ``(n, num_perm + evidence.WIDTH)`` uint32 (signature,
                then evidence), or bare ``(n, num_perm)`` signatures (their evidence is then
                stored as not computed).
        """
        sigs = np.asarray(signatures, dtype=np.uint32)
        p = self.cfg.num_perm
        if sigs.shape[1] == p:
            sigs = np.concatenate([sigs, unknown_rows(np.asarray(exact_keys, np.uint64))], 1)
        names = row_columns(p)
        key_names = key_columns(self.bands)
        for start in range(0, len(article_ids), _WRITE_ROWS):
            stop = start + _WRITE_ROWS
            part = sigs[start:stop]
            keys = np.concatenate(
                [band_keys(part[:, :p], self.bands, self.rows), sentence_band_keys(part[:, p:])],
                axis=1,
            )
            cols: dict[str, object] = {
                "article_id": list(article_ids[start:stop]),
                "exact_key": np.asarray(exact_keys[start:stop], dtype=np.uint64),
            }
            cols.update({name: keys[:, b] for b, name in enumerate(key_names)})
            cols.update({name: part[:, i] for i, name in enumerate(names)})
            self._sink.write(schema.table_from_columns(cols, self._schema))

    def close(self) -> Path:
        """Finish the file.

        Returns:
            The partition file written.
        """
        self._sink.close()
        return self.path


def write_partition(
    state_dir: Path,
    run_date: date,
    article_ids: list[str],
    exact_keys: U64 | list[int],
    signatures: U32,
    cfg: DedupConfig,
) -> Path:
    """Write a run's kept articles as ``history/run_date=D/part-0.parquet`` under ``state_dir``.

    Args:
        state_dir: The (staging) ``_state`` directory.
        run_date: The run's date; an existing partition of that date is replaced.
        article_ids: Ids of the kept articles.
        exact_keys: Their exact keys.
        signatures: Their signatures, ``(n, num_perm)`` uint32.
        cfg: Dedup settings.

    Returns:
        The file written.

    Raises:
        StateMismatch: ``state_dir`` holds a history built with other settings.
    """
    writer = PartitionWriter(state_dir, run_date, cfg)
    writer.write(article_ids, np.asarray(exact_keys, dtype=np.uint64), signatures)
    return writer.close()


def rebuild_partition_from_texts(
    state_dir: Path,
    run_date: date,
    article_ids: list[str],
    texts: list[str],
    cfg: DedupConfig,
    titles: list[str | None] | None = None,
) -> Path:
    """Re-sign kept articles with ``cfg`` and write their history partition.

    ``normnews index rebuild`` builds a new ``_state/history`` in an empty staging folder by
    calling this once per ``run_date`` partition of the published ``articles`` dataset, with
    the kept articles' ids and cleaned texts of that date.

    Args:
        state_dir: The (staging) ``_state`` directory.
        run_date: The partition's date.
        article_ids: Ids of the kept articles of that date.
        texts: Their cleaned texts, in the same order.
        cfg: The settings to build with.
        titles: Their cleaned titles (the evidence's correction mark reads them), or
            ``None``.

    Returns:
        The file written.
    """
    signer = Signer(cfg)
    maker = EvidenceMaker(cfg)
    writer = PartitionWriter(state_dir, run_date, cfg)
    all_titles: list[str | None] = list(titles) if titles is not None else [None] * len(texts)
    for start in range(0, len(texts), _WRITE_ROWS):
        chunk = texts[start : start + _WRITE_ROWS]
        keys = [exact_key(t) for t in chunk]
        ev = maker.rows(all_titles[start : start + _WRITE_ROWS], chunk, keys)
        rows = np.concatenate([signer.signatures(chunk), ev], axis=1)
        writer.write(
            article_ids[start : start + _WRITE_ROWS], np.array(keys, dtype=np.uint64), rows
        )
    return writer.close()


def stats(state_dir: Path) -> dict[str, object]:
    """What the history under ``state_dir`` holds.

    Args:
        state_dir: The ``_state`` directory.

    Returns:
        ``{"header": ..., "partitions": [{"run_date", "files", "rows"}], "rows": total}``.
    """
    history_dir = state_dir / "history"
    header_path = history_dir / HEADER_FILE
    header = json.loads(header_path.read_text("utf-8")) if header_path.exists() else None
    partitions = []
    for run_date, partition in _partitions(history_dir):
        files = _part_files(partition)
        partitions.append(
            {
                "run_date": run_date.isoformat(),
                "files": len(files),
                "rows": sum(schema.parquet_num_rows(p) for p in files),
            }
        )
    return {
        "header": header,
        "partitions": partitions,
        "rows": sum(int(str(p["rows"])) for p in partitions),
    }


def compact(state_dir: Path) -> list[Path]:
    """Merge the files of each partition into one ``part-0.parquet`` (same rows, same order).

    Partitions stay per ``run_date`` so as-of reads keep working. Run it on a staging copy
    and publish atomically, like any state change.

    Args:
        state_dir: The ``_state`` directory.

    Returns:
        The partitions that were rewritten.
    """
    rewritten = []
    for _, partition in _partitions(state_dir / "history"):
        files = _part_files(partition)
        if len(files) < 2:
            continue
        merged = partition / ".compact.parquet"
        meta = schema.read_metadata(files[0])
        header = json.loads(meta[HEADER_KEY.encode()])
        bands, num_perm = int(header["bands"]), int(header["num_perm"])
        out_schema = schema.history_schema(
            key_columns(bands),
            row_columns(num_perm),
            {HEADER_KEY: meta[HEADER_KEY.encode()].decode()},
        )
        sink = schema.ParquetSink(merged, out_schema)
        for path in files:
            for batch in schema.iter_parquet_columns(path, out_schema.names, _WRITE_ROWS):
                batch["article_id"] = list(batch["article_id"])
                sink.write(schema.table_from_columns(batch, out_schema))
        sink.close()
        for path in files:
            path.unlink()
        merged.rename(partition / "part-0.parquet")
        rewritten.append(partition)
    return rewritten
