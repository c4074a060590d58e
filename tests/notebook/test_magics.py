"""`%load_ext dltutor` in a real Jupyter kernel, run end to end by nbclient: fetch an exercise
(the starter code goes to a new cell), grade a wrong then a right solution in the sandbox, take
a hint, ask a question (the fake model over HTTP); then the outputs, and the grades, hint and
mastery the kernel wrote into this test's own DLTUTOR_HOME."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from dltutor.config import get_settings
from dltutor.course.exercises import get_exercise
from dltutor.course.render import render_markdown
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.store import repo
from dltutor.store.db import session_scope
from dltutor.tutor import hints

EX = "ex.softmax"


def run_notebook(cells: list[str], env: dict[str, str], cwd: Path) -> tuple[Any, list[Any]]:
    """Execute the cells in a fresh kernel with `env`; the notebook and each execute_reply's
    payloads (set_next_input travels there, not in the outputs)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    payloads: list[Any] = []

    def on_executed(cell: Any, cell_index: int, execute_reply: Any) -> None:
        payloads.append(execute_reply["content"].get("payload", []))

    client = NotebookClient(
        nb,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        on_cell_executed=on_executed,
    )
    client.execute(env=env)
    return nb, payloads


def html_of(cell: Any) -> str:
    """Every HTML output of a cell, in order (a display updated in place: its last state)."""
    return "\n".join(
        str(o["data"]["text/html"])
        for o in cell.outputs
        if o.get("output_type") in ("display_data", "execute_result") and "text/html" in o["data"]
    )


def kernel_env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLTUTOR_")}
    env["DLTUTOR_HOME"] = os.environ["DLTUTOR_HOME"]  # this test's own (tests/conftest.py)
    env.update(more)
    return env


def test_notebook_end_to_end(tmp_path: Path) -> None:
    ex = get_exercise(EX)
    wrong, right = ex.wrong_solutions()[0].read_text(), ex.reference_source()
    question = "What does softmax do to a vector of scores?"
    with FakeLLMServer() as llm:
        llm.enqueue(Script(chunks=["Softmax turns ", "scores into ", "probabilities $p_i$."]))
        env = kernel_env(DLTUTOR_BACKEND="vllm", DLTUTOR_BASE_URL=llm.base_url, DLTUTOR_LANG="en")
        nb, payloads = run_notebook(
            [
                "%load_ext dltutor",
                f"%dltutor exercise {EX}",
                f"%%dltutor grade {EX}\n{wrong}",
                f"%%dltutor grade {EX}\n{right}",
                f"%dltutor hint {EX}",
                f'%dltutor ask "{question}"',
                "%dltutor exercise ex.no_such_thing",
            ],
            env,
            tmp_path,
        )
    out = [html_of(c) for c in nb.cells]
    for c in nb.cells:
        assert not [o for o in c.outputs if o.get("output_type") == "error"], c.outputs

    # the exercise: title, statement with math as MathML; the starter code in a new cell
    assert ex.title["en"] in out[1] and "<math" in out[1]
    nexts = [p for p in payloads[1] if p.get("source") == "set_next_input"]
    assert nexts and nexts[0]["text"] == f"%%dltutor grade {EX}\n{ex.starter()}"
    assert nexts[0]["replace"] is False

    # wrong, then right: a table of the tests each time, and mastery moving
    assert "❌" in out[2] and "✗" in out[2] and "<table>" in out[2] and "Grading" not in out[2]
    assert "✅" in out[3] and "✗" not in out[3] and "Mastery of" in out[3]

    # the hint: rung 1 of the ladder, recorded on the shared ladder
    assert "Hint 1/" in out[4]
    assert render_markdown(hints.rung_text(ex, 1, "en")) in out[4]

    # the answer streamed in, its last state kept
    assert "scores into" in out[5] and "probabilities" in out[5] and "answering" not in out[5]
    assert "Unknown exercise" in out[6]

    with session_scope(get_settings().db_url()) as db:
        me = repo.get_or_create_local_learner(db)
        grades = repo.list_grades(db, learner_id=me.id, exercise_id=EX)
        assert [g.passed for g in grades] == [False, True]
        assert repo.topic_states(db, learner_id=me.id)[ex.topic].mastery > 0.2
        assert hints.seen(db, me.id, EX) == 1
        conversations = repo.list_conversations(db, learner_id=me.id)
        assert conversations, "the question is kept like a chat from the web"
        kept = repo.list_messages(db, learner_id=me.id, conversation_id=conversations[0].id)
        assert [m.role for m in kept] == ["user", "assistant"] and kept[0].content == question


def test_importing_dltutor_does_not_import_ipython() -> None:
    import subprocess
    import sys

    code = "import sys, dltutor; dltutor.Course; print('IPython' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "False"


@pytest.mark.engine
def test_notebook_ask_on_the_embedded_engine(tmp_path: Path) -> None:
    """The same `ask`, on the real embedded model (short answer: this is about the plumbing)."""
    env = kernel_env(DLTUTOR_LANG="en", DLTUTOR_ENGINE_MAX_TOKENS="24")
    nb, _ = run_notebook(
        ["%load_ext dltutor", '%dltutor ask "What is a neural network?"'], env, tmp_path
    )
    answer = html_of(nb.cells[1])
    assert "dltutor-answer" in answer and "answering" not in answer
    with session_scope(get_settings().db_url()) as db:  # the model answered, not the course
        me = repo.get_or_create_local_learner(db)
        conv = repo.list_conversations(db, learner_id=me.id)[0]
        reply = repo.list_messages(db, learner_id=me.id, conversation_id=conv.id)[-1]
    assert reply.backend == "embedded" and reply.content.strip()
    first_word = re.findall(r"[A-Za-z]{3,}", reply.content)[0]
    assert first_word in answer  # what was stored is what the notebook shows
