"""What `dltutor doctor` reports about the sandbox, and that a set-up machine gets the strong one."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from dltutor.config import reset_settings
from dltutor.grader import grade, isolation_status
from dltutor.grader.isolation import (
    DEFAULT_SANDBOX_PYTHON,
    SLOTS,
    detect,
    slot_lock_path,
    uid_base,
)
from dltutor.grader.sandbox import SLOT_POOL

needs_sandbox = pytest.mark.skipif(
    detect().level == "unavailable", reason="no sandbox here (scripts/setup-sandbox.sh)"
)


def test_status_shape() -> None:
    st = isolation_status()
    assert st["level"] in ("bwrap", "rlimits", "unavailable")
    for key in (
        "python",
        "uid_drop",
        "network_isolated",
        "filesystem_isolated",
        "limits",
        "summary",
        "notes",
    ):
        assert key in st
    assert st["limits"]["cpu_seconds"] > 0 and st["limits"]["memory_mb"] > 0


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("bwrap") or not os.path.exists(DEFAULT_SANDBOX_PYTHON),
    reason="machine not set up by scripts/setup-sandbox.sh",
)
def test_set_up_machine_gets_the_strong_sandbox() -> None:
    if os.environ.get("DLTUTOR_GRADER_ISOLATION", "auto") != "auto":  # the caller's own choice
        pytest.skip("isolation forced by DLTUTOR_GRADER_ISOLATION")
    st = isolation_status()
    assert st["level"] == "bwrap", st["notes"]
    assert st["uid_drop"] and st["network_isolated"] and st["filesystem_isolated"] and st["strong"]


def test_slot_locks_live_where_the_setting_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The slot lock folder is machine-wide by default; the `grader_slot_dir` setting points it
    at a fresh folder, which is created on first use, and a slot locked there is skipped."""
    folder = tmp_path / "fresh" / "slots"
    monkeypatch.setenv("DLTUTOR_GRADER_SLOT_DIR", str(folder))
    reset_settings()
    assert not folder.exists()
    assert slot_lock_path(0).parent == folder and folder.is_dir()
    with open(slot_lock_path(0), "wb") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # someone else's run holds slot 0
        slot, f = SLOT_POOL.acquire(timeout=5)
        try:
            assert slot != 0
            assert Path(f.name) == folder / f"uid-{uid_base() + slot}.lock"
        finally:
            SLOT_POOL.release(slot, f)


@needs_sandbox
def test_grading_with_a_fresh_slot_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A grader started on a machine with no lock folder yet creates it and grades.

    A private lock folder takes this grader out of the machine's coordination, so it also gets
    uids of its own: on the shared ones it could sweep another process's sandbox, or be swept."""
    folder = tmp_path / "slots"
    monkeypatch.setenv("DLTUTOR_GRADER_SLOT_DIR", str(folder))
    monkeypatch.setenv("DLTUTOR_GRADER_UID_BASE", str(uid_base() + 10 * SLOTS))
    reset_settings()
    detect.cache_clear()
    from dltutor.course.exercises import get_exercise

    try:
        result = grade("ex.softmax", get_exercise("ex.softmax").reference_source())
        assert result.passed, result
        if detect().uid_drop:  # the run's slot was locked in the fresh folder
            assert [p.name for p in folder.iterdir()] == [f"uid-{uid_base()}.lock"]
    finally:
        monkeypatch.undo()
        reset_settings()
        detect.cache_clear()
