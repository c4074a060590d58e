"""Judge a learner's free-text answer against a rubric: by the LLM when one answers in the
required JSON, else by a keyword-overlap heuristic that says it is one.

The score feeds mastery, so a judge that cannot be parsed must not invent a number: the
fallback is explicit (`method="heuristic"`) and conservative, and the learner is told.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from dltutor import prompts
from dltutor.llm.client import LLMClient
from dltutor.llm.errors import LLMError
from dltutor.llm.types import Message

NOTE = {
    "en": "(Judged by keyword overlap with the rubric: no model gave a usable judgement.)",
    "zh": "（未能得到模型的有效评判，以下按与评分要点的关键词重合度粗略评分。）",
}
_STOP = set(
    "a an the of to and or in on is are be it its that this with for as by from what why how which "
    "not no do does can will mentions explains gives says".split()
)


@dataclass(frozen=True)
class Judgement:
    score: float  # 0..1
    feedback: str
    method: str  # "llm" | "heuristic"


async def judge(
    client: LLMClient | None, question: str, rubric: str, answer: str, lang: str
) -> Judgement:
    if not answer.strip():
        return Judgement(0.0, "—", "heuristic")
    if client is not None:
        text = prompts.load("judge", lang).format(question=question, rubric=rubric, answer=answer)
        try:
            reply = await client.complete([Message("user", text)], max_tokens=300, temperature=0.0)
            parsed = parse(reply.answer)
            if parsed is not None:
                return Judgement(parsed[0], parsed[1], "llm")
        except LLMError:
            pass
    return heuristic(rubric, answer, lang)


def parse(text: str) -> tuple[float, str] | None:
    """The first JSON object with a numeric score in [0, 1] (models wrap JSON in prose)."""
    for m in re.finditer(r"\{.*?\}", text, re.S):
        try:
            obj = json.loads(m.group(0))
        except json.JSONDecodeError:
            continue
        score = obj.get("score") if isinstance(obj, dict) else None
        if isinstance(score, int | float) and 0 <= score <= 1:
            return float(score), str(obj.get("feedback") or "")
    return None


def key_terms(text: str) -> set[str]:
    """Latin words (minus stop words) and Chinese character pairs."""
    text = text.lower()
    words = {w for w in re.findall(r"[a-z][a-z0-9\-]+", text) if w not in _STOP and len(w) > 2}
    han = "".join(re.findall(r"[\u4e00-\u9fff]+", text))
    pairs = {han[i : i + 2] for i in range(len(han) - 1)}
    return words | pairs


def heuristic(rubric: str, answer: str, lang: str) -> Judgement:
    want = key_terms(rubric)
    got = key_terms(answer)
    if not want:
        return Judgement(0.5, NOTE[lang], "heuristic")
    overlap = len(want & got) / len(want)
    # Conservative: full marks need most of the rubric's terms; this rewards recall, not prose.
    score = round(min(1.0, overlap / 0.6), 2)
    return Judgement(score, NOTE[lang if lang in NOTE else "en"], "heuristic")
