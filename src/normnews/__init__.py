"""normnews: scraped news articles in, clean deduplicated Parquet out.

The library does everything the ``normnews`` command does::

    from pathlib import Path
    import normnews

    config = normnews.load_config(None, input_dir=Path("data/sample"), out_dir=Path("out"))
    result = normnews.run(config)
    print(result.summary())
"""

from __future__ import annotations

__version__ = "0.1.0"

from normnews.config import JobConfig, load_config
from normnews.pipeline import RunResult, run

__all__ = ["JobConfig", "RunResult", "__version__", "load_config", "run"]
