"""The sessions workload sends what the tutor sends: checked against the tutor's own pieces."""

from __future__ import annotations

import asyncio
import random
import time

from dltutor import prompts
from dltutor.bench import tutor_shapes as shapes
from dltutor.bench.levels import Plan, Prober
from dltutor.bench.runner import Level
from dltutor.bench.sessions import (
    LearnerSpec,
    PrefixLog,
    ThinkTime,
    TutorScript,
    parse_mix,
    run_learners,
)
from dltutor.chat import HISTORY_TURNS
from dltutor.course.answer import ground
from dltutor.llm.fake import FakeLLMServer
from dltutor.llm.wire import WireClient

TOPIC = "math.vectors_dot_product"


def test_a_free_question_has_the_system_prompt_grounding_and_history() -> None:
    q = "What does the dot product measure?"
    history = [
        ("user", f"question {i}") if i % 2 == 0 else ("assistant", f"answer {i}") for i in range(30)
    ]
    call = shapes.chat_call(history, q, "en")
    sections, _ = ground(q, "en")
    assert sections  # the course has something to say about it
    assert call.messages[0].role == "system"
    assert call.messages[0].content == "\n\n".join([prompts.load("tutor", "en"), *sections])
    assert [m.content for m in call.messages[1:-1]] == [t for _, t in history[-HISTORY_TURNS:]]
    assert call.messages[-1].role == "user" and call.messages[-1].content == q


def test_an_explanation_is_the_teaching_loops_prompt() -> None:
    call = shapes.explain_call(TOPIC, "zh", "deep")
    system, user = call.messages
    # the tutor's system prompt, then the lesson's sections as course material
    assert system.content.startswith(prompts.load("tutor", "zh"))
    assert f"[{TOPIC} · lesson]" in system.content
    head = prompts.load("explain", "zh").split("{", 1)[0]
    assert user.content.startswith(head) and shapes.course().title(TOPIC, "zh") in user.content
    assert call.kind == "explain" and call.max_tokens is None


def test_a_judgement_is_the_judges_call() -> None:
    text, q, rubric = shapes.check_question(TOPIC, "en", 0)
    assert q in text
    call = shapes.judge_call(q, rubric, "the cosine times the lengths", "en")
    assert call.max_tokens == 300 and call.temperature == 0.0
    assert (
        q in call.messages[0].content and "the cosine times the lengths" in call.messages[0].content
    )


def test_requests_are_fitted_to_the_servers_window_as_the_client_fits_them() -> None:
    history = [("user", "很长的问题" * 80), ("assistant", "很长的回答" * 80)] * 6
    call = shapes.chat_call(history, "点积是什么？", "zh")
    whole = call.messages
    small = shapes.fitted(call.parts, 1500, 256)
    assert len(small) < len(whole) and small[0].content.startswith(prompts.load("tutor", "zh"))
    assert small[-1] == whole[-1] and shapes.fitted(call.parts, None, 256) == whole


def test_a_session_resends_a_growing_history() -> None:
    script = TutorScript("en", 12, parse_mix("chat=1"), random.Random(3))
    first = script.next(None)
    assert first is not None and first.kind == "explain"
    sizes = []
    step = script.next("An explanation of vectors.")
    while step is not None:
        assert step.kind == "chat"
        sizes.append(len(step.messages))
        step = script.next("An answer.")
    # explanation, check question, then question/answer pairs: capped at HISTORY_TURNS + 2
    assert sizes[0] == 5 and sizes == sorted(sizes) and sizes[-1] == HISTORY_TURNS + 2


def test_the_mix_has_every_kind_and_judges_only_asked_questions() -> None:
    script = TutorScript("zh", 60, parse_mix("chat=0.4,judge=0.3,explain=0.3"), random.Random(5))
    kinds, asked = [], False
    step = script.next(None)
    while step is not None:
        if step.kind == "judge":
            assert asked
        asked = step.kind == "explain" or (asked and step.kind == "chat")
        kinds.append(step.kind)
        step = script.next("回答。")
    assert {"chat", "judge", "explain"} <= set(kinds)


def test_learners_against_the_fake_server_send_the_tutors_requests() -> None:
    async def go(url: str) -> tuple[list, PrefixLog]:  # type: ignore[type-arg]
        async with WireClient(url, model="fake-model") as c:
            log = PrefixLog()
            spec = LearnerSpec(
                3,
                lambda i, rng: TutorScript(("zh", "en")[i % 2], 4, parse_mix("chat=1"), rng),
                ThinkTime("const", 0.01),
                warmup_turns=0,
                prefixes=log,
            )
            return await run_learners(Level(c, spec.level(), 30), spec), log

    with FakeLLMServer(default_tokens=8) as srv:
        records, log = asyncio.run(go(srv.base_url))
        sent = list(srv.requests)
    assert len(records) == 12 and all(r.ok for r in records)
    assert {r.learner for r in records} == {0, 1, 2}
    systems = [m["content"] for req in sent for m in req["messages"] if m["role"] == "system"]
    assert all(
        s.startswith((prompts.load("tutor", "zh"), prompts.load("tutor", "en"))) for s in systems
    )
    # the tutor's system prompt is shared by every request of a language
    summary = log.summary()
    assert summary["all"]["requests"] == 12 and summary["all"]["shared_fraction"] > 0.05


def test_the_prober_runs_sessions_and_reports_prefixes_per_level() -> None:
    async def go(url: str) -> Prober:
        async with WireClient(url, model="fake-model") as c:
            plan = Plan(
                "learners", "sessions", {"ttft": 5.0}, turns=3, think=ThinkTime("const", 0.01)
            )
            prober = Prober(c, plan, None, time.monotonic())
            probe = await prober(2)
            assert probe.ok and probe.verdict["requests"] == 4  # 2 learners x (3 - 1 warm-up)
            return prober

    with FakeLLMServer(default_tokens=4) as srv:
        prober = asyncio.run(go(srv.base_url))
    assert list(prober.prefixes) == ["learners=2"]
