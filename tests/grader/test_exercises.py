"""Every exercise: matches the contract, loads, its reference passes, its wrong solutions fail."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from dltutor.course.exercises import Exercise, contract_rows, load_exercises
from dltutor.course.model import data_dir
from dltutor.grader import GradeResult, grade
from tests.conftest import assert_wrong_solutions_fail

EXERCISES = load_exercises()
IDS = [e.id for e in EXERCISES]
CONTRACT = {r["id"]: r for r in contract_rows()}


def test_contract_is_parsed() -> None:
    assert len(CONTRACT) >= 34  # the 34 of the original contract, plus the exercises added since
    assert CONTRACT["ex.adam"]["topic"] == "dl.optimizers"


def test_every_contract_exercise_exists() -> None:
    missing = sorted(set(CONTRACT) - set(IDS))
    assert not missing, f"exercises of the contract not written yet: {missing}"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_matches_contract(ex: Exercise) -> None:
    row = CONTRACT.get(ex.id)
    assert row is not None, f"{ex.id} is not in exercises.md"
    assert ex.topic == row["topic"]
    topics = {t["id"] for t in yaml.safe_load((data_dir() / "topics.yaml").read_text())["topics"]}
    assert ex.topic in topics
    # the contract's function column, e.g. "`relu(x)`, `relu_grad(x)`"
    sigs = re.findall(r"`([a-z_0-9]+)\(([^`]*)\)[^`]*`", row["functions"])
    assert [name for name, _ in sigs] == ex.function_names
    for (name, params), f in zip(sigs, ex.functions, strict=True):
        assert f.signature.startswith(f"{name}({params})"), (f.signature, params)


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_has_bilingual_texts_and_hint_ladder(ex: Exercise) -> None:
    assert len(ex.hints) >= 3
    for lang in ("zh", "en"):
        assert ex.statement[lang] and ex.title[lang]
        assert all(h[lang] for h in ex.hints)
    assert re.search(r"[\u4e00-\u9fff]", ex.statement["zh"])
    assert len(ex.tests()) >= 4


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_reference_passes_and_wrong_solutions_fail(ex: Exercise) -> None:
    wrong = ex.wrong_solutions()
    assert len(wrong) >= 2, "at least two realistic wrong solutions"
    sources = [ex.reference_source()] + [p.read_text(encoding="utf-8") for p in wrong]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results: list[GradeResult] = list(pool.map(lambda src: grade(ex.id, src), sources))
    ref, *bad = results
    assert ref.passed, [(t.name, t.message) for t in ref.failed_tests] or ref.error
    assert ref.error is None and len(ref.tests) == len(ex.tests())
    assert_wrong_solutions_fail(wrong, bad)
