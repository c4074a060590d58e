"""The teaching loop in a conversation: the policy decides, dltutor or the model speaks.

One call to `Teacher.turn()` takes the learner's message (or none, to begin), judges it when
it answers a question the tutor asked, grades it when it is code for the current exercise,
asks the policy for the next move, and carries the move out — continuing through moves that
need no answer (an explanation flows into its check question) until the tutor waits for the
learner. Fixed course material (questions, exercises, hints) is dltutor's own text; the model
explains and answers free questions, grounded in the lesson. Everything lands in the store.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from dltutor import prompts
from dltutor.i18n import detect_lang
from dltutor.learning.policy import (
    AdvancePayload,
    CheckPayload,
    ExercisePayload,
    ExplainPayload,
    HintPayload,
    Intent,
    LoopState,
    Move,
    ProbePayload,
    RecapPayload,
    SolutionPayload,
    classify,
    decide,
)
from dltutor.llm.budget import PromptParts
from dltutor.llm.errors import LLMError
from dltutor.llm.types import Delta, Message
from dltutor.store import repo
from dltutor.tutor import hints, record
from dltutor.tutor.judge import Judgement, judge
from dltutor.tutor.texts import phrase

if TYPE_CHECKING:
    from dltutor.tutor.app import Tutor

WAITS = {
    "probe_prerequisite",
    "recap_prerequisite",
    "ask_check_question",
    "give_exercise",
    "give_hint",
    "give_solution",
    "answer_question",
    "review",
}
MAX_MOVES_PER_TURN = 4
# How much of a lesson section the course-text explanation shows at once (characters; Chinese
# says more per character), and how much of a prerequisite's analogy a recap quotes.
SECTION_CHARS = {"zh": 700, "en": 1400}
RECAP_CHARS = {"zh": 300, "en": 600}
_CODE = re.compile(r"```(?:python|py)?\s*\n(.*?)```", re.S)


@dataclass
class TurnResult:
    """What a turn did, for callers that show more than the text (web badges, tests)."""

    moves: list[Move] = field(default_factory=list)
    judgement: Judgement | None = None
    grade: Any = None
    message_ids: list[int] = field(default_factory=list)
    asked: dict[str, Any] | None = None  # the question the tutor now waits an answer to


class Teacher:
    def __init__(self, app: Tutor, on_position: Callable[[int], None] | None = None) -> None:
        self.app = app
        self.chat, self.course, self.client = app.chat, app.course, app.client
        self.sessions = app.sessions
        self.on_position = on_position  # told the learner's place while a reply waits for a slot
        self.last = TurnResult()

    # ---- conversations ----------------------------------------------------------------------
    def begin(self, *, learner_id: int, topic: str, lang: str = "zh") -> int:
        """A new conversation that teaches `topic`; returns its id. Call `turn()` to start."""
        if topic not in self.course:
            raise LookupError(f"unknown topic {topic!r}")
        with self.sessions() as db, db.begin():
            conv = repo.create_conversation(
                db,
                learner_id=learner_id,
                title=self.course.title(topic, lang),
                lang=lang,
                topic=topic,
            )
            conv.state = {"loop": LoopState(topic).to_dict(), "lang": lang, "asked": None}
            return conv.id

    def _state(self, learner_id: int, conversation_id: int) -> dict[str, Any]:
        with self.sessions() as db:
            conv = repo.get_conversation(db, learner_id=learner_id, conversation_id=conversation_id)
            if conv is None or "loop" not in (conv.state or {}):
                raise LookupError(f"no teaching conversation {conversation_id}")
            return dict(conv.state)

    def _save_state(self, learner_id: int, conversation_id: int, state: dict[str, Any]) -> None:
        with self.sessions() as db, db.begin():
            conv = repo.get_conversation(db, learner_id=learner_id, conversation_id=conversation_id)
            if conv is not None:
                conv.state = state
                conv.topic = state["loop"]["topic"]

    # ---- one turn ---------------------------------------------------------------------------
    async def turn(
        self, *, learner_id: int, conversation_id: int, text: str | None = None
    ) -> AsyncIterator[Delta]:
        self.last = result = TurnResult()
        st = self._state(learner_id, conversation_id)
        loop, lang, asked = LoopState.from_dict(st["loop"]), st.get("lang", "zh"), st.get("asked")
        if text is not None:  # the answer's language follows the learner's message
            lang = detect_lang(text, lang)
        if loop.exercise:  # hints opened on the exercise page or in the CLI count here too
            with self.sessions() as db:
                loop.hints_given = max(loop.hints_given, hints.seen(db, learner_id, loop.exercise))
        intent: Intent | None = None
        score: float | None = None
        passed: bool | None = None
        if text is not None:
            with self.sessions() as db, db.begin():
                conv = repo.get_conversation(
                    db, learner_id=learner_id, conversation_id=conversation_id
                )
                assert conv is not None
                repo.add_message(db, conversation=conv, role="user", content=text)
            code = _code_in(text)
            if loop.awaiting == "exercise" and loop.exercise and code:
                # here, not at the top: the grader and the queue cost ~0.5 s to import, and
                # most turns never grade
                from dltutor.grader.queue import GradingBusy, GradingFailed

                try:
                    passed = await self._grade(
                        learner_id, conversation_id, loop.exercise, code, lang, result
                    )
                except (GradingBusy, GradingFailed) as e:
                    # not graded: say so and when to resubmit; the loop still awaits the code
                    said = _not_graded_text(e, lang)
                    async for d in self._post(learner_id, conversation_id, result, said):
                        yield d
                    return
                async for d in self._post(
                    learner_id, conversation_id, result, self._grade_text(result.grade, lang)
                ):
                    yield d
            else:
                intent = classify(text)
                if asked and intent in (Intent.ANSWER, Intent.DONT_KNOW):
                    dont_know = intent == Intent.DONT_KNOW
                    j = await self._judge(learner_id, asked, "" if dont_know else text, lang)
                    result.judgement = j
                    # "I don't know" is met with encouragement and the key point, never a score
                    said = (
                        self._dont_know(asked, lang)
                        if dont_know
                        else phrase("feedback", lang, score=j.score, feedback=j.feedback)
                    )
                    async for d in self._post(learner_id, conversation_id, result, said):
                        yield d
                    if asked["kind"] == "review":
                        intent, asked = Intent.CONTINUE, None
                    else:
                        score, asked = j.score, None
        for _ in range(MAX_MOVES_PER_TURN):
            with self.sessions() as db:
                rec = record.load_record(db, learner_id)
            due = record.reviews.due(rec.cards) if loop.step == "next" else []
            move, loop = decide(
                self.course,
                rec.mastery.p,
                loop,
                intent=intent,
                score=score,
                passed=passed,
                due_reviews=due,
                lang=lang,
                hints_available=self._hints(loop.exercise),
            )
            result.moves.append(move)
            intent = score = passed = None
            result.asked = None
            async for d in self._carry_out(move, learner_id, conversation_id, lang, result):
                yield d
            asked = result.asked
            if move.kind in WAITS:
                break
        self._save_state(
            learner_id, conversation_id, {"loop": loop.to_dict(), "lang": lang, "asked": asked}
        )

    # ---- carrying out a move ----------------------------------------------------------------
    async def _carry_out(
        self, move: Move, learner_id: int, conv: int, lang: str, result: TurnResult
    ) -> AsyncIterator[Delta]:
        """Carry out one move: the model phrases explanations and answers (streamed); every
        other move is dltutor's own text (`SAID`). A move this version does not know says
        nothing rather than guess."""
        if move.kind == "explain":
            async for d in self._explain_move(move, learner_id, conv, lang, result):
                yield d
            return
        if move.kind == "answer_question":
            async for d in self._answer(learner_id, conv, lang, result):
                yield d
            return
        said = SAID.get(move.kind)
        if said is None:
            return
        text = said(self, move, learner_id, lang, result)
        async for d in self._post(
            learner_id, conv, result, text, {"move": move.kind, "topic": move.topic}
        ):
            yield d

    def _probe(self, move: Move, learner_id: int, lang: str, result: TurnResult) -> str:
        p = cast(ProbePayload, move.payload)
        pre = p["prerequisite"]
        q, rubric = self._question(pre, lang, 0)
        result.asked = {"kind": "probe", "topic": pre, "question": q, "rubric": rubric}
        c = self.course
        return phrase(
            "probe", lang, prereq=c.title(pre, lang), topic=c.title(move.topic, lang), question=q
        )

    def _recap(self, move: Move, learner_id: int, lang: str, result: TurnResult) -> str:
        p = cast(RecapPayload, move.payload)
        pre = p["prerequisite"]
        q, rubric = self._question(pre, lang, 1)  # not the probe's question: a simpler one
        result.asked = {"kind": "recap", "topic": pre, "question": q, "rubric": rubric}
        c = self.course
        return phrase(
            "recap",
            lang,
            prereq=c.title(pre, lang),
            topic=c.title(move.topic, lang),
            idea=self._key_idea(pre, lang),
            question=q,
        )

    def _check(self, move: Move, learner_id: int, lang: str, result: TurnResult) -> str:
        p = cast(CheckPayload, move.payload)
        q, rubric = self._question(move.topic, lang, int(p.get("index", 0)))
        result.asked = {"kind": "check", "topic": move.topic, "question": q, "rubric": rubric}
        return phrase("check_again" if p.get("repeat") else "check", lang, question=q)

    def _review(self, move: Move, learner_id: int, lang: str, result: TurnResult) -> str:
        q, rubric = self._question(move.topic, lang, 0)
        result.asked = {"kind": "review", "topic": move.topic, "question": q, "rubric": rubric}
        return phrase("review", lang, title=self.course.title(move.topic, lang), question=q)

    def _give_exercise(self, move: Move, learner_id: int, lang: str, result: TurnResult) -> str:
        ex = self._exercise(cast(ExercisePayload, move.payload)["exercise"])
        return phrase(
            "exercise",
            lang,
            id=ex.id,
            title=ex.title.get(lang, ex.id),
            statement=ex.statement.get(lang, ""),
        )

    def _hint(self, move: Move, learner_id: int, lang: str, result: TurnResult) -> str:
        """A rung of the ladder the page and the CLI share."""
        p = cast(HintPayload, move.payload)
        with self.sessions() as db, db.begin():
            return hints.chat_rung(db, learner_id, self._exercise(p["exercise"]), dict(p), lang)

    def _solution(self, move: Move, learner_id: int, lang: str, result: TurnResult) -> str:
        ex = self._exercise(cast(SolutionPayload, move.payload)["exercise"])
        return phrase("solution", lang, code=ex.reference_source())

    def _advance(self, move: Move, learner_id: int, lang: str, result: TurnResult) -> str:
        p = cast(AdvancePayload, move.payload)
        key = "finished" if p.get("finished") else "resume" if p.get("resume") else "advance"
        return phrase(key, lang, title=self.course.title(move.topic, lang))

    async def _explain_move(
        self, move: Move, learner_id: int, conv: int, lang: str, result: TurnResult
    ) -> AsyncIterator[Delta]:
        detour_from = cast(ExplainPayload, move.payload).get("detour_from")
        if detour_from:
            c = self.course
            said = phrase(
                "detour",
                lang,
                prereq=c.title(move.topic, lang),
                topic=c.title(detour_from, lang),
            )
            async for d in self._post(learner_id, conv, result, said):
                yield d
        async for d in self._explain(move, learner_id, conv, lang, result):
            yield d

    async def _post(
        self,
        learner_id: int,
        conv: int,
        result: TurnResult,
        text: str,
        meta: dict[str, Any] | None = None,
    ) -> AsyncIterator[Delta]:
        result.message_ids.append(
            self.chat.post(learner_id=learner_id, conversation_id=conv, text=text, meta=meta)
        )
        yield Delta("answer", text + "\n\n")

    async def _explain(
        self, move: Move, learner_id: int, conv: int, lang: str, result: TurnResult
    ) -> AsyncIterator[Delta]:
        topic = self.course[move.topic]
        lesson = topic.lesson(lang)
        cite = [f"{topic.id} · lesson"]
        if lesson is None or not self.chat.speaks(lang):
            key = "unspoken_explain" if self.client is not None else "no_model_explain"
            async for d in self._explain_from_course(move, learner_id, conv, lang, result, key):
                yield d
            return
        focus = ""
        if move.payload.get("focus_check_question") is not None:
            q, _ = self._question(move.topic, lang, int(move.payload["focus_check_question"]))
            focus = phrase("focus", lang, question=q)
        ask = prompts.load("explain", lang).format(
            title=self.course.title(move.topic, lang),
            depth=move.depth,
            depth_hint=phrase(f"depth.{move.depth}", lang),
            focus=focus,
            topic=move.topic,
        )
        # The lesson goes in as course material, its sections in the order they teach, so that
        # fitting the model's window keeps the analogy and the idea before the worked example.
        sections = [lesson.sections.get(k, "") for k in ("intuition", "idea", "example")]
        parts = PromptParts(
            system=prompts.load("tutor", lang),
            current=Message("user", ask),
            grounding=[f"[{topic.id} · lesson]\n{s}" for s in sections if s],
            lang=lang,
        )
        turn = self.chat.open_reply(learner_id=learner_id, conversation_id=conv)
        turn.citations = cite
        result.message_ids.append(turn.assistant_message_id)
        try:
            async for d in self.chat.send(
                turn, lang=lang, prompt=parts, on_position=self.on_position
            ):
                yield d
        except LLMError as e:  # the loop never stalls on the model: the course explains
            if turn.reply.answer:
                raise
            error = e.message(lang)
            async for d in self._explain_from_course(
                move, learner_id, conv, lang, result, "model_failed_explain", error=error
            ):
                yield d
            return
        yield Delta("answer", "\n\n")

    async def _explain_from_course(
        self,
        move: Move,
        learner_id: int,
        conv: int,
        lang: str,
        result: TurnResult,
        note: str,
        **kw: object,
    ) -> AsyncIterator[Delta]:
        """The lesson's own words, one section per explanation (the analogy first, then the
        idea, then the worked example), each followed by the policy's check question: never
        the whole lesson in one message."""
        topic = self.course[move.topic]
        lesson = topic.lesson(lang)
        keys = [k for k in ("intuition", "idea", "example") if lesson and lesson.sections.get(k)]
        if lesson is None or not keys:
            body = phrase("no_lesson", lang, title=self.course.title(topic.id, lang))
        else:
            attempt = int(move.payload.get("attempt", 1))
            key = keys[min(attempt, len(keys)) - 1]
            from dltutor.course.answer import excerpt
            from dltutor.course.model import SECTIONS

            body = phrase(
                "section",
                lang,
                title=self.course.title(topic.id, lang),
                section=SECTIONS[key][lesson.lang],
                body=excerpt(lesson.sections[key], SECTION_CHARS[lesson.lang]),
                id=topic.id,
            )
        async for d in self._post(
            learner_id,
            conv,
            result,
            phrase(note, lang, **kw) + "\n\n" + body,
            {"move": "explain", "citations": [f"{topic.id} · lesson"]},
        ):
            yield d

    async def _answer(
        self, learner_id: int, conv: int, lang: str, result: TurnResult
    ) -> AsyncIterator[Delta]:
        if self.client is None:
            async for d in self._post(
                learner_id, conv, result, self._course_answer(learner_id, conv, lang)
            ):
                yield d
            return
        turn = self.chat.open_reply(learner_id=learner_id, conversation_id=conv)
        result.message_ids.append(turn.assistant_message_id)
        try:
            async for d in self.chat.send(turn, lang=lang, on_position=self.on_position):
                yield d
        except LLMError as e:  # the loop goes on: the course answers what the model did not
            if turn.reply.answer:
                raise
            text = phrase("model_failed_answer", lang, error=e.message(lang))
            text += "\n\n" + self._course_answer(learner_id, conv, lang)
            async for d in self._post(learner_id, conv, result, text):
                yield d
            return
        yield Delta("answer", "\n\n")

    def _course_answer(self, learner_id: int, conv: int, lang: str) -> str:
        """What the course says to the learner's latest question."""
        from dltutor.course.answer import answer_offline

        with self.sessions() as db:
            msgs = repo.list_messages(db, learner_id=learner_id, conversation_id=conv)
        question = next((m.content for m in reversed(msgs) if m.role == "user"), "")
        return answer_offline(question, lang).text

    def _key_idea(self, topic: str, lang: str) -> str:
        """A topic's key idea in a few sentences: the start of its lesson's analogy."""
        from dltutor.course.answer import excerpt

        lesson = self.course[topic].lesson(lang)
        body = lesson.sections.get("intuition") or lesson.sections.get("idea", "") if lesson else ""
        return excerpt(body, RECAP_CHARS[lang]) if body else self.course.title(topic, lang)

    def _dont_know(self, asked: dict[str, Any], lang: str) -> str:
        """Encouragement; for a check question also its key point (a probe's prerequisite gets
        its recap next, so the key point would come twice)."""
        if asked["kind"] in ("probe", "recap") or not asked.get("rubric"):
            return phrase("dont_know_probe", lang)
        return phrase("dont_know_check", lang, point=asked["rubric"])

    # ---- judging and grading ----------------------------------------------------------------
    async def _judge(
        self, learner_id: int, asked: dict[str, Any], answer: str, lang: str
    ) -> Judgement:
        # a model that cannot read the language would only invent a score: judge by the rubric
        model = self.client if answer and self.chat.speaks(lang) else None
        j = await judge(model, asked["question"], asked["rubric"], answer, lang)
        with self.sessions() as db, db.begin():
            record.apply_judgement(
                db,
                self.course,
                learner_id,
                asked["topic"],
                j.score,
                question=asked["question"],
                answer=answer,
                feedback=f"[{j.method}] {j.feedback}",
            )
        return j

    async def _grade(
        self, learner_id: int, conv: int, exercise: str, code: str, lang: str, result: TurnResult
    ) -> bool:
        from dltutor.grader.queue import grade_async

        res = await grade_async(exercise, code, lang=lang, settings=self.app.settings)
        with self.sessions() as db, db.begin():
            record.apply_grade(db, self.course, learner_id, res, code)
        result.grade = res
        return bool(res.passed)

    def _grade_text(self, res: Any, lang: str) -> str:
        if res.passed:
            return phrase("passed", lang, id=res.exercise)
        failures = (
            "\n".join(f"- `{t.name}`: {t.message}" for t in res.failed_tests[:5])
            or f"- {res.error}"
        )
        return phrase("exercise_again", lang, id=res.exercise, failures=failures)

    # ---- course data ------------------------------------------------------------------------
    def _question(self, topic: str, lang: str, index: int) -> tuple[str, str]:
        return self.course[topic].check_question(lang, index)

    def _exercise(self, exercise_id: str) -> Any:
        from dltutor.course.exercises import get_exercise

        return get_exercise(exercise_id)

    def _hints(self, exercise_id: str | None) -> int:
        if not exercise_id:
            return 3
        try:
            return len(self._exercise(exercise_id).hints)
        except KeyError:
            return 3


def _not_graded_text(e: Exception, lang: str) -> str:
    from dltutor.grader.queue import GradingBusy

    if isinstance(e, GradingBusy):
        return phrase("grading_busy", lang, seconds=e.retry_after)
    return phrase("grading_failed", lang)


def _code_in(text: str) -> str | None:
    """A code submission: a fenced block, or text that defines a function."""
    m = _CODE.search(text)
    if m:
        return m.group(1)
    return text if re.search(r"^\s*def \w+\(", text, re.M) else None


# The moves dltutor says in its own words, by kind: each handler returns the text (and notes in
# the turn's result the question it now waits an answer to).
SAID: dict[str, Callable[[Teacher, Move, int, str, TurnResult], str]] = {
    "probe_prerequisite": Teacher._probe,
    "recap_prerequisite": Teacher._recap,
    "ask_check_question": Teacher._check,
    "review": Teacher._review,
    "give_exercise": Teacher._give_exercise,
    "give_hint": Teacher._hint,
    "give_solution": Teacher._solution,
    "advance": Teacher._advance,
}
