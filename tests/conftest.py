"""Shared fixtures: every test gets its own DLTUTOR_HOME, so no test touches the user's data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dltutor.config import reset_settings


@pytest.fixture(autouse=True)
def dltutor_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "dltutor-home"
    home.mkdir()
    monkeypatch.setenv("DLTUTOR_HOME", str(home))
    for var in (
        "DLTUTOR_DATABASE_URL",
        "DLTUTOR_BACKEND",
        "DLTUTOR_BASE_URL",
        "DLTUTOR_MODEL",
        "DLTUTOR_API_KEY",
    ):
        monkeypatch.delenv(var, raising=False)
    reset_settings()
    yield home
    reset_settings()
