"""Fixtures for the adaptive-learning tests: the real course, and the bare topic graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dltutor.course.model import Course, data_dir


@pytest.fixture(scope="session")
def bare_course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The topic graph with no topic folders: no quiz, no lesson, no hours anywhere."""
    root = tmp_path_factory.mktemp("bare-course")
    shutil.copy(data_dir() / "topics.yaml", root / "topics.yaml")
    return Course.load(Path(root))
