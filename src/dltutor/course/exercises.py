"""Exercises as course data: `course_data/exercises/<id>/` (format: docs/exercise-format.md).

`exercise.yaml` holds the id, topic, kind, functions, bilingual title, statement, hints and a
worked example;
`starter.py` what the learner starts from; `reference.py` a solution that passes; `tests.py` the
hidden tests (`test_*` functions taking a `Check`); `wrong/*.py` realistic wrong solutions that
must fail. Loading validates the folder and raises `ExerciseError` naming what is wrong.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from dltutor.course.model import data_dir

KINDS = ("function", "project")
MIN_HINTS = 3
REQUIREMENTS = ("torch", "scikit-learn")  # what `requires:` may name (see runner)


class ExerciseError(ValueError):
    """An exercise folder that does not follow the format."""


@dataclass(frozen=True)
class Function:
    name: str
    signature: str  # as in the contract, e.g. "dot(a, b) -> float"
    params: list[str]


@dataclass
class Exercise:
    id: str
    topic: str
    kind: str
    title: dict[str, str]
    functions: list[Function]
    statement: dict[str, str]
    hints: list[dict[str, str]]
    folder: Path
    # shown after the last hint: the method worked through on an input that is not the task's
    example: dict[str, str] = field(default_factory=dict)
    difficulty: int = 1
    limits: dict[str, Any] = field(default_factory=dict)
    requires: list[str] = field(default_factory=list)  # "torch" (sandbox), "scikit-learn"
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _ref: ModuleType | None = field(default=None, repr=False)
    _tests: list[tuple[str, Callable[..., None]]] | None = field(default=None, repr=False)

    @property
    def function_names(self) -> list[str]:
        return [f.name for f in self.functions]

    @property
    def params(self) -> dict[str, list[str]]:
        return {f.name: f.params for f in self.functions}

    def starter(self) -> str:
        return (self.folder / "starter.py").read_text(encoding="utf-8")

    def reference_source(self) -> str:
        return (self.folder / "reference.py").read_text(encoding="utf-8")

    def wrong_solutions(self) -> list[Path]:
        return sorted((self.folder / "wrong").glob("*.py"))

    def reference(self) -> ModuleType:
        """The reference solution as a module in this (trusted) process."""
        with self._lock:
            if self._ref is None:
                self._ref = _load_module(self.folder / "reference.py", self.id, "reference")
            return self._ref

    def tests(self) -> list[tuple[str, Callable[..., None]]]:
        """The hidden tests: (name, function) in file order; the name drops the `test_`."""
        with self._lock:
            if self._tests is None:
                mod = _load_module(self.folder / "tests.py", self.id, "tests")
                found = [
                    (name[5:], fn)
                    for name, fn in vars(mod).items()
                    if name.startswith("test_") and callable(fn)
                ]
                found.sort(key=lambda p: p[1].__code__.co_firstlineno)
                self._tests = found
            return self._tests


def _load_module(path: Path, exercise_id: str, what: str) -> ModuleType:
    name = f"dltutor_exercise_{re.sub(r'[^0-9a-zA-Z]', '_', exercise_id)}_{what}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ExerciseError(f"{exercise_id}: cannot load {path.name}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def exercises_dir() -> Path:
    return data_dir() / "exercises"


def _params(signature: str, name: str) -> list[str]:
    """Parameter names from a contract signature like `adam_step(w, grad, m, v, t, lr=1e-3)`."""
    head = signature.split("->")[0].strip()
    try:
        node = ast.parse(f"def {head}: pass").body[0]
    except SyntaxError as e:
        raise ExerciseError(f"bad signature {signature!r}") from e
    assert isinstance(node, ast.FunctionDef)
    if node.name != name:
        raise ExerciseError(f"signature {signature!r} does not name {name}")
    return [a.arg for a in node.args.args]


def _defined_functions(source: str) -> dict[str, list[str]]:
    tree = ast.parse(source)
    return {
        n.name: [a.arg for a in n.args.args] for n in tree.body if isinstance(n, ast.FunctionDef)
    }


def _bilingual(raw: Any, what: str, ex_id: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(str(raw.get(k) or "").strip() for k in ("zh", "en")):
        raise ExerciseError(f"{ex_id}: {what} needs non-empty zh and en")
    return {"zh": str(raw["zh"]).strip(), "en": str(raw["en"]).strip()}


def load_exercise(folder: Path) -> Exercise:
    """Read and validate one exercise folder."""
    meta_file = folder / "exercise.yaml"
    if not meta_file.exists():
        raise ExerciseError(f"{folder.name}: missing exercise.yaml")
    raw = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
    ex_id = str(raw.get("id", ""))
    if ex_id != folder.name:
        raise ExerciseError(f"{folder.name}: id {ex_id!r} must equal the folder name")
    kind = str(raw.get("kind", "function"))
    if kind not in KINDS:
        raise ExerciseError(f"{ex_id}: kind must be one of {KINDS}")
    functions = []
    for f in raw.get("functions") or []:
        name, sig = str(f["name"]), str(f["signature"])
        functions.append(Function(name, sig, _params(sig, name)))
    if not functions:
        raise ExerciseError(f"{ex_id}: no functions")
    hints = [_bilingual(h, f"hint {i + 1}", ex_id) for i, h in enumerate(raw.get("hints") or [])]
    if len(hints) < MIN_HINTS:
        raise ExerciseError(
            f"{ex_id}: needs at least {MIN_HINTS} hints (nudge, approach, key step or pitfall)"
        )
    for part in ("starter.py", "reference.py", "tests.py"):
        if not (folder / part).exists():
            raise ExerciseError(f"{ex_id}: missing {part}")
    for part in ("starter.py", "reference.py"):
        defined = _defined_functions((folder / part).read_text(encoding="utf-8"))
        for f in functions:
            if defined.get(f.name) != f.params:
                raise ExerciseError(f"{ex_id}: {part} must define {f.signature}")
    limits = dict(raw.get("limits") or {})
    requires = [str(r) for r in raw.get("requires") or []]
    if not set(requires) <= set(REQUIREMENTS):
        raise ExerciseError(f"{ex_id}: requires may only name {REQUIREMENTS}")
    prefix = "proj." if kind == "project" else "ex."
    if not ex_id.startswith(prefix):
        raise ExerciseError(f"{ex_id}: a {kind} exercise's id starts with {prefix!r}")
    return Exercise(
        id=ex_id,
        topic=str(raw.get("topic", "")),
        kind=kind,
        title=_bilingual(raw.get("title"), "title", ex_id),
        functions=functions,
        statement=_bilingual(raw.get("statement"), "statement", ex_id),
        hints=hints,
        folder=folder,
        example=_bilingual(raw["example"], "example", ex_id) if raw.get("example") else {},
        difficulty=int(raw.get("difficulty", 1)),
        limits=limits,
        requires=requires,
    )


@lru_cache(maxsize=1)
def _all() -> dict[str, Exercise]:
    root = exercises_dir()
    if not root.is_dir():
        return {}
    found = [
        load_exercise(d)
        for d in sorted(root.iterdir())
        if d.is_dir() and d.name.startswith(("ex.", "proj."))
    ]
    return {e.id: e for e in found}


def load_exercises(include_projects: bool = False) -> list[Exercise]:
    """The function exercises (`ex.*`, the contract's), in the contract's order where listed,
    then by id; with `include_projects`, the projects (`proj.*`) after them."""
    order = contract_order()
    found = [e for e in _all().values() if include_projects or e.kind != "project"]
    return sorted(found, key=lambda e: (e.kind == "project", order.get(e.id, len(order)), e.id))


def load_projects() -> list[Exercise]:
    """The project exercises (`proj.*`: train a real model; graded on held-out accuracy)."""
    return [e for e in load_exercises(include_projects=True) if e.kind == "project"]


def get_exercise(exercise_id: str) -> Exercise:
    """The exercise (function exercise or project) with this id; KeyError if there is none."""
    return _all()[exercise_id]


@lru_cache(maxsize=1)
def contract_order() -> dict[str, int]:
    """Exercise id -> its row in the contract table (exercises.md)."""
    rows = contract_rows()
    return {r["id"]: i for i, r in enumerate(rows)}


@lru_cache(maxsize=1)
def contract_rows() -> list[dict[str, str]]:
    """The rows of the contract table in exercises.md: id, topic, functions, semantics."""
    path = data_dir() / "exercises.md"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].startswith("ex."):
            rows.append(
                {
                    "id": cells[0],
                    "topic": cells[1],
                    "functions": cells[2],
                    "semantics": "|".join(cells[3:]),
                }
            )
    return rows
