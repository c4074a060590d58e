"""The study plan in words, Chinese or English: each week's check questions and checkpoints, and
the whole plan as Markdown in the shape of a hand-written study plan (phases, weeks, learning
content, practice, `- [ ]` checkpoints, progress tracking)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dltutor.course.model import Course
from dltutor.i18n import text_in

if TYPE_CHECKING:
    from dltutor.learning.planner import Plan, Week

# Topics that want a GPU; without one the plan says how to manage.
GPU_HEAVY = {
    "proj.mnist_mlp",
    "proj.cifar10_cnn",
    "proj.sentiment_rnn",
    "proj.chatbot",
    "cnn.transfer_learning",
    "ft.full_finetuning",
    "ft.peft_lora",
    "app.distributed_training",
}
STAGE_NAMES: dict[int, dict[str, str]] = {
    0: {"zh": "数学与计算基础", "en": "Math and computing foundations"},
    1: {"zh": "机器学习基础", "en": "Machine-learning basics"},
    2: {"zh": "神经网络基础", "en": "Neural-network fundamentals"},
    3: {"zh": "卷积神经网络", "en": "Convolutional networks"},
    4: {"zh": "序列模型与自然语言处理", "en": "Sequences and NLP"},
    5: {"zh": "Transformer 与大模型技术", "en": "Transformers and LLM techniques"},
    6: {"zh": "大模型应用与工程", "en": "LLM applications and engineering"},
    7: {"zh": "进阶专题", "en": "Advanced topics"},
}

ZH_NUMERALS = "一二三四五六七八九十"

LABELS: dict[str, dict[str, str]] = {
    "title": {"zh": "{name}的深度学习学习计划", "en": "Deep-learning study plan for {name}"},
    "title_anon": {"zh": "深度学习学习计划", "en": "Deep-learning study plan"},
    "goals": {"zh": "## 📚 学习目标", "en": "## 📚 Goals"},
    "goal_line": {"zh": "- 目标主题：{goals}", "en": "- Goal topics: {goals}"},
    "no_goal": {"zh": "- 目标：完整学习整门课程", "en": "- Goal: the whole course"},
    "unmatched": {
        "zh": "- 未能对应到课程主题的目标：{words}（可以换个说法再试）",
        "en": "- Goals that match no course topic: {words} (try other words)",
    },
    "background": {"zh": "- 背景：{text}", "en": "- Background: {text}"},
    "budget": {
        "zh": "- 每周 {hours:g} 小时，共 {weeks} 周，约 {total:g} 小时",
        "en": "- {hours:g} hours a week, {weeks} weeks, about {total:g} hours in all",
    },
    "skipped": {
        "zh": "- 已掌握、不再安排的主题：{topics}",
        "en": "- Already mastered, left out: {topics}",
    },
    "overview": {"zh": "## 🎯 学习路径概览", "en": "## 🎯 Overview"},
    "details": {"zh": "## 📖 详细学习计划", "en": "## 📖 Week by week"},
    "phase": {"zh": "第{n}阶段：{name}（{weeks}）", "en": "Phase {n}: {name} ({weeks})"},
    "week_range": {"zh": "第{a}-{b}周", "en": "weeks {a}-{b}"},
    "week_one": {"zh": "第{a}周", "en": "week {a}"},
    "week": {
        "zh": "#### 第{n}周：{titles}（约 {hours:g} 小时）",
        "en": "#### Week {n}: {titles} (about {hours:g} h)",
    },
    "done": {"zh": " ✅ 已完成", "en": " ✅ done"},
    "content": {"zh": "**学习内容：**", "en": "**Learning content:**"},
    "part": {"zh": "（第 {i}/{n} 部分）", "en": " (part {i} of {n})"},
    "topic_hours": {"zh": "{title}（{hours:g} 小时）{part}", "en": "{title} ({hours:g} h){part}"},
    "practice": {"zh": "**实践任务：**", "en": "**Practice:**"},
    "exercise": {"zh": "编程练习 `{id}`：{title}", "en": "Exercise `{id}`: {title}"},
    "questions": {"zh": "**检验问题：**", "en": "**Check questions:**"},
    "checkpoints": {"zh": "**本周检查点：**", "en": "**Checkpoints this week:**"},
    "explain": {
        "zh": "能用自己的话讲清「{title}」",
        "en": "Can explain “{title}” in your own words",
    },
    "notes": {"zh": "**提示：**", "en": "**Notes:**"},
    "no_gpu": {
        "zh": "没有 GPU：先用小模型和少量数据在 CPU 上跑通，需要时再用免费的云端 GPU（如 Colab）。",
        "en": "No GPU: get it working on the CPU with a small model and little data first; "
        "use a free cloud GPU (e.g. Colab) when you need more.",
    },
    "tracking": {"zh": "## 📊 学习进度跟踪", "en": "## 📊 Tracking progress"},
    "stage_checks": {"zh": "### 阶段性评估", "en": "### End of each phase"},
    "stage_check": {
        "zh": "- [ ] 第{n}阶段：{name} 阶段测验",
        "en": "- [ ] Phase {n}: {name} — phase quiz",
    },
    "reviews": {"zh": "### 复习", "en": "### Reviews"},
    "reviews_text": {
        "zh": "每学完一个主题，导师会按间隔重复（FSRS）安排复习；计划会根据测验和练习结果重新调整。",
        "en": "After each topic the tutor schedules spaced reviews (FSRS); the plan is "
        "adjusted from your quiz and exercise results.",
    },
    "empty": {
        "zh": "目标涉及的主题你都已掌握，没有需要安排的内容。",
        "en": "You already master every topic your goals need: nothing to plan.",
    },
}


def label(key: str, lang: str, **kw: object) -> str:
    return text_in(LABELS, key, lang, **kw)


def check_questions(course: Course, week: Week, lang: str) -> list[dict[str, str]]:
    """The lessons' check questions for the topics this week finishes."""
    out = []
    for part in week.parts:
        if not part.last:
            continue
        t = course[part.topic]
        lesson = t.lesson(lang)
        for q in lesson.check_questions if lesson else []:
            out.append({"topic": part.topic, "question": q.question})
    return out


def checkpoints(course: Course, week: Week, lang: str) -> list[str]:
    """The week's learning objectives as things to tick off (a fallback where none are written)."""
    out = []
    for part in week.parts:
        if not part.last:
            continue
        t = course[part.topic]
        objectives = t.objectives.get(lang) or []
        out.extend(objectives or [label("explain", lang, title=course.title(t.id, lang))])
    return out


def week_notes(plan: Plan, week: Week, lang: str) -> list[str]:
    if not plan.profile.has_gpu and any(t in GPU_HEAVY for t in week.topics):
        return [label("no_gpu", lang)]
    return []


def phase_number(n: int, lang: str) -> str:
    return ZH_NUMERALS[n - 1] if lang == "zh" and 1 <= n <= len(ZH_NUMERALS) else str(n)


def plan_markdown(plan: Plan, lang: str) -> str:
    course, profile = plan.course, plan.profile
    title = course.title
    lines = [
        "# "
        + (label("title", lang, name=profile.name) if profile.name else label("title_anon", lang)),
        "",
        label("goals", lang),
        "",
    ]
    if plan.goals:
        lines.append(
            label("goal_line", lang, goals=_join([title(g, lang) for g in plan.goals], lang))
        )
    else:
        lines.append(label("no_goal", lang))
    if plan.unmatched_goals:
        lines.append(label("unmatched", lang, words=_join(plan.unmatched_goals, lang)))
    if profile.background:
        lines.append(label("background", lang, text=profile.background.strip()))
    todo = [w for w in plan.weeks if not w.done]
    lines.append(
        label(
            "budget",
            lang,
            hours=profile.hours_per_week,
            weeks=len(plan.weeks),
            total=round(sum(w.hours for w in todo), 1),
        )
    )
    if plan.skipped:
        lines.append(
            label("skipped", lang, topics=_join([title(t, lang) for t in plan.skipped], lang))
        )
    if not plan.weeks:
        return "\n".join([*lines, "", label("empty", lang), ""])

    phases: list[tuple[int, list[Week]]] = []
    for w in plan.weeks:
        if not phases or phases[-1][0] != w.stage:
            phases.append((w.stage, []))
        phases[-1][1].append(w)

    def heading(n: int, stage: int, weeks: list[Week]) -> str:
        a, b = weeks[0].week, weeks[-1].week
        span = label("week_one", lang, a=a) if a == b else label("week_range", lang, a=a, b=b)
        return label(
            "phase", lang, n=phase_number(n, lang), name=STAGE_NAMES[stage][lang], weeks=span
        )

    lines += ["", label("overview", lang), ""]
    for n, (stage, weeks) in enumerate(phases, 1):
        lines.append("### " + heading(n, stage, weeks))
        topics = list(dict.fromkeys(t for w in weeks for t in w.topics))
        lines += [f"- {title(t, lang)}" for t in topics] + [""]
    lines += ["---", "", label("details", lang), ""]
    for n, (stage, weeks) in enumerate(phases, 1):
        lines += ["### " + heading(n, stage, weeks), ""]
        for w in weeks:
            lines += _week_markdown(plan, w, lang)
        lines += ["---", ""]
    lines += [label("tracking", lang), "", label("stage_checks", lang)]
    for n, (stage, _weeks) in enumerate(phases, 1):
        lines.append(
            label("stage_check", lang, n=phase_number(n, lang), name=STAGE_NAMES[stage][lang])
        )
    lines += ["", label("reviews", lang), label("reviews_text", lang), ""]
    return "\n".join(lines)


def _week_markdown(plan: Plan, w: Week, lang: str) -> list[str]:
    course = plan.course
    titles = _join([course.title(t, lang) for t in w.topics], lang)
    head = label("week", lang, n=w.week, titles=titles, hours=w.hours)
    lines = [head + (label("done", lang) if w.done else ""), label("content", lang)]
    for p in w.parts:
        part = label("part", lang, i=p.index, n=p.count) if p.count > 1 else ""
        lines.append(
            "- "
            + label(
                "topic_hours", lang, title=course.title(p.topic, lang), hours=p.hours, part=part
            )
        )
    if w.exercises:
        lines += ["", label("practice", lang)]
        names = _exercise_titles()
        for ex in w.exercises:
            name = names.get(ex, {}).get(lang)
            lines.append("- " + (label("exercise", lang, id=ex, title=name) if name else f"`{ex}`"))
    questions = check_questions(course, w, lang)
    if questions:
        lines += ["", label("questions", lang)] + [f"- {q['question']}" for q in questions]
    ticks = checkpoints(course, w, lang)
    if ticks:
        lines += ["", label("checkpoints", lang)] + [
            f"- [{'x' if w.done else ' '}] {c}" for c in ticks
        ]
    notes = week_notes(plan, w, lang)
    if notes:
        lines += ["", label("notes", lang)] + [f"- {n}" for n in notes]
    return [*lines, ""]


def _exercise_titles() -> dict[str, dict[str, str]]:
    """Exercise id -> title per language, where the exercise folder exists and loads."""
    try:
        from dltutor.course.exercises import load_exercises

        return {e.id: e.title for e in load_exercises()}
    except Exception:  # an exercise being written may not load yet: fall back to its id
        return {}


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)
