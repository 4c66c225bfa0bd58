"""normnews: scraped news articles in, clean deduplicated Parquet out."""

from __future__ import annotations

__version__ = "0.1.0"
