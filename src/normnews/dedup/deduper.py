"""The run-level deduplicator: exact keys, LSH candidates, verification, survivor clustering.

Per article it holds numpy columns only: exact key (8 bytes), published time (8), length (8),
a flags byte, id (bytes), uint64 band keys (25 MinHash bands + 4 sentence bands = 232 bytes by
default) and the signature row: the MinHash signature (``num_perm`` x 4 = 512 bytes) followed by
the evidence row (``evidence.WIDTH`` x 4 = 404 bytes), which goes to a flat file in
``spill_dir`` when one is given (see ``benchmarks/results/dedup.md``). Nothing is quadratic:
candidates come from sorting band keys with a bucket cap, and only the rows of articles in
candidate pairs are read back.

Order of work in :meth:`Deduper.resolve`:

1. rank every article by the survivor policy (``DedupConfig.survivor``, input order last);
2. exact groups (same exact key): the best-ranked member represents the group;
3. history: representatives whose exact key is in history are exact copies of the oldest
   history article with it; the others probe history for LSH candidates;
4. LSH candidates among the remaining representatives (``candidates.bucket_pairs``);
5. verification (``verify``: text rules and agreeing values) and clustering (``clusters``);
   history articles rank before every new one;
6. exact copies follow their representative: to it when it is kept, else to what it copies.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from normnews.config import DedupConfig
from normnews.dedup.candidates import band_keys, bucket_pairs, effective_params
from normnews.dedup.clusters import Match, cluster, estimates, template_mask
from normnews.dedup.evidence import (
    EDIT,
    FLAG_CORRECTION,
    FLAGS,
    SENTENCE_BANDS,
    WIDTH,
    sentence_band_keys,
    unknown_rows,
)
from normnews.dedup.history import HistoryIndex, HistoryMatches, PartitionWriter
from normnews.dedup.verify import REASONS, needs_edit_rule, verify

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_NO_DATE = np.iinfo(np.int64).max
_VERIFY_CHUNK = 64 * 1024
_READ_CHUNK = 64 * 1024
_PAIR_BUDGET = 16 * 1024 * 1024
"""Candidate pairs (8 bytes each) held band by band before they are merged into one set."""


class Deduper:
    """Collects a run's articles batch by batch and decides which ones are copies.

    Args:
        cfg: Dedup settings.
        history: Articles kept by earlier runs (they always win), or ``None``.
        spill_dir: A directory for the signature file; ``None`` keeps signatures in memory.

    Example:
        >>> from normnews.dedup.signatures import Signer
        >>> from normnews.dedup.shingles import exact_key
        >>> cfg = DedupConfig()
        >>> texts = ["The bank held rates at 4.75% on Thursday, citing slower growth.",
        ...          "THE BANK held rates at 4.75 % on Thursday citing slower growth",
        ...          "A storm closed schools across the region on Monday morning."]
        >>> d = Deduper(cfg)
        >>> d.add_batch(["a", "b", "c"], [exact_key(t) for t in texts],
        ...             Signer(cfg).signatures(texts), [None, None, None], [len(t) for t in texts])
        >>> d.resolve()
        {1: Match(duplicate_of='a', similarity=1.0, method='exact', reason='exact')}
    """

    def __init__(
        self, cfg: DedupConfig, history: HistoryIndex | None = None, spill_dir: Path | None = None
    ) -> None:
        self.cfg = cfg
        self.history = history
        self.bands, self.rows = effective_params(cfg)
        self.width = cfg.num_perm + WIDTH
        self._n = 0
        self._flags: list[npt.NDArray[np.uint8]] = []
        self._ids: list[npt.NDArray[np.bytes_]] = []
        self._exact: list[U64] = []
        self._published: list[I64] = []
        self._lengths: list[I64] = []
        self._keys: list[U64] = []
        self._sigs: list[U32] = []
        self._spill_path: Path | None = None
        self._spill: BinaryIO | None = None
        if spill_dir is not None:
            spill_dir.mkdir(parents=True, exist_ok=True)
            self._spill_path = spill_dir / f"signatures-{os.getpid()}-{id(self)}.u32"
            self._spill = self._spill_path.open("wb")

    def __len__(self) -> int:
        return self._n

    def add_batch(
        self,
        article_ids: list[str],
        exact_keys: list[int],
        signatures: U32,
        published_us: list[int | None],
        lengths: list[int],
        evidence: U32 | None = None,
    ) -> None:
        """Add the next articles, in input order.

        Args:
            article_ids: Their ids.
            exact_keys: ``exact_key(text)`` of each.
            signatures: ``(n, num_perm)`` uint32 from :class:`~normnews.dedup.Signer`.
            published_us: Publication time in microseconds since the epoch, or ``None``.
            lengths: Length of each cleaned text (characters).
            evidence: ``(n, evidence.WIDTH)`` uint32 from
                :class:`~normnews.dedup.evidence.EvidenceMaker`; ``None`` decides on the
                signatures alone (no value check, no edited rule).

        Raises:
            ValueError: The inputs disagree in length or the signatures in shape or type.
        """
        n = len(article_ids)
        sigs = np.asarray(signatures)
        if not (len(exact_keys) == len(published_us) == len(lengths) == n):
            raise ValueError(
                f"add_batch got {n} ids, {len(exact_keys)} exact keys, "
                f"{len(published_us)} published values and {len(lengths)} lengths; "
                "pass one of each per article."
            )
        if sigs.dtype != np.uint32 or sigs.shape != (n, self.cfg.num_perm):
            raise ValueError(
                f"signatures must be uint32 of shape ({n}, {self.cfg.num_perm}); got "
                f"{sigs.dtype} {sigs.shape}. Use Signer(cfg) with this run's DedupConfig."
            )
        if n == 0:
            return
        ev = (
            unknown_rows(np.array(exact_keys, dtype=np.uint64))
            if evidence is None
            else np.asarray(evidence, dtype=np.uint32)
        )
        if ev.shape != (n, WIDTH):
            raise ValueError(
                f"evidence must be uint32 of shape ({n}, {WIDTH}); got {ev.shape}. "
                "Use EvidenceMaker(cfg).rows(...)."
            )
        rows = np.concatenate([sigs, ev], axis=1)
        self._flags.append((ev[:, FLAGS] & FLAG_CORRECTION).astype(np.uint8))
        self._ids.append(np.array([i.encode("utf-8") for i in article_ids], dtype=np.bytes_))
        self._exact.append(np.array(exact_keys, dtype=np.uint64))
        self._published.append(
            np.array([_NO_DATE if p is None else p for p in published_us], dtype=np.int64)
        )
        self._lengths.append(np.array(lengths, dtype=np.int64))
        self._keys.append(
            np.concatenate([band_keys(sigs, self.bands, self.rows), sentence_band_keys(ev)], axis=1)
        )
        if self._spill is not None:
            self._spill.write(np.ascontiguousarray(rows).tobytes())
        else:
            self._sigs.append(rows)
        self._n += n

    # -- reading back ---------------------------------------------------------------------

    def _signature_store(self) -> U32:
        if self._spill is not None and self._spill_path is not None:
            self._spill.flush()
            if self._n == 0:
                return np.empty((0, self.width), dtype=np.uint32)
            return np.memmap(
                self._spill_path, dtype=np.uint32, mode="r", shape=(self._n, self.width)
            )
        if not self._sigs:
            return np.empty((0, self.width), dtype=np.uint32)
        if len(self._sigs) > 1:
            self._sigs = [np.concatenate(self._sigs)]
        return self._sigs[0]

    def article_id(self, index: int) -> str:
        """The id of the article added at run position ``index``.

        Args:
            index: 0-based position in input order.

        Returns:
            Its ``article_id``.
        """
        offsets = np.cumsum([len(c) for c in self._ids])
        chunk = int(np.searchsorted(offsets, index, side="right"))
        start = int(offsets[chunk - 1]) if chunk else 0
        return bytes(self._ids[chunk][index - start]).decode("utf-8")

    def _id_lookup(self, indices: list[int]) -> dict[int, str]:
        offsets = np.cumsum([len(c) for c in self._ids])
        out = {}
        for index in sorted(set(indices)):
            chunk = int(np.searchsorted(offsets, index, side="right"))
            start = int(offsets[chunk - 1]) if chunk else 0
            out[index] = bytes(self._ids[chunk][index - start]).decode("utf-8")
        return out

    def ranks(self) -> I64:
        """Survivor rank of every article (0 is kept first), per ``cfg.survivor``.

        Returns:
            int64 array, a permutation of ``range(len(self))``.
        """
        n = self._n
        columns = {
            "correction": -_cat(self._flags, np.uint8).astype(np.int64),
            "published": _cat(self._published, np.int64),
            "length": -_cat(self._lengths, np.int64),
            "input_order": np.arange(n, dtype=np.int64),
        }
        keys = [columns[k] for k in self.cfg.survivor]
        if "input_order" not in self.cfg.survivor:
            keys.append(columns["input_order"])
        order = np.lexsort(tuple(reversed(keys)))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n, dtype=np.int64)
        return rank

    def _take_band_keys(self) -> U64:
        """All band keys as one ``(n, bands)`` array, freeing the chunks while copying.

        Copying chunk by chunk (instead of ``np.concatenate``) keeps the peak at one copy
        plus one chunk; ``resolve`` can therefore run only once.
        """
        keys = np.empty((self._n, self.bands + SENTENCE_BANDS), dtype=np.uint64)
        start = 0
        while self._keys:
            chunk = self._keys.pop(0)
            keys[start : start + len(chunk)] = chunk
            start += len(chunk)
        return keys

    # -- deciding -------------------------------------------------------------------------

    def resolve(self) -> dict[int, Match]:
        """Decide which articles are copies. Call once: the band keys are consumed.

        Returns:
            ``{run index: Match}`` for every removed article; all others are kept.
        """
        n = self._n
        if n == 0:
            return {}
        rank = self.ranks()
        exact = _cat(self._exact, np.uint64)
        order = np.lexsort((rank, exact))
        first = np.r_[True, exact[order][1:] != exact[order][:-1]]
        group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
        rep_of = np.empty(n, dtype=np.int64)
        rep_of[order] = order[group_start]
        reps = np.flatnonzero(rep_of == np.arange(n)).astype(np.int64)
        keys = self._take_band_keys()

        hist_exact: dict[int, str] = {}
        matches: HistoryMatches | None = None
        if self.history is not None and self.history.files:
            matches = self.history.probe(exact[reps], keys[reps], cap=self.cfg.bucket_cap)
            for pos, hid in zip(matches.exact_run.tolist(), matches.exact_ids, strict=True):
                hist_exact[int(reps[pos])] = hid
        active = (
            np.array([r for r in reps.tolist() if r not in hist_exact], dtype=np.int64)
            if hist_exact
            else reps
        )

        # One sort over all bands' pairs at the end, not a union per band (which re-sorts the
        # growing set every band); the bands' pairs are merged early only when they hold more
        # than a budget, which bounds the memory when many bands repeat the same pairs.
        packed_parts = [np.empty(0, dtype=np.int64)]
        held = 0
        active = active[np.argsort(rank[active], kind="stable")]  # rank order, once
        for b in range(self.bands + SENTENCE_BANDS):
            child, parent = bucket_pairs(keys[active, b], None, self.cfg.bucket_cap)
            if len(child):
                packed_parts.append(np.unique(active[child] * n + active[parent]))
                held += len(packed_parts[-1])
            if held > _PAIR_BUDGET:
                packed_parts = [np.unique(np.concatenate(packed_parts))]
                held = len(packed_parts[0])
        del keys
        pair_keys = np.unique(np.concatenate(packed_parts))
        del packed_parts
        child_all = pair_keys // n
        parent_all = pair_keys % n

        h_run = np.empty(0, dtype=np.int64)
        h_hist = np.empty(0, dtype=np.int64)
        hist_ids: list[str] = []
        hist_sigs = np.empty((0, self.width), dtype=np.uint32)
        if matches is not None and len(matches.pair_run):
            run_idx = reps[matches.pair_run]
            keep = np.isin(run_idx, active)
            h_run, h_hist = run_idx[keep], matches.pair_hist[keep]
            hist_ids, hist_sigs = matches.hist_ids, matches.hist_signatures

        removed_near = self._verify_and_cluster(
            rank, child_all, parent_all, h_run, h_hist, hist_sigs
        )
        return self._matches(rep_of, hist_exact, removed_near, hist_ids)

    def _verify_and_cluster(
        self,
        rank: I64,
        child: I64,
        parent: I64,
        h_run: I64,
        h_hist: I64,
        hist_sigs: U32,
    ) -> dict[int, tuple[int, float, str]]:
        """Verified near-duplicate decisions; history nodes are numbered ``n + j``."""
        n = self._n
        p = self.cfg.num_perm
        involved = np.unique(np.concatenate([child, parent, h_run]))
        if not len(involved):
            return {}
        store = self._signature_store()
        run_rows = np.empty((len(involved), self.width), dtype=np.uint32)
        for start in range(0, len(involved), _READ_CHUNK):
            part = involved[start : start + _READ_CHUNK]
            run_rows[start : start + len(part)] = store[part]
        del store
        rows = np.concatenate([run_rows, hist_sigs]) if len(hist_sigs) else run_rows
        del run_rows
        tmpl = template_mask(rows[:, :p], self.cfg.template_min_docs)
        a = np.concatenate([np.searchsorted(involved, child), np.searchsorted(involved, h_run)])
        b = np.concatenate([np.searchsorted(involved, parent), len(involved) + h_hist])
        # Template values of the edit signatures, among the articles of the pairs that only the
        # edited rule could accept (sorting all 64 columns of every involved row costs more).
        sim = np.empty(len(a), dtype=np.float64)
        cont = np.empty(len(a), dtype=np.float64)
        for start in range(0, len(a), _VERIFY_CHUNK):
            ia, ib = a[start : start + _VERIFY_CHUNK], b[start : start + _VERIFY_CHUNK]
            est, _, est_cont = estimates(rows[ia, :p], rows[ib, :p], tmpl[ia], tmpl[ib])
            sim[start : start + len(ia)] = est
            cont[start : start + len(ia)] = est_cont
        need = needs_edit_rule(sim, cont, self.cfg)
        edit_cols = np.arange(p, self.width)[EDIT]
        edit_tmpl = np.zeros((len(rows), len(edit_cols)), dtype=bool)
        edit_rows = np.unique(np.concatenate([a[need], b[need]]))
        if len(edit_rows):
            edit_tmpl[edit_rows] = template_mask(
                rows[np.ix_(edit_rows, edit_cols)], self.cfg.template_min_docs
            )
        ok = np.empty(len(a), dtype=bool)
        codes = np.empty(len(a), dtype=np.int64)
        for start in range(0, len(a), _VERIFY_CHUNK):
            ia, ib = a[start : start + _VERIFY_CHUNK], b[start : start + _VERIFY_CHUNK]
            stop = start + len(ia)
            ra, rb = rows[ia], rows[ib]
            acc, _, reason = verify(
                ra[:, :p],
                rb[:, :p],
                tmpl[ia],
                tmpl[ib],
                ra[:, p:],
                rb[:, p:],
                self.cfg,
                edit_tmpl[ia],
                edit_tmpl[ib],
                (sim[start:stop], cont[start:stop]),
            )
            ok[start:stop], codes[start:stop] = acc, reason
        h = len(hist_sigs)
        # History rows rank before every run article, oldest first.
        local_rank = np.concatenate([rank[involved], np.arange(h, dtype=np.int64) - h])
        decided = cluster(local_rank, a[ok], b[ok], sim[ok])
        edge_reason = {
            (min(x, y), max(x, y)): r
            for x, y, r in zip(a[ok].tolist(), b[ok].tolist(), codes[ok].tolist(), strict=True)
        }
        out: dict[int, tuple[int, float, str]] = {}
        for node, (target, s) in decided.items():
            run_node = int(involved[node])
            tgt = int(involved[target]) if target < len(involved) else n + target - len(involved)
            out[run_node] = (tgt, s, REASONS[edge_reason[(min(node, target), max(node, target))]])
        return out

    def _matches(
        self,
        rep_of: I64,
        hist_exact: dict[int, str],
        near: dict[int, tuple[int, float, str]],
        hist_ids: list[str],
    ) -> dict[int, Match]:
        n = self._n
        targets = [t for t, _, _ in near.values() if t < n]
        targets += [int(r) for r in np.unique(rep_of[rep_of != np.arange(n)]).tolist()]
        ids = self._id_lookup(targets)
        flags = _cat(self._flags, np.uint8)

        def name(node: int) -> str:
            return ids[node] if node < n else hist_ids[node - n]

        result: dict[int, Match] = {}
        for node, (target, s, why) in near.items():
            result[node] = Match(name(target), round(s, 6), "near", why)
        for i in np.flatnonzero(rep_of != np.arange(n)).tolist():
            rep = int(rep_of[i])
            if rep in hist_exact:
                continue
            if rep in near:
                target, s, why = near[rep]
                result[i] = Match(name(target), round(s, 6), "near", why)
            else:
                # Same text; the copy kept is the marked correction when there is one.
                why = "corrected" if flags[rep] and not flags[i] else "exact"
                result[i] = Match(ids[rep], 1.0, "exact", why)
        if hist_exact:
            for i, rep in enumerate(rep_of.tolist()):
                if rep in hist_exact:
                    result[i] = Match(hist_exact[rep], 1.0, "exact", "exact")
        return dict(sorted(result.items()))

    # -- after the run --------------------------------------------------------------------

    def write_history(
        self, state_dir: Path, run_date: date, removed: dict[int, Match], part: str = "part-0"
    ) -> Path:
        """Write this run's kept articles as a history partition (see ``history``).

        Args:
            state_dir: The staging ``_state`` directory.
            run_date: The run's ``datetime.date``.
            removed: What :meth:`resolve` returned.
            part: The part file's name (``part-<run_id>``), one per run of a date.

        Returns:
            The partition file written.
        """
        writer = PartitionWriter(state_dir, run_date, self.cfg, part)
        store = self._signature_store()
        exact = _cat(self._exact, np.uint64)
        ids = _cat(self._ids, np.bytes_)
        # Fixed windows, not the batches articles arrived in: the file's row groups (and so
        # its bytes) must not depend on --batch-size.
        for start in range(0, self._n, _HISTORY_WINDOW):
            stop = min(start + _HISTORY_WINDOW, self._n)
            idx = np.array([i for i in range(start, stop) if i not in removed], dtype=np.intp)
            writer.write(
                [bytes(x).decode("utf-8") for x in ids[idx]],
                exact[idx],
                np.asarray(store[idx]),
            )
        return writer.close()

    def close(self) -> None:
        """Remove the signature spill file."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None
        if self._spill_path is not None:
            self._spill_path.unlink(missing_ok=True)
            self._spill_path = None


_HISTORY_WINDOW = 65_536


def _cat(chunks: list[npt.NDArray[Any]], dtype: type[Any]) -> npt.NDArray[Any]:
    if not chunks:
        return np.empty(0, dtype=dtype)
    return np.concatenate(chunks).astype(dtype, copy=False)
