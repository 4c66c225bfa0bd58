"""LSH parameters, S-curve and bucket pairs."""

from __future__ import annotations

import numpy as np

from normnews.config import DedupConfig
from normnews.dedup import bucket_pairs, effective_params, lsh_params, s_curve


def test_params_reach_the_threshold():
    """It picks bands x rows that make a pair at the threshold a candidate >= 98% of the time."""
    for t in (0.5, 0.7, 0.8, 0.9):
        b, r = lsh_params(t, 128)
        assert b * r <= 128
        assert s_curve(b, r, (t,))[0][1] >= 0.98


def test_config_bands_rows_are_respected():
    """It uses bands and rows from the config when both are set."""
    assert effective_params(DedupConfig(bands=20, rows=6)) == (20, 6)


def test_bucket_cap_bounds_pairs_of_a_huge_bucket():
    """It pairs each member of a 5,000-article bucket with at most ``cap`` earlier members."""
    n = 5000
    keys = np.zeros(n, dtype=np.uint64)
    child, parent = bucket_pairs(keys, np.arange(n), cap=10)
    assert len(child) == 10 * (n - 10) + sum(range(10))
    assert (parent < child).all()  # rank == index here: parents rank first
