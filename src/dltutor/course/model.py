"""Typed views of the course data, and `Course.load()` which reads them from package data.

The topic graph comes from `topics.yaml` (a contract: ids, stages, prerequisites).
Each topic folder adds metadata, a lesson per language and a quiz; a topic whose folder
is missing still loads (so the graph works while content is written), and
`dltutor course check` reports the gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

# libyaml's C loader when available: the course is ~230 YAML files, and the pure-Python loader
# spends seconds on them at every start.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader


LANGS = ("zh", "en")

# The six lesson sections, in order, by language. The key is the language-neutral name.
SECTIONS: dict[str, dict[str, str]] = {
    "intuition": {"en": "Intuition", "zh": "直觉与比喻"},
    "idea": {"en": "The idea", "zh": "准确的概念"},
    "example": {"en": "Worked example", "zh": "实例演练"},
    "misconceptions": {"en": "Common misconceptions", "zh": "常见误区"},
    "check": {"en": "Check questions", "zh": "检验问题"},
    "reading": {"en": "Further reading", "zh": "延伸阅读"},
}
RUBRIC_PREFIX = {"en": "A good answer:", "zh": "好的回答："}


@cache
def data_dir() -> Path:
    """The folder holding the course data shipped with the package (asked for on every
    question, by the search index's lookup: importlib.resources took ~0.2 ms each time)."""
    return Path(str(resources.files("dltutor") / "course_data"))


@dataclass(frozen=True)
class CodeBlock:
    info: str  # the fence's info string, e.g. "python run"
    code: str
    section: str

    @property
    def runnable(self) -> bool:
        words = self.info.split()
        return len(words) >= 2 and words[0] == "python" and words[1] == "run"

    @property
    def needs_torch(self) -> bool:
        return self.runnable and "torch" in self.info.split()[2:]


@dataclass(frozen=True)
class CheckQuestion:
    number: int
    question: str
    rubric: str  # what a good answer contains


@dataclass
class Lesson:
    topic: str
    lang: str
    title: str
    text: str
    sections: dict[str, str]  # language-neutral section key -> Markdown body
    unknown_sections: list[str] = field(default_factory=list)
    order_ok: bool = True

    @cached_property
    def code_blocks(self) -> list[CodeBlock]:
        blocks = []
        for key, body in self.sections.items():
            for m in re.finditer(r"^```([^\n`]*)\n(.*?)^```", body, re.S | re.M):
                blocks.append(CodeBlock(m.group(1).strip(), m.group(2), key))
        return blocks

    @cached_property
    def check_questions(self) -> list[CheckQuestion]:
        body = self.sections.get("check", "")
        parts = re.split(r"^###\s+Q(\d+)\.\s*(.*)$", body, flags=re.M)
        out = []
        # re.split with 2 groups gives [pre, num, question, rest, num, question, rest, ...]
        for i in range(1, len(parts) - 2, 3):
            rest = parts[i + 2].strip()
            prefix = RUBRIC_PREFIX[self.lang]
            rubric = rest[len(prefix) :].strip() if rest.startswith(prefix) else ""
            out.append(CheckQuestion(int(parts[i]), parts[i + 1].strip(), rubric))
        return out


def parse_lesson(topic: str, lang: str, text: str) -> Lesson:
    """Split a lesson into its H1 title and H2 sections (fenced code is never a heading)."""
    by_heading = {names[lang]: key for key, names in SECTIONS.items()}
    title, sections, unknown, order = "", {}, [], []
    current: str | None = None
    buf: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and line.startswith("# ") and not title:
            title = line[2:].strip()
            continue
        if not in_fence and line.startswith("## "):
            if current is not None:
                sections[current] = "\n".join(buf).strip()
            heading = line[3:].strip()
            current = by_heading.get(heading)
            if current is None:
                unknown.append(heading)
                current = f"extra:{heading}"
            else:
                order.append(current)
            buf = []
            continue
        if current is not None:
            buf.append(line)
    if current is not None:
        sections[current] = "\n".join(buf).strip()
    expected = [k for k in SECTIONS if k in order]
    return Lesson(topic, lang, title, text, sections, unknown, order == expected)


@dataclass
class QuizItem:
    """One quiz item. A choice item ("mcq") has options with stable ids ("a", "b", ...; their
    file order is only the order a reader of the data sees) and one `key`, the id of the right
    option, shared by both languages. Learners see the options in their own order
    (`learning/shuffle.py`) and answer with an option id."""

    id: str  # "<topic>/<local id>"
    topic: str
    type: str  # "mcq" | "short"
    difficulty: int
    text: dict[
        str, dict[str, Any]
    ]  # lang -> {question, options?: {id: text}, why_wrong?: {id: text}, answer?, accept?, explanation}
    key: str | None = None  # mcq: the id of the right option

    def question(self, lang: str) -> str:
        return str(self.text[lang]["question"])

    def options(self, lang: str) -> dict[str, str]:
        """Option id -> text, in file order (empty for a short answer)."""
        raw = self.text[lang].get("options") or {}
        return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}

    @property
    def option_ids(self) -> list[str]:
        return list(self.options(next(iter(self.text)))) if self.text else []

    def why_wrong(self, lang: str, option_id: str) -> str | None:
        """Why this (wrong) option is wrong, if the item says."""
        why = self.text[lang].get("why_wrong") or {}
        text = why.get(option_id) if isinstance(why, dict) else None
        return str(text) if text else None

    def answer_text(self, lang: str) -> str:
        """The right answer in words: the key's text, or a short answer's model answer."""
        if self.key is not None:
            return self.options(lang).get(self.key, self.key)
        return str(self.text[lang].get("answer", ""))

    def is_correct(self, response: str | int, lang: str = "en") -> bool:
        """Judge a response: an option id for a choice item, free text for a short answer."""
        t = self.text[lang]
        if self.key is not None:
            return str(response).strip().lower() == self.key
        given = str(response).strip().lower()
        accept = [str(a).strip().lower() for a in t.get("accept", [])] + [
            str(t["answer"]).strip().lower()
        ]
        return bool(given) and any(_matches(a, given) for a in accept if a)


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _matches(term: str, given: str) -> bool:
    """Numbers match numerically ("5" is not in "25"); Latin words on word boundaries ("cos" is
    not in "cost"); Chinese terms as substrings (Chinese has no spaces between words)."""
    if _NUMBER.fullmatch(term):
        return any(abs(float(n) - float(term)) < 1e-9 for n in _NUMBER.findall(given))
    if term.isascii():
        return re.search(r"(?<![a-z0-9])" + re.escape(term) + r"(?![a-z0-9])", given) is not None
    return term in given


OWN_WORDS = {  # the check question of a topic with neither check questions nor a quiz
    "zh": "用你自己的话说说：{title} 是什么？",
    "en": "In your own words: what is {title}?",
}


@dataclass
class Topic:
    id: str
    stage: int
    requires: list[str]
    title: dict[str, str]
    hours: float = 0.0
    objectives: dict[str, list[str]] = field(default_factory=dict)
    # How learners ask about the topic without its name (meta.yaml `asks`): for search only.
    asks: dict[str, list[str]] = field(default_factory=dict)
    lessons: dict[str, Lesson] = field(default_factory=dict)
    quiz: list[QuizItem] = field(default_factory=list)
    folder: Path | None = None
    load_errors: list[str] = field(default_factory=list)  # a broken file spoils only its topic

    def lesson(self, lang: str) -> Lesson | None:
        """The lesson in `lang`, else in the other language, else None (not written yet)."""
        return self.lessons.get(lang) or next(iter(self.lessons.values()), None)

    def check_questions(self, lang: str) -> list[CheckQuestion]:
        """The lesson's check questions (in `lang` where that lesson exists)."""
        lesson = self.lesson(lang)
        return list(lesson.check_questions) if lesson else []

    def check_question(self, lang: str, index: int = 0) -> tuple[str, str]:
        """(question, what a good answer contains) to ask about this topic: the lesson's check
        question `index` (cycling), else a quiz question with its explanation, else "in your own
        words". The one place the teaching loop, the lesson page and reviews choose one."""
        questions = self.check_questions(lang)
        if questions:
            q = questions[index % len(questions)]
            return q.question, q.rubric
        if self.quiz:
            item = self.quiz[index % len(self.quiz)]
            data = item.text.get(lang) or next(iter(item.text.values()))
            return str(data["question"]), str(data.get("explanation", ""))
        title = self.title.get(lang) or self.title.get("en") or self.id
        return OWN_WORDS.get(lang, OWN_WORDS["en"]).format(title=title), title


class Course:
    """The whole course: topics in file order, with lessons and quizzes where present."""

    def __init__(self, topics: list[Topic], root: Path) -> None:
        self.root = root
        self.topics: dict[str, Topic] = {t.id: t for t in topics}

    @classmethod
    def load(cls, root: Path | None = None) -> Course:
        root = root or data_dir()
        graph = _yaml((root / "topics.yaml").read_text(encoding="utf-8"))
        topics = []
        for raw in graph["topics"]:
            t = Topic(
                id=raw["id"],
                stage=int(raw["stage"]),
                requires=list(raw.get("requires") or []),
                title={"zh": raw["zh"], "en": raw["en"]},
            )
            folder = root / "topics" / t.id
            if folder.is_dir():
                try:
                    _load_topic_folder(t, folder)
                except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as e:
                    t.load_errors.append(f"{type(e).__name__}: {e}".splitlines()[0][:300])
            topics.append(t)
        return cls(topics, root)

    def __getitem__(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self.topics

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.topics.values())

    def __len__(self) -> int:
        return len(self.topics)

    @cached_property
    def dependents(self) -> dict[str, list[str]]:
        """topic -> the topics that list it as a direct prerequisite."""
        out: dict[str, list[str]] = {t: [] for t in self.topics}
        for t in self.topics.values():
            for r in t.requires:
                if r in out:
                    out[r].append(t.id)
        return out

    def ancestors(self, topic_id: str) -> set[str]:
        """Every topic `topic_id` builds on, directly or not."""
        seen: set[str] = set()
        stack = list(self.topics[topic_id].requires)
        while stack:
            r = stack.pop()
            if r not in seen and r in self.topics:
                seen.add(r)
                stack.extend(self.topics[r].requires)
        return seen

    def descendants(self, topic_id: str) -> set[str]:
        """Every topic that builds on `topic_id`, directly or not."""
        seen: set[str] = set()
        stack = list(self.dependents[topic_id])
        while stack:
            d = stack.pop()
            if d not in seen:
                seen.add(d)
                stack.extend(self.dependents[d])
        return seen

    def topological_order(self, subset: set[str] | None = None) -> list[str]:
        """Topics ordered so each comes after its prerequisites; ties keep file order."""
        wanted = set(self.topics) if subset is None else set(subset)
        done: list[str] = []
        placed: set[str] = set()
        pending = [t for t in self.topics if t in wanted]
        while pending:
            progressed = False
            for t in list(pending):
                if all(r in placed or r not in wanted for r in self.topics[t].requires):
                    done.append(t)
                    placed.add(t)
                    pending.remove(t)
                    progressed = True
                    break  # restart from the front to keep file order stable
            if not progressed:
                raise ValueError(f"cycle among topics: {pending}")
        return done

    def quiz_items(self) -> list[QuizItem]:
        return [q for t in self.topics.values() for q in t.quiz]

    def title(self, topic_id: str, lang: str) -> str:
        return self.topics[topic_id].title.get(lang) or topic_id


def _load_topic_folder(t: Topic, folder: Path) -> None:
    t.folder = folder
    meta_file = folder / "meta.yaml"
    if meta_file.exists():
        meta = _yaml(meta_file.read_text(encoding="utf-8")) or {}
        t.hours = float(meta.get("hours") or 0)
        t.objectives = {k: list(v or []) for k, v in (meta.get("objectives") or {}).items()}
        t.asks = {k: list(v or []) for k, v in (meta.get("asks") or {}).items()}
    for lang in LANGS:
        f = folder / f"lesson.{lang}.md"
        if f.exists():
            t.lessons[lang] = parse_lesson(t.id, lang, f.read_text(encoding="utf-8"))
    quiz_file = folder / "quiz.yaml"
    if quiz_file.exists():
        raw = _yaml(quiz_file.read_text(encoding="utf-8")) or {}
        for item in raw.get("items") or []:
            kind = str(item.get("type", "mcq"))
            t.quiz.append(
                QuizItem(
                    id=f"{t.id}/{item['id']}",
                    topic=t.id,
                    type=kind,
                    difficulty=int(item.get("difficulty", 1)),
                    text={lang: item[lang] for lang in LANGS if lang in item},
                    key=str(item.get("key", "")).strip().lower() if kind == "mcq" else None,
                )
            )
