"""What `dltutor doctor` reports about the sandbox, and that a set-up machine gets the strong one."""

from __future__ import annotations

import os
import shutil

import pytest

from dltutor.grader import isolation_status
from dltutor.grader.isolation import DEFAULT_SANDBOX_PYTHON


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
    if os.environ.get("DLTUTOR_GRADER_ISOLATION", "auto") != "auto":
        pytest.skip("isolation forced by DLTUTOR_GRADER_ISOLATION")
    st = isolation_status()
    assert st["level"] == "bwrap", st["notes"]
    assert st["uid_drop"] and st["network_isolated"] and st["filesystem_isolated"] and st["strong"]
