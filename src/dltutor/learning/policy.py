"""The teaching policy: what the tutor does next, as a pure function of data.

One topic is taught in a loop:

    prerequisites -> explain -> check question -> (judge) -> exercise -> (update) -> next

`decide(course, mastery, state, ...)` returns the next `Move` and the new `LoopState`. The LLM
phrases the move (an explanation, a hint at the given level, an answer to a question) and judges
free text; `evidence` says what an answer showed, which the caller records (tutor.record) with the
review scheduler
before calling `decide` again. Rules:

- Before building on a prerequisite whose mastery is low or uncertain (P < 0.7) the tutor probes
  it with a question. If the probe shows it missing (P < 0.4 after the answer), the tutor recaps
  its key idea in a few sentences with one simpler check question, then goes on with the topic:
  the learner's goal stays in sight. Only when the recap's check fails too does the tutor take a
  detour to teach the prerequisite fully, and then comes back; detours go one level deep (a
  detour teaches its topic without probing that topic's own prerequisites), so "I don't know"
  three times never walks the learner down to the first topic of the course.
- Explanations are deep for a learner who does not know the topic (P < 0.3), shallow for one who
  mostly does (P > 0.7); a failed check question brings a deeper re-explanation (at most twice).
- A request for an exercise's solution gets the next hint, not the solution — unless the learner
  has failed the exercise at least 3 times, has seen every hint, and asks again. After the last
  hint comes a worked example on another input (the ladder's last rung), never the solution.
- A question in the middle of the loop is answered, and the loop resumes where it was.
- Between topics, due reviews come first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal, TypedDict

from dltutor.course.model import Course
from dltutor.learning.knowledge import Evidence, Mastery
from dltutor.learning.planner import exercises_by_topic

SURE = 0.7  # a prerequisite at or above this is built on without probing
MISSING = 0.4  # a probed prerequisite below this is taught first (a detour)
SKIP = 0.8  # a topic at or above this is not taught again when choosing the next one
CHECK_PASS = 0.7  # a judged check answer at or above this counts as right
CHECKS_TO_PASS = 2  # right check answers needed (fewer when the lesson has fewer questions)
MAX_EXPLANATIONS = 2
SOLUTION_AFTER_FAILS = 3
DEFAULT_HINTS = 3  # each exercise has a ladder of at least three hints (exercises.md)

MAX_DETOUR_DEPTH = 1  # detours into prerequisites, nested at most this deep

MoveKind = Literal[
    "probe_prerequisite",
    "recap_prerequisite",
    "explain",
    "ask_check_question",
    "give_hint",
    "give_solution",
    "give_exercise",
    "answer_question",
    "advance",
    "review",
]
Depth = Literal["shallow", "normal", "deep"]
DEPTHS: tuple[Depth, ...] = ("shallow", "normal", "deep")


class Step(StrEnum):
    PREREQUISITES = "prerequisites"
    EXPLAIN = "explain"
    CHECK = "check"
    EXERCISE = "exercise"
    NEXT = "next"


class Intent(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    SOLUTION_REQUEST = "solution_request"
    DONT_KNOW = "dont_know"
    CONTINUE = "continue"


# What each kind of move carries (Move.payload), so that whoever carries a move out reads typed
# fields, not guessed keys.
class ProbePayload(TypedDict):
    prerequisite: str
    mastery: float
    reason: str  # "low" | "uncertain"


class RecapPayload(TypedDict):
    prerequisite: str
    mastery: float


class CheckPayload(TypedDict, total=False):
    index: int
    repeat: bool
    question: str


class ExercisePayload(TypedDict, total=False):
    exercise: str
    repeat: bool


class HintPayload(TypedDict, total=False):
    exercise: str
    level: int
    of: int
    rung: int
    reason: str
    worked_example: bool
    repeat: bool
    attempts_before_solution: int


class SolutionPayload(TypedDict):
    exercise: str


AdvancePayload = TypedDict(
    "AdvancePayload", {"from": str, "finished": bool, "resume": str}, total=False
)


class ExplainPayload(TypedDict, total=False):
    attempt: int
    focus_check_question: int
    detour_from: str


class ReviewPayload(TypedDict):
    due: list[str]


@dataclass(frozen=True)
class Move:
    kind: MoveKind
    topic: str
    depth: Depth = "normal"
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class LoopState:
    """Where the loop stands for the topic being taught (stored between messages)."""

    topic: str
    step: Step = Step.PREREQUISITES
    awaiting: Literal["probe", "recap", "check", "exercise"] | None = None  # what is answered
    awaiting_topic: str | None = None  # the prerequisite being probed or recapped
    probed: list[str] = field(default_factory=list)  # this session, detours included
    detoured: list[str] = field(default_factory=list)
    return_to: list[str] = field(default_factory=list)  # topics to resume after a detour
    explanations: int = 0
    checks_asked: int = 0
    checks_passed: int = 0
    exercise: str | None = None
    exercises_done: list[str] = field(default_factory=list)
    hints_given: int = 0  # rungs shown of the ladder shared with the page (tutor/hints.py)
    failed_attempts: int = 0
    solution_requests: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "step": self.step.value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LoopState:
        return cls(**{**data, "step": Step(data.get("step", Step.PREREQUISITES))})


# --- classifying the learner's message -----------------------------------------------------------

_SOLUTION = re.compile(
    r"答案|解答|题解|参考代码|完整代码|直接告诉|直接给|"
    r"\bsolution\b|\bthe answer\b|\bshow me the code\b|\bgive me the code\b|\bjust tell me\b|"
    r"\bfull code\b",
    re.I,
)
_DONT_KNOW = re.compile(
    r"不会|不知道|不懂|不明白|不清楚|没思路|没有思路|想不出|卡住了|"
    r"\bi don'?t know\b|\bi do not know\b|\bno idea\b|\bnot sure\b|\bi'?m stuck\b|\bidk\b|"
    r"\bdunno\b|\bi give up\b|\bno clue\b",
    re.I,
)
_QUESTION_WORD = re.compile(
    r"^(what|why|how|when|which|who|where|is|are|can|could|does|do|should|would)\b|"
    r"^(为什么|什么|怎么|如何|哪|是否|能不能|可不可以)|[吗呢]$",
    re.I,
)
_CONTINUE = re.compile(
    r"^(ok|okay|go on|next|continue|yes|sure|got it|好|好的|继续|下一个|嗯|明白了|懂了)$", re.I
)


def classify(message: str) -> Intent:
    """A keyword classifier, zh and en; the LLM may refine it, the policy only needs this."""
    text = message.strip()
    bare = text.rstrip("。.!！~ ")
    if not bare or _CONTINUE.match(bare):
        return Intent.CONTINUE
    if _SOLUTION.search(text):
        return Intent.SOLUTION_REQUEST
    asks = text.endswith(("?", "？")) or bool(_QUESTION_WORD.search(bare))
    if _DONT_KNOW.search(text) and not asks:
        return Intent.DONT_KNOW
    return Intent.QUESTION if asks else Intent.ANSWER


# --- recording what the learner's answer showed ----------------------------------------------------


def evidence(
    state: LoopState,
    *,
    score: float | None = None,
    passed: bool | None = None,
    intent: Intent | None = None,
) -> Evidence | None:
    """What the learner's answer to what the state awaits shows, and about which topic ("I don't
    know" to a question scores 0); None when it shows nothing. Apply it with `Mastery.take` (or,
    stored, `tutor.record.apply_evidence`)."""
    if (
        intent == Intent.DONT_KNOW
        and score is None
        and state.awaiting in ("probe", "recap", "check")
    ):
        score = 0.0
    if state.awaiting in ("probe", "recap") and score is not None and state.awaiting_topic:
        return Evidence.judged(state.awaiting_topic, score)
    if state.awaiting == "check" and score is not None:
        return Evidence.judged(state.topic, score)
    if state.awaiting == "exercise" and passed is not None:
        return Evidence.exercise(state.topic, passed)
    return None


# --- deciding ----------------------------------------------------------------------------------------


def depth_for(p: float) -> Depth:
    return "deep" if p < 0.3 else "shallow" if p > SURE else "normal"


@dataclass(frozen=True)
class _Context:
    """What one decision reads besides the state."""

    course: Course
    p: Callable[[str], float]
    intent: Intent | None
    score: float | None
    passed: bool | None
    exercises: Sequence[str] | None
    hints: int
    due: Sequence[str]
    order: Sequence[str] | None
    lang: str


def decide(
    course: Course,
    mastery: Mapping[str, float] | Mastery,
    state: LoopState,
    *,
    intent: Intent | None = None,
    score: float | None = None,
    passed: bool | None = None,
    exercises: Sequence[str] | None = None,
    hints_available: int = DEFAULT_HINTS,
    due_reviews: Sequence[str] = (),
    order: Sequence[str] | None = None,
    lang: str = "zh",
) -> tuple[Move, LoopState]:
    """The next move and the state after it (the given state is not changed).

    `intent`: the learner's latest message, classified (None when the tutor just continues);
    `score`: the judge's score of an answer to a probe or check question; `passed`: the grade of
    an exercise submission; `exercises`: the topic's exercises (default: from exercises.md);
    `order`: the topics in the learner's plan (default: the course's topological order).
    """
    p = _reader(mastery)
    ctx = _Context(
        course, p, intent, score, passed, exercises, hints_available, due_reviews, order, lang
    )
    if intent == Intent.QUESTION and score is None and passed is None:
        move = Move(
            "answer_question", state.topic, depth_for(p(state.topic)), {"resume": state.step}
        )
        return move, state
    return _STEPS[state.step](ctx, replace(state))


def _prerequisites(c: _Context, s: LoopState) -> tuple[Move, LoopState]:
    if s.awaiting in ("probe", "recap"):
        asked, was = s.awaiting_topic, s.awaiting
        s.awaiting, s.awaiting_topic = None, None
        if asked and c.p(asked) < MISSING:
            if was == "probe":  # missing: its key idea, briefly, and one simpler check
                s.awaiting, s.awaiting_topic = "recap", asked
                payload = {"prerequisite": asked, "mastery": round(c.p(asked), 3)}
                return Move("recap_prerequisite", s.topic, depth_for(c.p(asked)), payload), s
            if asked not in s.detoured and len(s.return_to) < MAX_DETOUR_DEPTH:
                # the recap did not do it either: teach the prerequisite, then come back
                detour = LoopState(
                    asked,
                    probed=s.probed,
                    detoured=[*s.detoured, asked],
                    return_to=[*s.return_to, s.topic],
                )
                # a new topic: this message is used up, and exercises given were the old topic's
                move, after = _prerequisites(replace(_fresh(c), exercises=None), detour)
                return replace(move, payload={**move.payload, "detour_from": s.topic}), after
    if len(s.return_to) >= MAX_DETOUR_DEPTH:
        return _explain(c, s)  # in a detour as deep as allowed: no probing further down
    for r in sorted(c.course[s.topic].requires, key=c.p):
        if r not in s.probed and c.p(r) < SURE:
            s.probed = [*s.probed, r]
            s.awaiting, s.awaiting_topic = "probe", r
            reason = "low" if c.p(r) < MISSING else "uncertain"
            payload = {"prerequisite": r, "mastery": round(c.p(r), 3), "reason": reason}
            return Move("probe_prerequisite", s.topic, depth_for(c.p(r)), payload), s
    return _explain(c, s)


def _explain(c: _Context, s: LoopState, focus: int | None = None) -> tuple[Move, LoopState]:
    depth = depth_for(c.p(s.topic))
    if s.explanations:  # explaining again: one level deeper than last time
        depth = DEPTHS[min(len(DEPTHS) - 1, DEPTHS.index(depth) + s.explanations)]
    s.explanations += 1
    s.step, s.awaiting = Step.CHECK, None
    payload: dict[str, Any] = {"attempt": s.explanations}
    if focus is not None:
        payload["focus_check_question"] = focus
    return Move("explain", s.topic, depth, payload), s


def _check(c: _Context, s: LoopState) -> tuple[Move, LoopState]:
    questions = _check_questions(c.course, s.topic, c.lang)
    needed = max(1, min(CHECKS_TO_PASS, len(questions)))
    depth = depth_for(c.p(s.topic))
    if s.awaiting == "check":
        score = c.score
        if score is None and c.intent in (Intent.DONT_KNOW, Intent.SOLUTION_REQUEST):
            score = 0.0
        if score is None:  # nothing to act on: ask the same question again
            return Move(
                "ask_check_question", s.topic, depth, {"index": s.checks_asked - 1, "repeat": True}
            ), s
        s.awaiting = None
        if score >= CHECK_PASS:
            s.checks_passed += 1
            if s.checks_passed >= needed:
                return _exercise(_fresh(c), s)
        elif s.explanations < MAX_EXPLANATIONS:
            return _explain(c, s, focus=s.checks_asked - 1)
        elif s.checks_asked > needed:
            return _exercise(_fresh(c), s)  # practice may work where words did not; reviews follow
    index = s.checks_asked % max(1, len(questions))
    s.checks_asked += 1
    s.awaiting = "check"
    payload: dict[str, Any] = {"index": index}
    if questions:
        payload["question"] = questions[index]
    return Move("ask_check_question", s.topic, depth, payload), s


def _exercise(c: _Context, s: LoopState) -> tuple[Move, LoopState]:
    depth = depth_for(c.p(s.topic))
    if s.step == Step.EXERCISE and s.awaiting == "exercise" and s.exercise:
        ex = s.exercise
        if c.passed is True:
            s.exercises_done = [*s.exercises_done, ex]
            s.awaiting, s.exercise = None, None
        elif c.intent == Intent.SOLUTION_REQUEST:
            allowed = (
                s.failed_attempts >= SOLUTION_AFTER_FAILS
                and s.hints_given >= c.hints
                and s.solution_requests >= 1
            )
            s.solution_requests += 1
            if allowed:
                s.exercises_done = [*s.exercises_done, ex]
                s.awaiting, s.exercise = None, None
                return Move("give_solution", s.topic, depth, {"exercise": ex}), s
            return _hint(c, s, reason="solution_request")
        elif c.passed is False:
            s.failed_attempts += 1
            return _hint(c, s, reason="failed")
        elif c.intent == Intent.DONT_KNOW:
            return _hint(c, s, reason="dont_know")
        else:  # nothing new: remind them of the exercise
            return Move("give_exercise", s.topic, depth, {"exercise": ex, "repeat": True}), s
    listed = c.exercises if c.exercises is not None else _exercises(s.topic)
    todo = [e for e in listed if e not in s.exercises_done]
    if not todo:
        s.step = Step.NEXT
        return _next(c, s)
    s.step, s.awaiting, s.exercise = Step.EXERCISE, "exercise", todo[0]
    s.hints_given = s.failed_attempts = s.solution_requests = 0
    return Move("give_exercise", s.topic, depth, {"exercise": todo[0]}), s


def _hint(c: _Context, s: LoopState, reason: str) -> tuple[Move, LoopState]:
    """The next rung of the hint ladder: the hints, then a worked example on another input,
    which is repeated from then on (the solution is never a rung)."""
    rung = min(s.hints_given + 1, c.hints + 1)
    payload: dict[str, Any] = {
        "exercise": s.exercise,
        "level": min(rung, c.hints),
        "of": c.hints,
        "rung": rung,
        "reason": reason,
    }
    if rung > c.hints:
        payload["worked_example"] = True
        payload["repeat"] = s.hints_given > c.hints
        payload["attempts_before_solution"] = max(0, SOLUTION_AFTER_FAILS - s.failed_attempts)
    s.hints_given = rung
    return Move("give_hint", s.topic, depth_for(c.p(s.topic)), payload), s


def _next(c: _Context, s: LoopState) -> tuple[Move, LoopState]:
    if c.due:
        return Move("review", c.due[0], depth_for(c.p(c.due[0])), {"due": list(c.due)}), s
    if s.return_to:  # back from a detour into a prerequisite
        back = s.return_to[-1]
        state = LoopState(back, return_to=s.return_to[:-1], probed=s.probed, detoured=s.detoured)
        return Move("advance", back, depth_for(c.p(back)), {"from": s.topic, "resume": back}), state
    nxt = next_topic(c.course, c.p, c.order, exclude={s.topic})
    if nxt is None:
        return Move("advance", s.topic, "normal", {"from": s.topic, "finished": True}), s
    state = LoopState(nxt, probed=s.probed, detoured=s.detoured)
    return Move("advance", nxt, depth_for(c.p(nxt)), {"from": s.topic}), state


def _fresh(c: _Context) -> _Context:
    """The context for the next step within one decision: this message is used up."""
    return replace(c, intent=None, score=None, passed=None)


_STEPS: dict[Step, Callable[[_Context, LoopState], tuple[Move, LoopState]]] = {
    Step.PREREQUISITES: _prerequisites,
    Step.EXPLAIN: _explain,
    Step.CHECK: _check,
    Step.EXERCISE: _exercise,
    Step.NEXT: _next,
}


def next_topic(
    course: Course,
    mastery: Mapping[str, float] | Mastery | Callable[[str], float],
    order: Sequence[str] | None = None,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> str | None:
    """The first topic in `order` not yet mastered (P < 0.8)."""
    p = _reader(mastery)
    for t in order if order is not None else course.topological_order():
        if t not in exclude and p(t) < SKIP:
            return t
    return None


def _reader(
    mastery: Mapping[str, float] | Mastery | Callable[[str], float],
) -> Callable[[str], float]:
    """A function topic -> P(mastered) over a Mastery, a plain dict, or such a function."""
    if isinstance(mastery, Mastery):
        return mastery.__getitem__
    if isinstance(mastery, Mapping):
        return lambda t: float(mastery.get(t, 0.0))
    return mastery


def _check_questions(course: Course, topic: str, lang: str) -> list[str]:
    return [q.question for q in course[topic].check_questions(lang)]


def _exercises(topic: str) -> list[str]:
    return exercises_by_topic().get(topic, [])
