"""Shared fixtures: every test gets its own DLTUTOR_HOME, so no test touches the user's data.

The whole run also gets a private HOME (and XDG and matplotlib folders): session-scoped fixtures
(a search index built once, say) are set up before any per-test fixture, and they, Chromium and
matplotlib would otherwise read and write the user's own ~/.dltutor, ~/.config and ~/.cache,
so a test could pass only because of what an earlier run left there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dltutor.config import reset_settings


@pytest.fixture(scope="session", autouse=True)
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("user")
    mp = pytest.MonkeyPatch()
    for var, sub in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "home/.config"),
        ("XDG_CACHE_HOME", "home/.cache"),
        ("MPLCONFIGDIR", "home/.config/matplotlib"),
        ("DLTUTOR_HOME", "home/.dltutor"),
    ):
        (root / sub).mkdir(parents=True, exist_ok=True)
        mp.setenv(var, str(root / sub))
    reset_settings()
    yield root
    mp.undo()
    reset_settings()


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
