"""Shared fixtures: the sample directory and the evaluation corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import CORPORA, SAMPLE


@pytest.fixture
def sample_dir() -> Path:
    """The project's sample input directory (read-only: tests copy it before changing it)."""
    return SAMPLE


@pytest.fixture
def corpora() -> Path:
    """The shared evaluation corpora; tests that need them skip when they are absent."""
    if not CORPORA.is_dir():
        pytest.skip(f"evaluation corpora not found at {CORPORA}")
    return CORPORA
