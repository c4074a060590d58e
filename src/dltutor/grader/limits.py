"""Resource limits for one grading run, from settings, with per-exercise overrides."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from dltutor.config import get_settings


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 10  # RLIMIT_CPU of the learner's process, over all tests together
    wall_seconds: float = 20.0  # start-up and all tests together; then everything is killed
    memory_mb: int = 1024  # RLIMIT_AS
    processes: int = 16  # RLIMIT_NPROC for the sandbox uid (threads count too)
    file_mb: int = 16  # RLIMIT_FSIZE: the largest file it may write
    work_mb: int = 64  # size of the working-dir tmpfs (bwrap level)
    tmp_mb: int = 16  # size of the /tmp tmpfs (bwrap level)
    output_kb: int = 64  # stdout+stderr kept; the rest is read and dropped
    open_files: int = 256  # RLIMIT_NOFILE
    # Per-step limits, each enforced by killing the run, with a message of its own (None: only
    # the wall clock above): loading the learner's file, and a project's training call.
    load_seconds: float | None = None
    train_seconds: float | None = None

    @classmethod
    def from_settings(cls, **overrides: Any) -> Limits:
        s = get_settings()
        base = cls(
            cpu_seconds=int(s.grader_cpu_seconds),
            wall_seconds=float(s.grader_wall_seconds),
            memory_mb=int(s.grader_memory_mb),
        )
        return base.with_overrides(**overrides)

    def with_overrides(self, **overrides: Any) -> Limits:
        known = {k: v for k, v in overrides.items() if k in self.__dataclass_fields__}
        unknown = set(overrides) - set(known)
        if unknown:
            raise ValueError(f"unknown limits: {sorted(unknown)}")
        return replace(self, **known)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def prlimit_args(self, extra_processes: int = 0) -> list[str]:
        """Options for util-linux `prlimit`, soft = hard (soft CPU one second earlier, so the
        SIGXCPU handler can report the reason before the hard limit kills)."""
        mb = 1024 * 1024
        return [
            f"--cpu={self.cpu_seconds}:{self.cpu_seconds + 1}",
            f"--as={self.memory_mb * mb}",
            f"--nproc={self.processes + extra_processes}",
            f"--fsize={self.file_mb * mb}",
            f"--nofile={self.open_files}",
            "--core=0",
        ]
