"""Shared fixtures: the bundled sample dataset, a scratch copy of it, a clean environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_dataset"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def clean_environ(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No credentials, endpoints or user cache leak in from the developer's shell."""
    import os

    for key in list(os.environ):
        if key.startswith(("HUAWEICLOUD_", "METASTUDIO_", "CLOUD_SDK_")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture(scope="session")
def sample_dataset() -> Path:
    """The committed sample corpus (read-only: never write into it)."""
    return SAMPLE


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the sample corpus that a test may alter."""
    dest = tmp_path / "corpus"
    shutil.copytree(SAMPLE, dest)
    return dest
