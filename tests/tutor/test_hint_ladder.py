"""One hint ladder per learner and exercise: the exercise page, the CLI and the teaching chat
continue from the same rung, and after the last hint comes a worked example, not the solution."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.config import get_settings
from dltutor.course.exercises import get_exercise
from dltutor.learning.policy import LoopState, Step
from dltutor.llm.backend import Backend
from dltutor.llm.fake import FakeLLMServer
from dltutor.store import repo
from dltutor.store.db import session_scope
from dltutor.tutor import hints
from dltutor.tutor.app import Tutor
from dltutor.tutor.teacher import Teacher

TOPIC, EXERCISE = "dl.activation_functions", "ex.sigmoid"


@pytest.fixture
def srv() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as s:
        yield s


async def say(teacher: Teacher, me: int, conv: int, text: str) -> str:
    return "".join(
        [d.text async for d in teacher.turn(learner_id=me, conversation_id=conv, text=text)]
    )


async def test_page_cli_and_chat_share_one_ladder(srv: FakeLLMServer) -> None:
    settings = get_settings()
    ex = get_exercise(EXERCISE)
    with session_scope(settings.db_url()) as db:
        me = repo.get_or_create_local_learner(db).id
        assert hints.reveal(db, me, ex) == 1 and hints.reveal(db, me, ex) == 2  # on the page
    tutor = Tutor(settings, Backend("fake", srv.base_url, model="fake-model"))
    teacher = tutor.teacher()
    conv = teacher.begin(learner_id=me, topic=TOPIC, lang="en")
    with session_scope(settings.db_url()) as db:  # the loop has reached the exercise
        c = repo.get_conversation(db, learner_id=me, conversation_id=conv)
        assert c is not None
        loop = LoopState(TOPIC, step=Step.EXERCISE, awaiting="exercise", exercise=EXERCISE)
        c.state = {"loop": loop.to_dict(), "lang": "en", "asked": None}

    third = await say(teacher, me, conv, "just tell me the answer")
    move = teacher.last.moves[-1]
    assert move.kind == "give_hint" and move.payload["rung"] == 3, move
    assert "Hint 3/3" in third and ex.hints[2]["en"][:40] in third

    example = await say(teacher, me, conv, "just tell me the answer")
    assert teacher.last.moves[-1].payload["worked_example"]
    assert ex.example["en"].strip()[:40] in example and "def sigmoid" not in example
    await tutor.aclose()

    with session_scope(settings.db_url()) as db:
        assert hints.seen(db, me, EXERCISE) == 4  # what the page shows now
    out = CliRunner().invoke(app, ["exercise", "hint", EXERCISE, "--json"])
    assert json.loads(out.stdout)["level"] == 4  # the CLI stays on the last rung
