"""The teaching loop when the grading queue is full: the learner is told when to paste the code
again, nothing is graded or stored, and the loop still awaits the exercise."""

from __future__ import annotations

from dltutor import Course
from dltutor.config import get_settings
from dltutor.learning.policy import LoopState
from dltutor.llm.backend import Backend
from dltutor.store import repo
from dltutor.store.db import session_scope
from dltutor.tutor.app import Tutor
from dltutor.tutor.texts import phrase
from tests.grader.queue_helpers import GOOD, needs_redis, redis_db

TOPIC, EXERCISE = "dl.activation_functions", "ex.dot_product"


@needs_redis
async def test_a_full_queue_is_said_and_the_exercise_still_awaited() -> None:
    with redis_db(15) as url:
        settings = get_settings().model_copy(
            update={"redis_url": url, "grader_queue_limit": 0, "grader_retry_after": 9}
        )
        teacher = Tutor(settings, Backend("none"), course=Course.load()).teacher()
        with session_scope(settings.db_url()) as db:
            me = repo.get_or_create_local_learner(db).id
        conv = teacher.begin(learner_id=me, topic=TOPIC, lang="en")
        with session_scope(settings.db_url()) as db:  # the loop has just given the exercise
            row = repo.get_conversation(db, learner_id=me, conversation_id=conv)
            assert row is not None
            loop = LoopState(topic=TOPIC, awaiting="exercise", exercise=EXERCISE)
            row.state = {**row.state, "loop": loop.to_dict(), "lang": "en"}
        said = "".join(
            [
                d.text
                async for d in teacher.turn(
                    learner_id=me, conversation_id=conv, text=f"```python\n{GOOD}```"
                )
            ]
        )
        assert phrase("grading_busy", "en", seconds=9) in said
        assert teacher.last.grade is None and not teacher.last.moves
        with session_scope(settings.db_url()) as db:
            assert repo.list_grades(db, learner_id=me, exercise_id=EXERCISE) == []
            row = repo.get_conversation(db, learner_id=me, conversation_id=conv)
            assert row is not None and row.state["loop"]["awaiting"] == "exercise"
