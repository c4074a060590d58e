"""Seed 002's chatbot (a Chinese Keras tutorial whose code is broken), checked as a draft with
scikit-learn in the sandbox, and with TensorFlow where `scripts/setup-sandbox.sh
--with-tensorflow` put it there. What each bug really produces is in docs/seed-002.md.

The fixture is the article's code section as published (tests/verify/fixtures/seed002_chatbot.md):
seven blocks, imports / data / LabelEncoder / model / compile / fit / predict.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.grader.isolation import detect
from dltutor.grader.limits import Limits
from dltutor.verify.blocks import extract_blocks
from dltutor.verify.repair import run_blocks
from dltutor.verify.snippets import (
    FRAMEWORK_FLOORS,
    CodeSession,
    installed_packages,
    limits_for,
    run_snippet,
    sandbox_packages,
)
from tests.verify.conftest import FIXTURES

runner = CliRunner()
PACKAGES = installed_packages(detect().python)
needs_sklearn = pytest.mark.skipif(
    "scikit-learn" not in PACKAGES,
    reason="scikit-learn is not in the sandbox: run scripts/setup-sandbox.sh as root",
)
needs_tf = pytest.mark.skipif(
    "TensorFlow" not in PACKAGES,
    reason="TensorFlow is not in the sandbox (optional, 1.5 GB): "
    "run scripts/setup-sandbox.sh --with-tensorflow as root",
)
SEED = (FIXTURES / "seed002_chatbot.md").read_text(encoding="utf-8")
# Only the input's shape fixed (one code per sentence is a sequence of length 1), so that the
# model trains and the later bugs are reached; then the model's outputs for the training
# questions are printed next to their targets.
SHAPE_FIXED = (
    SEED.replace("model.fit(question_encoded,", "model.fit(question_encoded.reshape(-1, 1),")
    .replace("model.predict(new_question)", "model.predict(new_question.reshape(-1, 1))")
    .replace(
        "print(predicted_answer)\n",
        "print(predicted_answer)\n"
        "print(model.predict(question_encoded.reshape(-1, 1), verbose=0).ravel(), answer_encoded)\n",
    )
)


def check_draft(text: str, tmp_path: Any) -> list[dict[str, Any]]:
    draft = tmp_path / "draft.md"
    draft.write_text(text, encoding="utf-8")
    res = runner.invoke(
        app, ["article", "proj.chatbot", "--draft", str(draft), "--llm", "none", "--json"]
    )
    assert res.exit_code == 1, res.output  # not every block is verified
    blocks: list[dict[str, Any]] = json.loads(res.stdout.strip().splitlines()[-1])["blocks"]
    assert len(blocks) == 7
    return blocks


@needs_sklearn
def test_seed002_draft_reaches_its_real_bugs(tmp_path: Any) -> None:
    """With scikit-learn the encoder block runs, and what is wrong with it is said: the one
    encoder refitted on other data, and integer labels where the text promises one-hot. With
    TensorFlow the Keras blocks run too, and training fails on the encoding: one integer per
    sentence is no sequence for the LSTM. Without it they fail on the import, as they must."""
    blocks = check_draft(SEED, tmp_path)
    statuses = [b["status"] for b in blocks]
    encoder = blocks[2]
    assert encoder["status"] == "failed"  # it runs, but is marked suspicious
    assert "LabelEncoder" in encoder["error"] and "又拟合了一次" in encoder["error"]
    assert "3 个类别" in encoder["error"] and "one-hot" in encoder["error"]
    assert "ModuleNotFoundError" not in encoder["output"]
    if "TensorFlow" in PACKAGES:
        assert statuses == ["verified", "verified", "failed", "verified", "verified"] + [
            "failed",
            "failed",
        ]
        assert "expected ndim=3, found ndim=2" in blocks[5]["error"]  # the LSTM gets no sequence
        assert "ValueError" in blocks[6]["output"]  # predicting on a model that never trained
    else:
        assert statuses == ["failed", "verified", "failed", "failed", "failed", "failed", "failed"]
        assert "tensorflow" in blocks[0]["error"] and "scikit-learn" in blocks[0]["error"]
        assert all("NameError" in b["output"] for b in blocks[3:])


@needs_tf
def test_seed002_with_its_input_shape_fixed_answers_with_the_question(tmp_path: Any) -> None:
    """Fix only the input's shape and the model trains, and the chatbot 'answers' the new
    question with the question itself: its single sigmoid output makes argmax 0, and the encoder,
    refitted on that question, decodes 0 as the question. The sigmoid's outputs, all between 0
    and 1, cannot reach the targets 0, 1, 2 it was trained on with MSE."""
    blocks = check_draft(SHAPE_FIXED, tmp_path)
    assert [b["status"] for b in blocks][3:6] == ["verified"] * 3
    last = blocks[6]
    assert last["status"] == "failed" and "['你喜欢什么样的音乐？']" in last["output"]
    assert "argmax" in last["error"] and "永远是 0" in last["error"]
    assert "LabelEncoder" in last["error"] and "1 个别的类别" in last["error"]
    outputs = last["output"].strip().splitlines()[-1]  # "[0.56 0.57 0.56] [0 2 1]"
    predicted = [float(x) for x in outputs.split("]")[0].strip("[ ").split()]
    assert len(predicted) == 3 and all(0 < p < 1 for p in predicted)
    assert outputs.split("]")[1].strip(" [").split() == ["0", "2", "1"]


@needs_tf
def test_tensorflow_gets_the_limits_it_needs_and_no_more(limits: Limits) -> None:
    """TensorFlow does not start under the grader's limits; a session whose code imports it is
    raised to FRAMEWORK_FLOORS, which are still limits."""
    assert limits.memory_mb < FRAMEWORK_FLOORS["memory_mb"]
    with CodeSession(limits) as s:
        res = s.run("import tensorflow as tf\nprint(int(tf.reduce_sum(tf.ones(3))))\n")
        assert res.ok and res.output.strip().endswith("3"), res.output
        assert s.limits.memory_mb == FRAMEWORK_FLOORS["memory_mb"]
        bomb = s.run("import numpy as np\nx = np.ones((100_000, 100_000))\n")
        assert bomb.kind == "memory" and "4096 MB" in bomb.error("en")
    assert "TensorFlow" in sandbox_packages() and "Keras" in sandbox_packages()


def test_framework_floors_only_for_tensorflow(limits: Limits) -> None:
    assert limits_for("import numpy as np\nimport torch\n", limits) == limits
    for code in (
        "import tensorflow as tf",
        "from tensorflow.keras.layers import Dense",
        "import keras",
    ):
        raised = limits_for(code, limits)
        assert raised.memory_mb == FRAMEWORK_FLOORS["memory_mb"]
        assert raised.processes == FRAMEWORK_FLOORS["processes"]
        assert raised.wall_seconds == FRAMEWORK_FLOORS["wall_seconds"]
        assert raised.file_mb == limits.file_mb  # the rest as the grader has them
    big = limits.with_overrides(memory_mb=8192)
    assert limits_for("import keras", big).memory_mb == 8192  # floors never lower a limit


def test_sandbox_packages_says_what_imports(limits: Limits) -> None:
    """What the prompts say the sandbox has is what really imports there."""
    said = sandbox_packages()
    assert said.startswith("numpy ")
    for shown, module in (("scikit-learn", "sklearn"), ("torch", "torch")):
        ran = run_snippet(f"import {module}\n", limits)
        assert (shown in said) == ran.ok, (shown, said, ran.error("en"))


@needs_sklearn
def test_label_encoder_probe(limits: Limits) -> None:
    """A refit on other classes fires; a fit, transforms, and a refit on the same classes do not
    (tutorials use one encoder this way all the time)."""
    fine = """
from sklearn.preprocessing import LabelEncoder
enc = LabelEncoder()
codes = enc.fit_transform(["cat", "dog", "cat"])
again = enc.fit(["dog", "cat"]).transform(["dog"])
print(codes.tolist(), again.tolist(), enc.inverse_transform([1, 0]).tolist())
"""
    res = run_snippet(fine, limits)
    assert res.ok and res.output == "[0, 1, 0] [1] ['dog', 'cat']\n", res.error("en")
    refit = fine + "enc.fit_transform(['bird'])\n"
    res = run_snippet(refit, limits)
    assert not res.ok and res.kind == "suspicious"
    assert "fitted again on different data (2 classes, then 1" in res.error("en")
    assert "LabelEncoder" in res.error("zh") and "transform()" in res.error("zh")


@needs_sklearn
def test_one_hot_promised_label_encoder_given(limits: Limits) -> None:
    text = """使用 one-hot 编码：

```python
from sklearn.preprocessing import LabelEncoder
codes = LabelEncoder().fit_transform(["a", "b", "c"])
print(codes)
```

Now one-hot, for real:

```python
import numpy as np
from sklearn.preprocessing import LabelEncoder
codes = LabelEncoder().fit_transform(["a", "b", "c"])
print(np.eye(3)[codes].shape)
```

```python
from sklearn.preprocessing import LabelEncoder
labels = LabelEncoder().fit_transform(["b", "a"])
```
"""
    promised, real, plain = run_blocks(extract_blocks(text), limits)
    assert promised.status == "failed" and promised.run.kind == "suspicious"
    assert "one-hot" in promised.run.error("en") and "[0 1 2]" in promised.run.output
    assert "独热" in promised.run.error("zh")
    assert real.verified and real.run.output == "(3, 3)\n"
    assert plain.verified  # the text before it says nothing about one-hot
