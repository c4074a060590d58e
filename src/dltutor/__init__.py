"""dltutor (深度学习导师): a self-hosted AI tutor for deep learning.

Public API: `from dltutor import Course, Diagnostic`. In Jupyter: `%load_ext dltutor`
(dltutor/notebook/).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Course", "Diagnostic", "__version__", "load_ipython_extension"]


def __getattr__(name: str) -> Any:
    # Lazy, so `import dltutor` (and the CLI's start-up) stays cheap.
    if name == "Course":
        from dltutor.course.model import Course

        return Course
    if name == "Diagnostic":
        from dltutor.learning.diagnostic import Diagnostic

        return Diagnostic
    if name == "load_ipython_extension":
        # `%load_ext dltutor` looks this up; IPython is imported only then, never by
        # `import dltutor`.
        from dltutor.notebook import load_ipython_extension

        return load_ipython_extension
    raise AttributeError(name)
