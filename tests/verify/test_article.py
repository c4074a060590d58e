"""`dltutor article` and `dltutor run-code` end to end, against a scripted model server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.llm.fake import FakeLLMServer
from dltutor.verify.article import PARTS, unwrap, write_article
from tests.verify.conftest import FIXTURES, client_for, fenced, reply

runner = CliRunner()

GOOD = """
import numpy as np
X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
y = np.array([0, 1, 1])
W = np.zeros((2, 2))
for _ in range(200):
    Z = X @ W
    P = np.exp(Z - Z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    W -= 0.5 * X.T @ (P - np.eye(2)[y]) / len(X)
pred = (X @ W).argmax(1)
print("predictions", pred)
assert (pred == y).all()
"""
BROKEN = "intents = {}\nprint(intents['greet'])\n"  # a program that fails (a KeyError)
FIXED = (
    "intents = {'greet': 'Hello!'}\nprint(intents['greet'])\nassert intents['greet'] == 'Hello!'\n"
)


def article_text(lang: str, second: str) -> str:
    p = PARTS[lang]
    return f"""# 聊天机器人教程

## {p[0]}

聊天机器人要先识别意图 [proj.chatbot · 直觉与比喻]。

## {p[1]}

标签是意图类别，每个类别一个输出 [proj.chatbot · 准确的概念]。

## {p[2]}

softmax 与交叉熵。

## {p[3]}

{fenced(GOOD)}

然后：

{fenced(second)}

## {p[4]}

更大的模型。

## {p[5]}

**问：为什么不用 LabelEncoder？** 因为句子不是类别 [proj.chatbot · 常见误区]。
"""


def test_article_end_to_end_with_a_repair(
    fake_llm: FakeLLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.enqueue(reply(article_text("zh", BROKEN)), reply(f"修复如下：\n\n{fenced(FIXED)}"))
    out = tmp_path / "article.md"
    res = runner.invoke(app, ["article", "proj.chatbot", "--lang", "zh", "--out", str(out)])
    assert res.exit_code == 0, res.output
    md = out.read_text(encoding="utf-8")
    for part in PARTS["zh"]:
        assert f"## {part}" in md
    assert md.startswith("# 聊天机器人教程\n")
    assert "2 个中 2 个已验证（其中 1 个经过修复）" in md
    assert "✓ 已验证" in md and "✓ 修复后已验证" in md
    assert "predictions [0 1 1]" in md and "Hello!" in md  # what each block printed
    assert "intents = {'greet': 'Hello!'}" in md  # the repaired code is what is shown
    assert "## 代码验证记录" in md and "KeyError" in md  # the first version's error, logged
    assert "## 参考来源" in md and "[proj.chatbot · 准确的概念]" in md.split("## 参考来源")[1]
    # the article was grounded in the lesson, with the labels it was asked to cite
    writing, repairing = fake_llm.requests
    system = writing["messages"][0]["content"]
    assert "[proj.chatbot · 准确的概念]" in system and "softmax" in system
    assert all(p in system for p in PARTS["zh"])
    assert "KeyError" in repairing["messages"][-1]["content"]


def test_article_with_a_block_that_never_works_exits_1(fake_llm: FakeLLMServer) -> None:
    fake_llm.enqueue(
        reply(article_text("zh", "import jax\n")),  # a framework the sandbox never has
        reply(fenced("import torch_nonexistent\n")),
        reply(fenced("import flax\n")),
    )
    res = runner.invoke(app, ["article", "proj.chatbot", "--lang", "zh", "--json"])
    assert res.exit_code == 1, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert [b["status"] for b in summary["blocks"]] == ["verified", "failed"]
    assert "jax" in summary["blocks"][1]["error"] and summary["blocks"][1]["runs"] == 3
    md = summary["markdown"]
    assert "✗ 未通过验证" in md and "请勿直接照搬" in md and "ModuleNotFoundError" in md
    assert "1 个无法运行" in md


def test_seed002_bug_in_numpy_is_caught() -> None:
    """The same chatbot in numpy runs without an exception, and is still not verified: argmax
    over its single sigmoid output is always 0, so it 'answers' with the question itself."""
    draft = FIXTURES / "seed002_numpy.md"
    res = runner.invoke(
        app, ["article", "proj.chatbot", "--draft", str(draft), "--llm", "none", "--json"]
    )
    assert res.exit_code == 1, res.output
    blocks = json.loads(res.stdout.strip().splitlines()[-1])["blocks"]
    assert [b["status"] for b in blocks] == ["verified", "verified", "failed"]
    assert "['你喜欢什么样的音乐？']" in blocks[2]["output"]  # the new question, not an answer
    assert "argmax" in blocks[2]["error"] and "永远是 0" in blocks[2]["error"]


@pytest.mark.parametrize("argmax", ["np.argmax(prediction, axis=1)", "prediction.argmax(axis=1)"])
async def test_seed002_bug_fails_its_own_assert(argmax: str) -> None:
    """With the check a verified article must carry (the answer is one of the answers), the
    bug fails as an assertion, however argmax is spelled."""
    draft = (FIXTURES / "seed002_numpy.md").read_text(encoding="utf-8")
    draft = draft.replace("np.argmax(prediction, axis=1)", argmax).rstrip()
    draft = draft[: -len("```")] + "assert predicted_answer[0] in answers, predicted_answer\n```\n"
    art = await write_article("proj.chatbot", "en", draft=draft)
    last = art.blocks[-1]
    assert not last.verified and last.run.error_type == "AssertionError"
    assert "你喜欢什么样的音乐？" in last.run.error("en")


def test_bad_input_exits_2(tmp_path: Path) -> None:
    draft = str(FIXTURES / "seed002_numpy.md")
    unknown = runner.invoke(app, ["article", "no.such", "--llm", "none", "--draft", draft])
    assert unknown.exit_code == 2 and "unknown topic" in unknown.output
    assert runner.invoke(app, ["article", "proj.chatbot", "--lang", "fr"]).exit_code == 2
    missing = tmp_path / "missing.md"
    assert runner.invoke(app, ["article", "proj.chatbot", "--draft", str(missing)]).exit_code == 2
    assert runner.invoke(app, ["article", "proj.chatbot", "--llm", "none"]).exit_code == 2


def test_unknown_topic_without_draft_exits_2(fake_llm: FakeLLMServer) -> None:
    res = runner.invoke(app, ["article", "no.such_topic"])
    assert res.exit_code == 2 and "unknown topic" in res.output
    assert fake_llm.requests == []


async def test_small_model_note_and_missing_parts(fake_llm: FakeLLMServer) -> None:
    fake_llm.enqueue(
        reply("# Chatbots\n\n## 1. Background\n\nBots talk.\n\n" + fenced("print(undefined_name)"))
    )
    client = client_for(fake_llm)
    art = await write_article(
        "proj.chatbot", "en", client=client, max_repairs=0, small_model=True, model_name="smol"
    )
    await client.aclose()
    assert not art.all_verified and art.missing_parts == PARTS["en"][1:]
    assert len(art.problems()) == 2  # the failed block, the missing parts
    md = art.markdown
    assert "built-in small model" in md and "A real model" in md
    assert "Parts the model left out" in md and "The model cited none" in md
    # the small model gets a short prompt that fits its context
    assert len(fake_llm.requests[0]["messages"][0]["content"]) < 4000
    assert fake_llm.requests[0]["max_tokens"] <= 1024


def test_run_code(tmp_path: Path) -> None:
    ok = tmp_path / "ok.py"
    ok.write_text("print('hello')\nassert 1 + 1 == 2\n")
    res = runner.invoke(app, ["run-code", str(ok)])
    assert res.exit_code == 0 and "✓ verified" in res.output and "hello" in res.output
    bad = runner.invoke(app, ["run-code", "-", "--lang", "zh"], input="raise ValueError('no')\n")
    assert bad.exit_code == 1 and "✗ 运行失败" in bad.output and "ValueError" in bad.output
    md = tmp_path / "a.md"
    md.write_text(f"{fenced('k = 5')}\n\n{fenced('print(k * 2)')}\n")
    again = runner.invoke(app, ["run-code", str(md), "--block", "2", "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)[0]["run"]["output"] == "10\n"
    assert runner.invoke(app, ["run-code", str(md), "--block", "3"]).exit_code == 2
    assert runner.invoke(app, ["run-code", str(tmp_path / "nope.py")]).exit_code == 2


def test_an_article_wrapped_in_a_markdown_fence_is_unwrapped() -> None:
    inner = "# T\n\n```python\nx = 1\n```\n"
    assert unwrap(f"```markdown\n{inner}```\n") == inner
    assert unwrap(inner) == inner


def test_an_article_without_code_is_not_a_success(fake_llm: FakeLLMServer) -> None:
    """What the embedded model really wrote once: prose only, repeated, cut at the limit."""
    fake_llm.enqueue(
        reply("### What is a chatbot?\n\nA chatbot is a program. " * 5),
    )
    res = runner.invoke(app, ["article", "proj.chatbot", "--lang", "en", "--json"])
    assert res.exit_code == 1
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert (
        summary["blocks"] == [] and "This article has no Python code to run." in summary["problems"]
    )
