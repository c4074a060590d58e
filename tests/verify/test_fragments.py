"""Programs run; fragments that only refer to context are labelled, not run and not 'failed'."""

from __future__ import annotations

from dltutor.grader.limits import Limits
from dltutor.verify.answers import run_answer
from dltutor.verify.blocks import verdict_markdown
from dltutor.verify.fragments import free_names


def test_free_names() -> None:
    assert free_names("loss.backward()  # PyTorch 自动完成") == {"loss"}
    assert free_names("import numpy as np\nprint(np.ones(3).sum())") == set()
    assert free_names("def f(x):\n    return [y * x for y in range(3)]\nf(2)") == set()
    assert free_names("print(x.sum())", defined={"x"}) == set()
    assert free_names("for each layer: do it") is None  # not Python: run, and fails as such


def test_a_fragment_is_labelled_and_programs_continue_earlier_blocks(limits: Limits) -> None:
    answer = (
        "先准备数据：\n\n```python\nimport numpy as np\nx = np.ones(3)\n```\n\n"
        "然后：\n\n```python\nprint(x.sum())\n```\n\n"
        "在 PyTorch 里这一步是：\n\n```python\nloss.backward()  # PyTorch 自动完成\n```\n"
    )
    first, second, third = run_answer(answer, limits)
    assert (first.status, second.status) == ("verified", "verified")
    assert second.run.output == "3.0\n"
    assert third.status == "fragment" and third.run.seconds == 0.0
    assert "`loss`" in third.run.error("zh") and "片段" in third.badge("zh")
    shown = verdict_markdown(third, "zh")
    assert "运行失败" not in shown and "NameError" not in shown


def test_a_broken_program_still_fails(limits: Limits) -> None:
    (res,) = run_answer("```python\nx = [1, 2, 3]\nprint(x[5])\n```\n", limits)
    assert res.status == "failed" and res.run.error_type == "IndexError"
