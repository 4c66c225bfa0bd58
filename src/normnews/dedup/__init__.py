"""Deduplication: exact keys, MinHash signatures, LSH candidates, verified clustering, history.

The pipeline uses it in three steps:

1. per article, in workers: ``exact_key(text)``, ``Signer(cfg).signature(text)`` and
   ``EvidenceMaker(cfg).rows(titles, texts)`` (values, sentence keys, edit signature);
2. per run: ``Deduper(cfg, history, spill_dir)``, ``add_batch(...)`` in input order, then
   ``resolve()`` → ``{run index: Match}`` for every removed article;
3. after the run: ``Deduper.write_history(staging_state_dir, run_date, removed)`` (or
   ``write_partition``) so later runs dedup against today's kept articles.
"""

from normnews.dedup.candidates import (
    band_keys,
    bucket_pairs,
    effective_params,
    lsh_params,
    s_curve,
    s_curve_text,
)
from normnews.dedup.clusters import (
    Match,
    accepted,
    cluster,
    estimates,
    template_mask,
)
from normnews.dedup.deduper import Deduper
from normnews.dedup.evidence import EVIDENCE_VERSION, EvidenceMaker, is_correction, values
from normnews.dedup.history import (
    HistoryIndex,
    HistoryMatches,
    PartitionWriter,
    compact,
    header_for,
    rebuild_partition_from_texts,
    stats,
    write_partition,
)
from normnews.dedup.shingles import NORMAL_FORM_VERSION, exact_key, normal_form, shingles, tokens
from normnews.dedup.signatures import (
    DATASKETCH_VERSION,
    SCHEME,
    Signer,
    permutations,
    reference_signature,
)
from normnews.dedup.verify import REASONS, verify

__all__ = [
    "DATASKETCH_VERSION",
    "EVIDENCE_VERSION",
    "NORMAL_FORM_VERSION",
    "REASONS",
    "SCHEME",
    "Deduper",
    "EvidenceMaker",
    "HistoryIndex",
    "HistoryMatches",
    "Match",
    "PartitionWriter",
    "Signer",
    "accepted",
    "band_keys",
    "bucket_pairs",
    "cluster",
    "compact",
    "effective_params",
    "estimates",
    "exact_key",
    "header_for",
    "is_correction",
    "lsh_params",
    "normal_form",
    "permutations",
    "rebuild_partition_from_texts",
    "reference_signature",
    "s_curve",
    "s_curve_text",
    "shingles",
    "stats",
    "template_mask",
    "tokens",
    "values",
    "verify",
    "write_partition",
]
