"""The documents course search indexes, built from a `Course`, and plain-text helpers.

Per topic and language: each lesson section (the only documents ever shown), the whole lesson,
the titles, and an "about" document (id words, area, objectives, quiz and check questions).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from dltutor.course.model import LANGS, SECTIONS, Course

ABOUT = "about"  # the key of a topic's about document: title, objectives, asks, quiz questions
LESSON = "lesson"  # the key of a whole lesson as one document
TITLE = "title"  # the key of a topic's titles (graph and lesson) in one language

# The area a topic id starts with, named in both languages: the course's own taxonomy says
# e.g. that nlp.text_representation is where "什么是自然语言处理" starts.
AREAS = {
    "math": ("数学", "mathematics"),
    "compute": ("计算", "computing"),
    "python": ("Python 编程", "Python programming"),
    "ai": ("人工智能", "artificial intelligence AI"),
    "ml": ("机器学习", "machine learning"),
    "dl": ("深度学习 神经网络", "deep learning neural networks"),
    "fw": ("深度学习框架", "deep-learning frameworks"),
    "proj": ("实践项目", "project"),
    "cnn": ("卷积神经网络 CNN", "convolutional neural networks CNN"),
    "nlp": ("自然语言处理 NLP", "natural language processing NLP"),
    "rnn": ("循环神经网络 RNN", "recurrent neural networks RNN"),
    "attn": ("注意力", "attention"),
    "tf": ("Transformer", "Transformer"),
    "llm": ("大语言模型 LLM", "large language models LLM"),
    "ft": ("微调", "fine-tuning"),
    "prompt": ("提示", "prompting"),
    "app": ("大模型应用", "LLM applications"),
    "adv": ("进阶", "advanced"),
}


@dataclass(frozen=True)
class Doc:
    topic: str
    key: str  # a section key from SECTIONS, or LESSON, TITLE, ABOUT
    lang: str
    heading: str  # the section heading in `lang`
    text: str  # Markdown body (what snippets and offline answers quote)


def files_fingerprint(root: Path, salt: str) -> str:
    """A hash of every course file (lessons, quizzes, meta, the graph) and of `salt`."""
    h = hashlib.sha256(salt.encode())
    files = [root / "topics.yaml", *sorted((root / "topics").glob("*/*"))]
    for f in files:
        if f.is_file() and f.suffix in (".md", ".yaml"):
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:20]


def course_documents(course: Course) -> list[Doc]:
    """Every document of every topic with a lesson: sections, lesson, titles, about.

    Title and about documents exist in both languages even when only one lesson has landed:
    titles, objectives and quiz questions are bilingual, so a Chinese question still finds a
    topic whose Chinese lesson is missing.
    """
    docs: list[Doc] = []
    for t in course:
        if not t.lessons:
            continue
        for lang in LANGS:
            lesson = t.lessons.get(lang)
            sections = lesson.sections if lesson else {}
            for key, body in sections.items():
                if key in SECTIONS and body.strip():
                    docs.append(Doc(t.id, key, lang, SECTIONS[key][lang], body))
            if lesson:
                docs.append(Doc(t.id, LESSON, lang, "", lesson.text))
            title = [t.title.get(lang, ""), lesson.title if lesson else ""]
            docs.append(Doc(t.id, TITLE, lang, "", "\n".join(x for x in title if x)))
            about = [
                t.id.replace(".", " ").replace("_", " "),
                AREAS.get(t.id.split(".")[0], ("", ""))[0 if lang == "zh" else 1],
                *t.objectives.get(lang, []),
                *t.asks.get(lang, []),
                *(q.question(lang) for q in t.quiz if lang in q.text),
                *(c.question for c in (lesson.check_questions if lesson else [])),
            ]
            docs.append(Doc(t.id, ABOUT, lang, "", "\n".join(a for a in about if a)))
    return docs


_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
# Emphasis, code spans, list markers and link targets; single _ and * stay (LaTeX uses them).
_MD_MARKS = re.compile(r"\*\*|__|`+|^\s*(?:[-+*>]|\d+\.) |\[([^\]]*)\]\([^)]*\)", re.M)


def paragraphs(markdown: str) -> list[str]:
    """Prose paragraphs of a section: code, display math, headings and tables left out."""
    text = _DISPLAY_MATH.sub(" ", _FENCE.sub(" ", markdown))
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if not ln.lstrip().startswith(("|", "#"))]
        plain = " ".join(_MD_MARKS.sub(lambda m: m.group(1) or "", ln).strip() for ln in lines)
        out.append(re.sub(r"\s+", " ", plain).strip())
    return out


def trim(text: str, limit: int) -> str:
    """Cut at a sentence end (。！？. ! ?) before `limit` characters when one exists, else at limit."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [m.end() for m in re.finditer(r"[。！？；]|[.!?;](?=\s)", cut)]
    if ends and ends[-1] >= limit // 2:
        return cut[: ends[-1]].strip()
    return cut.rstrip() + "…"
