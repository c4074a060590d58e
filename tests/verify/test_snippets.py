"""Running snippets in the sandbox: verdicts, shared sessions, limits, learner-readable errors."""

from __future__ import annotations

import textwrap

from dltutor.grader.limits import Limits
from dltutor.verify.snippets import BLOCK_OUTPUT_CHARS, CodeSession, count_checks, run_snippet


def run(code: str, limits: Limits) -> object:
    return run_snippet(textwrap.dedent(code), limits)


def test_a_clean_block_is_ok_with_its_output(limits: Limits) -> None:
    res = run_snippet(
        "import numpy as np\nx = np.arange(3)\nprint(x.sum())\nassert x.sum() == 3\n", limits
    )
    assert res.ok and res.kind == "ok" and res.exit_status == 0
    assert res.output == "3\n" and res.checks == 1 and not res.timed_out
    assert res.isolation in ("bwrap", "rlimits") and res.errors == {}


def test_an_exception_fails_with_traceback_and_both_languages(limits: Limits) -> None:
    res = run_snippet("print('start')\n1 / 0\n", limits)
    assert not res.ok and res.kind == "error" and res.exit_status == 1
    assert res.error_type == "ZeroDivisionError" and res.line == 2
    assert res.output.startswith("start\nTraceback")  # printed output, then the traceback
    assert 'File "<block 1>", line 2' in res.traceback and "1 / 0" in res.traceback
    assert "ZeroDivisionError" in res.error("en") and "ZeroDivisionError" in res.error("zh")


def test_missing_package_is_explained(limits: Limits) -> None:
    res = run_snippet("import jax\n", limits)  # a framework the sandbox never has
    assert not res.ok and "jax" in res.error("en") and "numpy" in res.error("en")
    assert "沙箱中没有 `jax`" in res.error("zh")
    # the traceback is the code's own: no frame of the runner or of its import watcher
    assert 'File "<block 1>", line 1' in res.traceback and "solution.py" not in res.traceback


def test_failed_assert_means_failed(limits: Limits) -> None:
    res = run_snippet("y = 0.5\nassert y == 2, 'a sigmoid cannot output 2'\n", limits)
    assert not res.ok and res.error_type == "AssertionError"
    assert "a sigmoid cannot output 2" in res.error("en") and "assert" in res.error("zh")


def test_syntax_error_names_the_line(limits: Limits) -> None:
    res = run_snippet("x = 1\ndef f(:\n    pass\n", limits)
    assert not res.ok and res.line == 2 and "line 2" in res.error("en")


def test_exit_status(limits: Limits) -> None:
    assert run_snippet("import sys\nsys.exit(0)\n", limits).ok
    bad = run_snippet("import sys\nsys.exit(3)\n", limits)
    assert not bad.ok and bad.kind == "exit" and bad.exit_status == 3
    died = run_snippet("import os\nprint('bye', flush=True)\nos._exit(4)\n", limits)
    assert not died.ok and died.exit_status == 4 and "bye" in died.output


def test_blocks_share_a_session_in_order(limits: Limits) -> None:
    with CodeSession(limits) as s:
        assert s.run("def double(v):\n    return 2 * v\nx = 21\n").ok
        res = s.run("print(double(x))\n")
        assert res.ok and res.output == "42\n"
        # a failing block leaves what ran before it
        assert not s.run("x = 1\nraise RuntimeError('half done')\n").ok
        assert s.run("print(x)\n").output == "1\n"


def test_after_a_timeout_the_session_is_rebuilt(limits: Limits) -> None:
    fast = limits.with_overrides(wall_seconds=1.5)
    with CodeSession(fast) as s:
        assert s.run("import numpy as np\nw = np.ones(3)\n").ok
        slow = s.run("import time\nprint('epoch 1', flush=True)\ntime.sleep(60)\n")
        assert not slow.ok and slow.kind == "timeout" and slow.timed_out
        assert slow.output == "epoch 1\n"  # what it printed before it was stopped
        assert "1.5" in slow.error("en")
        again = s.run("print(w.sum())\n")  # earlier clean blocks were replayed
        assert again.ok and again.output == "3.0\n"


def test_output_is_capped(limits: Limits) -> None:
    res = run_snippet("for i in range(200_000):\n    print('x' * 50)\n", limits)
    assert res.ok and len(res.output) == BLOCK_OUTPUT_CHARS
    assert res.output_total > 10_000_000 // 2
    assert "more characters not kept" in res.output_text("en")


def test_warnings_are_shown_as_python_shows_them(limits: Limits) -> None:
    res = run_snippet("import warnings\nwarnings.warn('careful')\nprint('done')\n", limits)
    assert res.ok and "UserWarning: careful" in res.output and res.output.endswith("done\n")


def test_argmax_over_one_output_is_caught(limits: Limits) -> None:
    res = run_snippet(
        "import numpy as np\np = np.array([[0.7], [0.2]])\nprint(np.argmax(p, axis=1))\n", limits
    )
    assert not res.ok and res.kind == "suspicious" and res.exit_status == 0
    assert "always gives 0" in res.error("en") and "永远是 0" in res.error("zh")
    fine = run_snippet(
        "import numpy as np\nprint(np.argmax(np.array([[0.1, 0.9]]), axis=1))\n", limits
    )
    assert fine.ok


def test_count_checks() -> None:
    code = "assert 1\nnp.testing.assert_allclose(a, b)\nself.assertEqual(1, 1)\nprint(2)\n"
    assert count_checks(code) == 3
    assert count_checks("def (:") == 0
