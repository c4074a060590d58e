"""Learners as a workload: each one sends a request, reads the answer, thinks, and sends the next.

A load level is a number of learners (a closed loop: a slow server slows its own arrivals, as a
class of learners does), not a rate. What a learner sends comes from a script:

- `QuestionScript`: questions from the bank, one per turn, without history (a plain closed loop
  with think time; with a constant think time and one question it has an exact capacity on the
  fake server, see docs/bench-capacity.md);
- `TutorScript`: a tutoring session with the tutor's real request shapes (tutor_shapes.py): the
  teaching loop's explanation of a topic and its check question, then turns that are free
  questions (system prompt + course grounding + the conversation so far), answers to check
  questions (the rubric judge), or the next explanation, in the proportions of `mix`;
- `ReplayScript` (trace.py): the turns of real sessions, by length and timing only.

Think time, the seconds between an answer's end and the learner's next message (reading it and
writing the next one), is drawn from `ThinkTime`: log-normal by default (median 20 s, shape 0.8:
a quarter of the gaps under 12 s, one in ten over 56 s), a distribution with the long right tail
that measured think times in interactive systems have; `const:S` and `exp:MEAN` are there for
validation and comparison. A replay uses the recorded gaps (times --think-scale).
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from dltutor.bench.runner import Level, RequestRecord
from dltutor.llm.budget import PromptParts
from dltutor.llm.types import Message


@dataclass(frozen=True)
class ThinkTime:
    kind: str  # lognormal | exp | const
    a: float  # median (lognormal), mean (exp) or the constant, in seconds
    b: float = 0.0  # lognormal shape (sigma of the log)

    @classmethod
    def parse(cls, text: str) -> ThinkTime:
        """`lognormal:20,0.8`, `exp:15`, `const:10` or a plain number of seconds."""
        m = re.fullmatch(
            r"\s*(?:(lognormal|exp|const):)?\s*([0-9.]+)\s*(?:,\s*([0-9.]+))?\s*", text
        )
        if not m:
            raise ValueError(
                f"bad think time {text!r}: use lognormal:MEDIAN,SIGMA, exp:MEAN, const:S"
            )
        kind = m.group(1) or "const"
        a, b = float(m.group(2)), float(m.group(3) or (0.8 if kind == "lognormal" else 0))
        return cls(kind, a, b)

    def draw(self, rng: random.Random) -> float:
        if self.kind == "const" or self.a == 0:
            return self.a
        if self.kind == "exp":
            return rng.expovariate(1 / self.a)
        return rng.lognormvariate(math.log(self.a), self.b)

    @property
    def mean(self) -> float:
        return self.a * math.exp(self.b**2 / 2) if self.kind == "lognormal" else self.a

    def __str__(self) -> str:
        return (
            f"lognormal:{self.a:g},{self.b:g}"
            if self.kind == "lognormal"
            else f"{self.kind}:{self.a:g}"
        )


DEFAULT_THINK = ThinkTime("lognormal", 20.0, 0.8)
DEFAULT_MIX = {"chat": 0.5, "judge": 0.3, "explain": 0.2}


@dataclass
class Step:
    """A learner's next request."""

    messages: list[Message]
    kind: str
    max_tokens: int | None = None  # None: the run's --max-tokens
    temperature: float | None = None
    think_s: float | None = None  # None: draw from the run's think time
    prompt: str = ""  # what the log shows as the prompt
    parts: PromptParts | None = None  # the tutor's request before fitting to the window


class Script(Protocol):
    def next(self, reply: str | None) -> Step | None:
        """The next request, given the answer to the last one (None before the first)."""


def parse_mix(text: str) -> dict[str, float]:
    """`chat=0.5,judge=0.3,explain=0.2` -> weights that sum to 1."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        k, _, v = part.partition("=")
        if k not in DEFAULT_MIX or not re.fullmatch(r"[0-9.]+", v.strip()):
            raise ValueError(f"bad mix {part!r}: use e.g. chat=0.5,judge=0.3,explain=0.2")
        out[k] = float(v)
    total = sum(out.values())
    if total <= 0:
        raise ValueError("the mix needs at least one positive weight")
    return {k: v / total for k, v in out.items()}


class QuestionScript:
    """One question per turn, cycled from `prompts` (learner i starts at question i)."""

    def __init__(self, prompts: list[str], start: int, turns: int) -> None:
        self.prompts, self.i, self.left = prompts, start, turns

    def next(self, reply: str | None) -> Step | None:
        if self.left <= 0:
            return None
        self.left -= 1
        q = self.prompts[self.i % len(self.prompts)]
        self.i += 1
        return Step([Message("user", q)], "question", prompt=q)


class TutorScript:
    """A tutoring session in `lang`: the explanation of a topic first, then `turns - 1` turns
    drawn from `mix`. The conversation is kept as the tutor stores it (the loop's own messages
    included), so free questions resend a growing history."""

    def __init__(self, lang: str, turns: int, mix: dict[str, float], rng: random.Random) -> None:
        from dltutor.bench import tutor_shapes as shapes

        self.shapes, self.lang, self.left, self.mix, self.rng = shapes, lang, turns, mix, rng
        self.topics = [t.id for t in shapes.course()]
        self.topic = rng.choice(self.topics)
        self.history: list[tuple[str, str]] = []
        self.asked: tuple[str, str] | None = None  # the check question waiting for an answer
        self.checks = 0
        self.pending: str | None = None  # what to append after the reply ("explain" | "judge")
        self.free = _free_questions(lang)

    def next(self, reply: str | None) -> Step | None:
        s = self.shapes
        if reply is not None and self.pending == "judge":
            self.history.append(("assistant", s.feedback_text(0.5, self.lang)))
        elif reply is not None:
            self.history.append(("assistant", reply))
        if self.pending == "explain":  # the loop asks a check question after explaining
            text, q, rubric = s.check_question(self.topic, self.lang, self.checks)
            self.checks += 1
            self.history.append(("assistant", text))
            self.asked = (q, rubric)
        if self.left <= 0:
            return None
        kind = "explain" if not self.history else self._draw()
        self.left -= 1
        self.pending = kind
        if kind == "explain":
            if self.history:  # the next topic, as the loop moves on
                self.topic = self.rng.choice(self.topics)
                self.checks = 0
            self.history.append(("user", _continue(self.lang)))
            call = s.explain_call(self.topic, self.lang)
            return Step(
                call.messages,
                "explain",
                call.max_tokens,
                call.temperature,
                prompt=self.topic,
                parts=call.parts,
            )
        if kind == "judge":
            assert self.asked is not None
            q, rubric = self.asked
            answer = rubric[:300]  # a good answer is about as long as its rubric
            self.history.append(("user", answer))
            self.asked = None
            call = s.judge_call(q, rubric, answer, self.lang)
            return Step(
                call.messages,
                "judge",
                call.max_tokens,
                call.temperature,
                prompt=answer,
                parts=call.parts,
            )
        question = self.rng.choice(self.free)
        call = s.chat_call(self.history, question, self.lang)
        self.history.append(("user", question))
        return Step(
            call.messages,
            "chat",
            call.max_tokens,
            call.temperature,
            prompt=question,
            parts=call.parts,
        )

    def _draw(self) -> str:
        kinds = [k for k in self.mix if k != "judge" or self.asked is not None]
        return self.rng.choices(kinds, [self.mix[k] for k in kinds])[0]


def _continue(lang: str) -> str:
    return "继续" if lang == "zh" else "Continue"


_FREE: dict[str, list[str]] = {}


def _free_questions(lang: str) -> list[str]:
    if lang not in _FREE:
        from dltutor.bench.questions import builtin

        _FREE[lang] = builtin(lang)
    return _FREE[lang]


# ---- shared prefixes ----------------------------------------------------------------------------

_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\s\u3400-\u9fff]+")  # the fake server's token estimate
BLOCK = 16  # tokens per block, as vLLM's prefix cache hashes them


class PrefixLog:
    """How much of each prompt repeats the start of an earlier one: the prompt (roles and text)
    is cut into blocks of 16 estimated tokens, each hashed with everything before it, as a
    prefix cache does; a request's shared prefix is its leading blocks seen before."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, tokens, shared
        self.system: dict[str, int] = {}  # lang -> tokens of the bare system prompt

    def add(self, kind: str, messages: list[Message]) -> tuple[int, int]:
        tokens = _TOKEN.findall("\n".join(f"<{m.role}>{m.content}" for m in messages))
        h, shared, hit = 0, 0, True
        for i in range(0, len(tokens) - len(tokens) % BLOCK, BLOCK):
            h = hash((h, tuple(tokens[i : i + BLOCK])))
            if hit and h in self.seen:
                shared += BLOCK
            else:
                hit = False
                self.seen.add(h)
        row = self.by_kind[kind]
        row[0] += 1
        row[1] += len(tokens)
        row[2] += shared
        return len(tokens), shared

    def summary(self) -> dict[str, Any]:
        out = {}
        for kind, (n, tokens, shared) in sorted(self.by_kind.items()):
            out[kind] = {
                "requests": n,
                "prompt_tokens_mean": tokens / n,
                "shared_prefix_tokens_mean": shared / n,
                "shared_fraction": shared / tokens if tokens else 0.0,
            }
        n, tokens, shared = (sum(r[i] for r in self.by_kind.values()) for i in range(3))
        out["all"] = {
            "requests": n,
            "prompt_tokens_mean": tokens / n if n else 0,
            "shared_prefix_tokens_mean": shared / n if n else 0,
            "shared_fraction": shared / tokens if tokens else 0.0,
        }
        return out


# ---- the driver ---------------------------------------------------------------------------------


@dataclass
class LearnerSpec:
    learners: int
    scripts: Callable[[int, random.Random], Script]  # learner index -> its script
    think: ThinkTime = DEFAULT_THINK
    think_scale: float = 1.0  # for recorded think times (replay)
    warmup_turns: int = 1  # each learner's first turns are left out of the figures
    ramp_up: float = 0.0  # learners join evenly over this many seconds
    max_tokens: int = 256
    temperature: float = 0.3
    seed: int = 0
    prefixes: PrefixLog = field(default_factory=PrefixLog)
    # The server's window per request: the tutor's requests are fitted to it as its client
    # fits them (tutor_shapes.fitted); None sends them whole.
    window: int | None = None

    def level(self) -> str:
        return f"learners={self.learners}"


async def run_learners(level: Level, spec: LearnerSpec) -> list[RequestRecord]:
    """Run `spec.learners` learners to the end of their scripts (or until the level stops)."""
    from dltutor.bench.tutor_shapes import fitted

    start = time.monotonic()

    async def learner(i: int) -> None:
        # learners differ from one level to the next, so no level replays an earlier one's
        # requests (a server's prefix cache would make the repeat look cheap)
        rng = random.Random(f"{spec.seed}-{spec.learners}-{i}")
        script = spec.scripts(i, rng)
        await _sleep_until(start + spec.ramp_up * i / max(1, spec.learners))
        reply: str | None = None
        turn = 0
        while True:
            t_built = time.monotonic()
            step = script.next(reply)  # built while the learner "thinks": not timed
            if step is None:
                return
            if turn > 0:
                think = step.think_s * spec.think_scale if step.think_s is not None else None
                think = think if think is not None else spec.think.draw(rng)
                await _sleep_until(t_built + think)
            if step.parts is not None:
                step.messages = fitted(step.parts, spec.window, step.max_tokens or spec.max_tokens)
            spec.prefixes.add(step.kind, step.messages)
            phase = (
                "warmup"
                if turn < spec.warmup_turns
                else "rampup"
                if time.monotonic() < start + spec.ramp_up
                else "measure"
            )
            rec = await level.send(
                step.messages,
                phase,
                max_tokens=step.max_tokens or spec.max_tokens,
                temperature=spec.temperature if step.temperature is None else step.temperature,
                prompt=step.prompt,
                kind=step.kind,
                learner=i,
                turn=turn,
            )
            reply = rec.answer
            turn += 1

    await asyncio.gather(*(learner(i) for i in range(spec.learners)))
    return level.records


async def _sleep_until(t: float) -> None:
    delay = t - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
