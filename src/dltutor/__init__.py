"""dltutor (深度学习导师): a self-hosted AI tutor for deep learning.

Public API: `from dltutor import Course, Diagnostic`.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Course", "Diagnostic", "__version__"]


def __getattr__(name: str) -> Any:
    # Lazy, so `import dltutor` (and the CLI's start-up) stays cheap.
    if name == "Course":
        from dltutor.course.model import Course

        return Course
    if name == "Diagnostic":
        from dltutor.learning.diagnostic import Diagnostic

        return Diagnostic
    raise AttributeError(name)
