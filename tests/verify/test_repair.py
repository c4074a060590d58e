"""The repair loop against a scripted model: pass, fail-then-repaired, never works, no model."""

from __future__ import annotations

import socket

from dltutor.grader.limits import Limits
from dltutor.llm.client import LLMClient
from dltutor.llm.fake import FakeLLMServer
from dltutor.verify import annotate, verify_answer
from dltutor.verify.repair import code_from_reply
from tests.verify.conftest import client_for, fenced, reply

PASSES = "import numpy as np\nx = np.array([1.0, 2.0])\nprint(x @ x)\nassert x @ x == 5.0\n"
BROKEN = "import numpy as np\nprint(np.dot([1, 2], [3]))\n"
FIXED = "import numpy as np\nv = np.dot([1, 2], [3, 4])\nprint(v)\nassert v == 11\n"


async def test_a_block_that_passes_needs_no_model(fake_llm: FakeLLMServer, limits: Limits) -> None:
    client = client_for(fake_llm)
    results = await verify_answer(f"Look:\n\n{fenced(PASSES)}\n", "en", client, limits=limits)
    await client.aclose()
    [res] = results
    assert res.verified and not res.repaired and not res.repair_tried
    assert res.run.output == "5.0\n" and res.run.checks == 1
    assert fake_llm.requests == []  # nothing to repair, nothing asked


async def test_a_failing_block_is_repaired(fake_llm: FakeLLMServer, limits: Limits) -> None:
    fake_llm.enqueue(reply(f"The shapes differ. Here is the fix:\n\n{fenced(FIXED)}\n"))
    client = client_for(fake_llm)
    text = f"Dot product:\n\n{fenced(BROKEN)}\n\nDone."
    [res] = await verify_answer(text, "en", client, max_repairs=2, limits=limits)
    await client.aclose()
    assert res.verified and res.repaired and res.code.strip() == FIXED.strip()
    assert [a.by for a in res.attempts] == ["original", "model"]
    assert res.attempts[0].run.error_type == "ValueError" and res.run.output == "11\n"
    # the model was sent the code and what went wrong, and asked for the block only
    [req] = fake_llm.requests
    user = req["messages"][-1]["content"]
    assert "np.dot([1, 2], [3])" in user and "ValueError" in user and "Traceback" in user
    assert "numpy" in req["messages"][0]["content"]
    shown = annotate(text, [res], "en")
    assert "v = np.dot([1, 2], [3, 4])" in shown and "np.dot([1, 2], [3]))" not in shown
    assert "✓ verified after repair" in shown and "ValueError" in shown and "11" in shown


async def test_a_block_that_never_works_is_unverified_with_its_error(
    fake_llm: FakeLLMServer, limits: Limits
) -> None:
    original = "import jax\nprint(jax.numpy.ones(1))\n"  # a framework the sandbox never has
    fake_llm.enqueue(
        reply(fenced("import flax\nprint(flax.__version__)")),
        reply("I am sorry, I cannot run code."),  # no code at all
    )
    client = client_for(fake_llm)
    text = f"# Model\n\n{fenced(original)}\n"
    [res] = await verify_answer(text, "zh", client, max_repairs=2, limits=limits)
    await client.aclose()
    assert res.status == "failed" and res.repair_tried and not res.verified
    assert res.code == original  # shown as written, never swapped for a failed repair
    assert len(res.attempts) == 3 and res.attempts[2].note == "模型的回复里没有代码块"
    assert "flax" in res.attempts[1].run.error("en")
    shown = annotate(text, [res], "zh", article=True)
    assert "✗ 未通过验证" in shown and "请勿直接照搬" in shown
    assert "沙箱中没有 `jax`" in shown and "ModuleNotFoundError" in shown
    assert "修复尝试 2 次" in shown


async def test_the_same_code_back_is_not_a_repair(fake_llm: FakeLLMServer, limits: Limits) -> None:
    fake_llm.enqueue(reply(fenced(BROKEN)))
    client = client_for(fake_llm)
    [res] = await verify_answer(fenced(BROKEN), "en", client, max_repairs=1, limits=limits)
    await client.aclose()
    assert not res.verified and res.attempts[1].note == "the model returned the same code"


async def test_an_unreachable_model_leaves_the_block_failed(limits: Limits) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = LLMClient(f"http://127.0.0.1:{port}/v1", model="m", retries=0, connect_timeout=2)
    [res] = await verify_answer(fenced(BROKEN), "en", client, max_repairs=3, limits=limits)
    await client.aclose()
    assert res.status == "failed" and len(res.attempts) == 2
    assert res.attempts[1].note.startswith("the model failed")


async def test_without_a_model_nothing_is_repaired(limits: Limits) -> None:
    text = f"{fenced(PASSES)}\n\n{fenced(BROKEN)}\n\n```bash\nls /\n```\n"
    results = await verify_answer(text, "en", None, limits=limits)
    assert [r.status for r in results] == ["verified", "failed"]
    assert not results[1].repair_tried and results[1].badge("en") == "✗ failed"


def test_code_from_reply() -> None:
    assert code_from_reply("x\n```python\na = 1\n```\n```python\nb = 2\n```") == "a = 1\n"
    assert code_from_reply("```\nc = 3\n```") == "c = 3\n"
    assert code_from_reply("d = 4") == "d = 4\n"
    assert code_from_reply("Sorry, I can't.") is None
    assert code_from_reply("Sorry") is None
