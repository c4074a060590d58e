"""The outcome of grading one submission, and its contract JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class TestResult:
    name: str
    passed: bool
    message: str  # why it failed; when passed, empty or what it measured (a project's accuracy)
    seconds: float  # wall time of the test, calls into the sandbox included


@dataclass
class GradeResult:
    exercise: str
    passed: bool
    tests: list[TestResult] = field(default_factory=list)
    error: str | None = None  # why the run stopped or could not start, for the learner
    # "load" | "missing" | "wall" | "time_limit" | "cpu" | "memory" | "exited" | "setup" | ...
    error_kind: str | None = None
    # seconds: "startup" (process, interpreter, numpy, loading the learner's file), "tests" (all
    # tests), "learner" (inside the learner's functions), "total"
    timings: dict[str, float] = field(default_factory=dict)
    output: str = ""  # what the learner's code printed (capped)
    isolation: str = ""  # the isolation level it ran under
    leftover_processes: int = 0  # processes of the run alive after clean-up (0 unless a bug)
    warm_start: bool = False  # ran in a sandbox started ahead of time (see grader.pool)
    # what the tests measured, by name (projects: e.g. accuracy, train_seconds); not in the
    # contract JSON, where the same figures are in the tests' messages
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def failed_tests(self) -> list[TestResult]:
        return [t for t in self.tests if not t.passed]

    def to_contract_json(self) -> dict[str, Any]:
        """Exactly the object `dltutor exercise grade --json` prints (see exercises.md)."""
        return {
            "exercise": self.exercise,
            "passed": self.passed,
            "tests": [
                {"name": t.name, "passed": t.passed, "message": t.message} for t in self.tests
            ],
            "error": self.error,
        }

    def to_record(self) -> dict[str, Any]:
        """Everything, for storage: the contract fields plus timings, output and isolation."""
        d = asdict(self)
        d["tests"] = [asdict(t) for t in self.tests]
        return d

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> GradeResult:
        """The inverse of `to_record` (a result that crossed the grading queue as JSON)."""
        fields = {k: v for k, v in record.items() if k in cls.__dataclass_fields__}
        fields["tests"] = [TestResult(**t) for t in record.get("tests") or []]
        return cls(**fields)
