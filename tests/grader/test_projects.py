"""Project exercises (proj.*): loading, data and splits, the stub's torch support, the per-step
time limits, and (slow, with torch in the sandbox) real training runs: every reference reaches its
accuracy in time, every wrong solution fails where it should, with a message."""

from __future__ import annotations

import base64
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from dltutor.course.exercises import Exercise, get_exercise, load_exercises, load_projects
from dltutor.course.model import data_dir
from dltutor.grader import GradeResult, grade, stub
from dltutor.grader import projects as P
from dltutor.grader import runner as grader_runner
from dltutor.grader.isolation import detect
from dltutor.grader.sandbox import Sandbox
from tests.conftest import assert_wrong_solutions_fail

PROJECTS = load_projects()
IDS = [e.id for e in PROJECTS]
# accuracy each project's tests demand, by test name (must match the statements)
NEEDS = {
    "proj.mnist_mlp": {"held_out_accuracy": 0.95},
    "proj.cifar10_cnn": {"held_out_accuracy": 0.96, "shifted_accuracy": 0.90},
    "proj.sentiment_rnn": {
        "held_out_accuracy": 0.80,
        "english_accuracy": 0.70,
        "chinese_accuracy": 0.70,
        "negation_accuracy": 0.75,
    },
}
METRIC = {  # test name -> its figure in GradeResult.metrics
    "held_out_accuracy": "accuracy",
    "shifted_accuracy": "shifted_accuracy",
    "english_accuracy": "en_accuracy",
    "chinese_accuracy": "zh_accuracy",
    "negation_accuracy": "negation_accuracy",
}

needs_torch = pytest.mark.skipif(
    not detect().torch,
    reason="no torch in the grader's sandbox: run scripts/setup-sandbox.sh --with-torch as root",
)


# ---- the exercises as data -------------------------------------------------------------------


def test_the_three_projects_exist_apart_from_the_contract() -> None:
    assert IDS == ["proj.cifar10_cnn", "proj.mnist_mlp", "proj.sentiment_rnn"]
    assert all(e.kind == "project" for e in PROJECTS)
    assert not any(e.kind == "project" for e in load_exercises())  # the contract's 34 only
    everything = [e.id for e in load_exercises(include_projects=True)]
    assert everything[-3:] == IDS and len(everything) == len(load_exercises()) + 3
    assert get_exercise("proj.mnist_mlp").topic == "proj.mnist_mlp"


@pytest.mark.parametrize("ex", PROJECTS, ids=IDS)
def test_project_is_complete_and_bilingual(ex: Exercise) -> None:
    topics = {t["id"] for t in yaml.safe_load((data_dir() / "topics.yaml").read_text())["topics"]}
    assert ex.topic == ex.id and ex.topic in topics
    assert "torch" in ex.requires
    assert re.search(r"[\u4e00-\u9fff]", ex.statement["zh"]) and ex.statement["en"]
    assert len({h["en"] for h in ex.hints}) >= 3 and all(h["zh"] for h in ex.hints)
    assert len(ex.wrong_solutions()) >= 2
    assert len(ex.tests()) >= 4
    assert ex.limits.get("train_seconds") == 60
    for lang in ("en", "zh"):  # the statement states the limits the tests apply
        assert "60" in ex.statement[lang]
        for need in NEEDS[ex.id].values():
            assert f"{round(need * 100)}%" in ex.statement[lang], (lang, need)
    names = [name for name, _ in ex.tests()]
    assert set(NEEDS[ex.id]) <= set(names)


def test_project_limits() -> None:
    lim = grader_runner.limits_for(get_exercise("proj.mnist_mlp"))
    assert (lim.cpu_seconds, lim.wall_seconds, lim.memory_mb) == (300, 600.0, 4096)
    assert lim.train_seconds == 60 and lim.load_seconds == 60
    assert grader_runner.limits_for(get_exercise("ex.dot_product")).train_seconds is None
    lim = grader_runner.limits_for(get_exercise("proj.mnist_mlp"), {"train_seconds": 3})
    assert lim.train_seconds == 3


# ---- data and splits -------------------------------------------------------------------------


def test_sentiment_data_is_balanced_bilingual_and_has_negation() -> None:
    text = P.sentiment_file().read_text(encoding="utf-8")
    assert "CC0" in text.split("text\tlabel")[0]
    rows = P.sentiment_rows()
    assert len(rows) == 1200 and len({t for t, _ in rows}) == 1200
    for lang in ("en", "zh"):
        for label in (0, 1):
            group = [t for t, y in rows if y == label and P.language(t) == lang]
            assert len(group) == 300, (lang, label)
            negated = sum(bool(P.NEGATION.search(t)) for t in group)
            assert 60 <= negated <= 200, (lang, label, negated)  # in both classes: no shortcut
    assert all("\t" not in t and t.strip() == t and t for t, _ in rows)


def test_digits_split_is_fixed_disjoint_and_stratified() -> None:
    a, b = P.digits(), P.digits(images=True)
    assert a.X_train.shape == (1437, 64) and a.X_test.shape == (360, 64)
    assert b.X_train.shape == (1437, 8, 8) and np.array_equal(b.y_test, a.y_test)
    assert np.array_equal(a.X_test, b.X_test.reshape(360, 64))
    assert set(np.bincount(a.y_test)) <= {35, 36, 37}  # every digit held out in proportion
    assert a.X_train.max() == 16 and a.X_train.dtype == np.float64  # raw: scaling is theirs
    tr, te = P.stratified_split(np.repeat(np.arange(10), 180), 0.2)
    assert len(te) == 360 and not set(tr) & set(te) and len(set(tr) | set(te)) == 1800
    tr2, te2 = P.stratified_split(np.repeat(np.arange(10), 180), 0.2)
    assert np.array_equal(tr, tr2) and np.array_equal(te, te2)


def test_sentiment_split_is_stratified_by_language_and_label() -> None:
    s = P.sentiment()
    assert len(s.X_train) == 900 and len(s.X_test) == 300
    assert not set(s.X_train) & set(s.X_test)
    assert s.groups["en"].sum() == s.groups["zh"].sum() == 150
    for lang in ("en", "zh"):
        assert np.bincount(s.y_test[s.groups[lang]]).tolist() == [75, 75]
    assert 80 <= s.groups["negation"].sum() <= 160


def test_shift_one_pixel_moves_every_image_by_one_pixel() -> None:
    imgs = np.random.default_rng(0).integers(1, 17, size=(50, 8, 8)).astype(float)
    moved = P.shift_one_pixel(imgs)
    assert moved.shape == imgs.shape
    padded = np.pad(imgs, ((0, 0), (1, 1), (1, 1)))
    seen = set()
    for i in range(50):
        hits = [
            (dy, dx)
            for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1))
            if np.array_equal(moved[i], padded[i, 1 - dy : 9 - dy, 1 - dx : 9 - dx])
        ]
        assert len(hits) == 1
        seen.add(hits[0])
    assert len(seen) == 4


# ---- the stub's torch support (in this process) ----------------------------------------------


def test_stub_sends_torch_tensors_as_arrays_and_describes_models() -> None:
    torch = pytest.importorskip("torch")
    t = torch.arange(6, dtype=torch.float32).reshape(2, 3).requires_grad_()
    back = stub.decode(json.loads(json.dumps(stub.encode(t * 2))), test_inputs=False)
    assert isinstance(back, np.ndarray) and back.dtype == np.float32 and back.shape == (2, 3)
    half = stub.decode(stub.encode(torch.ones(2, dtype=torch.bfloat16)), test_inputs=False)
    assert half.dtype == np.float32 and half.tolist() == [1.0, 1.0]
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    out = stub.BUILTINS["$forward"](model, np.ones((5, 4)))
    assert tuple(out.shape) == (5, 2) and not out.requires_grad
    info = stub.BUILTINS["$layers"](model)
    assert info == {"layers": ["Sequential", "Linear", "ReLU", "Linear"], "parameters": 23}
    with pytest.raises(TypeError, match="torch.nn.Module"):
        stub.BUILTINS["$layers"](None)
    assert P._layers_text(info["layers"]) == "Linear → ReLU → Linear"
    assert P._layer_names({"layers": ["A", 3], "parameters": 1}) is None  # from the sandbox


# ---- per-step limits and set-up problems (no training) ---------------------------------------


def test_load_time_limit_is_reported_as_such() -> None:
    slow = "import time\ntime.sleep(30)\n\ndef dot(a, b):\n    return 0.0\n"
    for lang, words in (("en", "more than 1 s"), ("zh", "超过了 1 秒")):
        res = grade("ex.dot_product", slow, lang=lang, limits={"load_seconds": 1})
        assert not res.passed and res.error_kind == "time_limit", res.error
        assert words in str(res.error) and res.timings["total"] < 15


@pytest.mark.parametrize("missing", ["torch", "scikit-learn"])
def test_missing_requirement_is_reported_not_crashed(
    missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grader_runner, "missing_requirements", lambda ex, iso: [missing])
    ex = get_exercise("proj.mnist_mlp")
    for lang in ("en", "zh"):
        res = grade(ex.id, ex.reference_source(), lang=lang)
        assert not res.passed and res.error_kind == "setup" and res.tests == []
        hint = "--with-torch" if missing == "torch" else "pip install scikit-learn"
        assert hint in str(res.error)
        assert list(res.to_contract_json()) == ["exercise", "passed", "tests", "error"]


def test_missing_requirements_looks_at_the_sandbox() -> None:
    iso = detect()
    ex = get_exercise("proj.sentiment_rnn")
    found = grader_runner.missing_requirements(ex, iso)
    assert found == ([] if iso.torch else ["torch"])


QUICK = {
    "proj.mnist_mlp": (
        "def build_model():\n    return None\n\n"
        "def train(model, X, y):\n    return 'model'\n\n"
        "def predict(model, X):\n    return [0] * len(X)\n"
    ),
    "proj.sentiment_rnn": (
        "def train(texts, labels):\n    return 'model'\n\n"
        "def predict(model, texts):\n    return [1] * len(texts)\n"
    ),
}


@pytest.mark.parametrize("exercise_id", sorted(QUICK))
def test_held_out_labels_never_enter_the_sandbox(
    exercise_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everything sent into the sandbox is recorded: the training labels go in, the held-out
    inputs go in, the held-out labels never do (nor the group masks)."""
    sent: list[str] = []
    real = Sandbox.request

    def spy(self: Sandbox, msg: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        sent.append(json.dumps(msg))
        return real(self, msg, timeout)

    monkeypatch.setattr(Sandbox, "request", spy)
    monkeypatch.setattr(grader_runner, "missing_requirements", lambda ex, iso: [])
    res = grade(exercise_id, QUICK[exercise_id])
    assert not res.passed and res.error is None, res.error
    data = P.sentiment() if exercise_id == "proj.sentiment_rnn" else P.digits()

    def wire(a: np.ndarray) -> str:
        return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")

    everything = "\n".join(sent)
    assert wire(data.y_train) in everything
    if isinstance(data.X_test, np.ndarray):
        assert wire(data.X_test) in everything
    else:
        assert all(json.dumps(t)[1:-1] in everything for t in data.X_test[:20])
    hidden = [data.y_test, data.y_test.astype(np.int32), data.y_test.astype(np.float64)]
    hidden += [m.astype(np.uint8) for m in data.groups.values()]
    for h in hidden:
        assert wire(h) not in everything
    # the accuracy was computed here and reported
    assert "accuracy 0." in " ".join(t.message for t in res.tests)


# ---- real training runs (slow) -----------------------------------------------------------------


def limits_line(path: Path) -> dict[str, float]:
    """A wrong solution's `# limits: train_seconds=3` line: graded so, to keep the tests fast."""
    m = re.search(r"^# limits: (.+)$", path.read_text(encoding="utf-8"), re.M)
    if not m:
        return {}
    return {k.strip(): float(v) for k, v in (kv.split("=") for kv in m.group(1).split(","))}


@pytest.mark.slow
@needs_torch
@pytest.mark.parametrize("ex", PROJECTS, ids=IDS)
def test_reference_passes_and_wrong_solutions_fail(ex: Exercise) -> None:
    wrong = ex.wrong_solutions()
    jobs = [(ex.reference_source(), {})] + [
        (p.read_text(encoding="utf-8"), limits_line(p)) for p in wrong
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results: list[GradeResult] = list(
            pool.map(lambda job: grade(ex.id, job[0], limits=job[1]), jobs)
        )
    ref, *bad = results
    assert ref.passed, [(t.name, t.message) for t in ref.failed_tests] or ref.error
    assert ref.error is None and len(ref.tests) == len(ex.tests())
    messages = {t.name: t.message for t in ref.tests}
    for name, need in NEEDS[ex.id].items():
        assert ref.metrics[METRIC[name]] >= need
        assert f"(needs ≥ {need:.2f})" in messages[name] and "accuracy 0." in messages[name]
    assert re.fullmatch(r"trained in [0-9.]+ s \(limit 60 s\)", messages["trains_in_time"])
    assert ref.metrics["train_seconds"] < 60
    assert_wrong_solutions_fail(wrong, bad)


@pytest.mark.slow
@needs_torch
def test_time_limit_overrun_is_reported_as_such() -> None:
    ex = get_exercise("proj.mnist_mlp")
    code = (ex.folder / "wrong" / "one_example_at_a_time.py").read_text(encoding="utf-8")
    for lang, words in (("en", "stopped after 2 s"), ("zh", "允许的 2 秒")):
        res = grade(ex.id, code, lang=lang, limits={"train_seconds": 2})
        assert not res.passed and res.error_kind == "time_limit"
        assert words in str(res.error)
        by_name = {t.name: t for t in res.tests}
        assert by_name["model_gives_10_logits"].passed
        assert words in by_name["trains_in_time"].message
        assert by_name["trains_in_time"].message.startswith(("Called train(", "调用 train("))
        assert not by_name["held_out_accuracy"].passed
        assert res.timings["total"] < 30  # stopped, not waited out


@pytest.mark.slow
@needs_torch
def test_cli_grades_a_project_with_the_contract_json(tmp_path: Path) -> None:
    from dltutor.cli import app

    # `dltutor exercise grade` knows the projects as well as the contract's function exercises
    ex = get_exercise("proj.sentiment_rnn")
    runner = CliRunner()
    good = tmp_path / "sentiment.py"
    good.write_text(ex.reference_source(), encoding="utf-8")
    out = runner.invoke(app, ["exercise", "grade", ex.id, str(good), "--json", "--lang", "zh"])
    data = json.loads(out.stdout)
    assert out.exit_code == 0, data
    assert list(data) == ["exercise", "passed", "tests", "error"]
    assert data["passed"] is True and data["error"] is None
    assert all(list(t) == ["name", "passed", "message"] for t in data["tests"])
    accuracy = next(t for t in data["tests"] if t["name"] == "held_out_accuracy")
    assert accuracy["message"].startswith("在留出的 300 个句子上准确率为 0.")

    bad = tmp_path / "majority.py"
    bad.write_text((ex.folder / "wrong" / "majority_class.py").read_text(), encoding="utf-8")
    out = runner.invoke(app, ["exercise", "grade", ex.id, str(bad), "--json"])
    data = json.loads(out.stdout)
    assert out.exit_code == 1 and data["passed"] is False and data["error"] is None
    assert list(data) == ["exercise", "passed", "tests", "error"]
    accuracy = next(t for t in data["tests"] if t["name"] == "held_out_accuracy")
    assert "accuracy 0.500" in accuracy["message"] and "constant guess" in accuracy["message"]
