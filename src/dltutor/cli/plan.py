"""CLI: plan (a study plan from a profile) and diagnose (the adaptive placement quiz).

`mastery_report` renders mastery by stage and due reviews as Rich tables, for `diagnose` here and
for a `progress` command that reads the learner's record from the database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from dltutor.cli.common import check_lang

if TYPE_CHECKING:
    from fsrs import Card

    from dltutor.course.model import Course, QuizItem

TEXT: dict[str, dict[str, str]] = {
    "intro": {
        "zh": "入门诊断：最多 {n} 道题，题目会根据你的回答调整。不会就输入 ?，随时按 Ctrl+C 结束。",
        "en": "Placement quiz: up to {n} questions, chosen from your answers. "
        "Type ? if you don't know; Ctrl+C ends it early.",
    },
    "question": {"zh": "第 {i} 题 · {topic}", "en": "Question {i} · {topic}"},
    "answer_mcq": {"zh": "你的选择（1-{n}，不会输入 ?）", "en": "Your choice (1-{n}, ? if unsure)"},
    "answer_probe": {"zh": "能 / 不能（y/n）", "en": "Yes / no (y/n)"},
    "answer_short": {"zh": "你的答案（不会输入 ?）", "en": "Your answer (? if unsure)"},
    "right": {"zh": "✓ 正确", "en": "✓ Right"},
    "wrong": {"zh": "✗ 不对", "en": "✗ Not quite"},
    "correct_was": {"zh": "正确答案：{a}", "en": "The answer: {a}"},
    "noted": {"zh": "已记录。", "en": "Noted."},
    "stopped": {"zh": "诊断提前结束。", "en": "Quiz ended early."},
    "stage": {"zh": "阶段", "en": "Stage"},
    "topics": {"zh": "主题数", "en": "Topics"},
    "mastered": {"zh": "已掌握", "en": "Mastered"},
    "mean": {"zh": "平均掌握度", "en": "Mean mastery"},
    "due": {"zh": "待复习", "en": "Reviews due"},
    "by_stage": {"zh": "各阶段掌握情况", "en": "Mastery by stage"},
    "due_title": {"zh": "待复习的主题", "en": "Topics due for review"},
    "topic": {"zh": "主题", "en": "Topic"},
    "since": {"zh": "到期", "en": "Due since"},
    "saved": {"zh": "已保存到 {path}", "en": "Saved to {path}"},
    "tip_diagnose": {
        "zh": "提示：先运行 dltutor diagnose --out mastery.json，再加上 --mastery mastery.json，"
        "计划会跳过你已掌握的主题。",
        "en": "Tip: run dltutor diagnose --out mastery.json first, then add --mastery mastery.json "
        "to leave out what you already master.",
    },
    "next": {
        "zh": "下一步：dltutor plan --profile 你的档案.yaml --mastery {path}",
        "en": "Next: dltutor plan --profile your-profile.yaml --mastery {path}",
    },
}

PROBE_REPLIES = dict.fromkeys(("y", "yes", "是", "能", "会"), "1") | dict.fromkeys(
    ("n", "no", "否", "不能", "不会"), "2"
)


def _t(key: str, lang: str, **kw: object) -> str:
    return TEXT[key][lang].format(**kw)


def mastery_report(
    course: Course,
    mastery: Mapping[str, float],
    lang: str = "zh",
    cards: Mapping[str, Card] | None = None,
    now: datetime | None = None,
) -> Group:
    """Mastery by stage (topics, mastered, mean P, reviews due), then the due topics, if any:
    the same figures as the web's dashboard (tutor.progress.mastery_by_stage)."""
    from dltutor.learning.knowledge import Mastery
    from dltutor.learning.reviews import due
    from dltutor.tutor.progress import mastery_by_stage

    due_topics = due(cards, now) if cards is not None else []
    table = Table(title=_t("by_stage", lang))
    columns = ("stage", "topics", "mastered", "mean") + (("due",) if cards is not None else ())
    for col in columns:
        table.add_column(_t(col, lang), justify="left" if col == "stage" else "right")
    p = mastery if isinstance(mastery, Mastery) else Mastery(dict(mastery))
    for s in mastery_by_stage(course, p, lang):
        row = [
            f"{s.stage} {s.name}",
            str(s.topics),
            str(s.mastered),
            f"{s.mean:.0%} {'█' * round(10 * s.mean)}",
        ]
        if cards is not None:
            row.append(str(sum(course[t].stage == s.stage for t in due_topics)))
        table.add_row(*row)
    parts: list[Any] = [table]
    if due_topics and cards:
        due_table = Table(title=_t("due_title", lang))
        due_table.add_column(_t("topic", lang))
        due_table.add_column(_t("since", lang), justify="right")
        for t in due_topics:
            due_table.add_row(course.title(t, lang), cards[t].due.strftime("%Y-%m-%d"))
        parts.append(due_table)
    return Group(*parts)


def plan(
    profile: Annotated[Path, typer.Option("--profile", "-p", help="Profile YAML file.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="md or json.")] = "md",
    mastery: Annotated[
        Path | None, typer.Option("--mastery", "-m", help="Mastery JSON (from `diagnose --out`).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh or en (default: the profile's).")
    ] = None,
) -> None:
    """Make a study plan: the goals' prerequisites, minus what is mastered, packed into weeks."""
    from pydantic import ValidationError

    from dltutor.course.model import Course
    from dltutor.learning.knowledge import Mastery
    from dltutor.learning.planner import make_plan
    from dltutor.learning.profile import Profile

    if fmt not in ("md", "json"):
        raise typer.BadParameter("--format must be md or json")
    check_lang(lang)
    try:
        prof = Profile.load(profile)
    except (OSError, ValidationError) as e:
        typer.echo(f"cannot read profile {profile}: {e}", err=True)
        raise typer.Exit(2) from e
    p: dict[str, float] = {}
    if mastery is not None:
        try:
            p = Mastery.from_dict(json.loads(mastery.read_text(encoding="utf-8"))).p
        except (OSError, ValueError, AttributeError) as e:
            typer.echo(f"cannot read mastery {mastery}: {e}", err=True)
            raise typer.Exit(2) from e
    else:
        typer.echo(_t("tip_diagnose", lang or prof.language), err=True)
    result = make_plan(Course.load(), prof, p)
    if fmt == "json":
        text = json.dumps(result.to_json(lang), ensure_ascii=False, indent=2) + "\n"
    else:
        text = result.to_markdown(lang)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(_t("saved", lang or prof.language, path=out), err=True)


def diagnose(
    max_items: Annotated[
        int, typer.Option("--max-items", "-n", min=1, help="At most this many questions.")
    ] = 15,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en.")] = None,
    profile: Annotated[
        Path | None, typer.Option("--profile", "-p", help="Profile YAML: its level sets the prior.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the mastery as JSON at the end.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Save the mastery JSON here.")
    ] = None,
) -> None:
    """The adaptive placement quiz: which topics do you already master?"""
    from dltutor.course.model import Course
    from dltutor.learning.diagnostic import Diagnostic
    from dltutor.learning.knowledge import Mastery
    from dltutor.learning.profile import Profile

    check_lang(lang)
    prof = Profile.load(profile) if profile else None
    lang = lang or (prof.language if prof else "zh")
    course = Course.load()
    d = Diagnostic(course, max_items=max_items, lang=lang, profile=prof)
    con = Console(stderr=as_json)  # with --json, stdout carries only the JSON
    con.print(_t("intro", lang, n=max_items))
    learner = _local_learner_id()
    try:
        while (item := d.next_item()) is not None:
            d.record(item.id, _ask(con, course, item, d.items_used + 1, lang, learner))
    except (KeyboardInterrupt, EOFError):
        con.print(f"\n{_t('stopped', lang)}")
    result = d.mastery()
    if out is not None:
        out.write_text(
            json.dumps(Mastery(result).to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    con.print(mastery_report(course, result, lang))
    if out is not None:
        con.print(_t("saved", lang, path=out))
        con.print(_t("next", lang, path=out))


def _local_learner_id() -> int | None:
    """The local learner's id: it seeds the option order, so the CLI shows a choice item's
    options in the order the single-user web app shows them. None if the store is unusable."""
    try:
        from dltutor.config import get_settings
        from dltutor.store import repo
        from dltutor.store.db import session_scope

        with session_scope(get_settings().db_url()) as db:
            return repo.get_or_create_local_learner(db).id
    except Exception:  # noqa: BLE001 - the quiz works without the store, in file order
        return None


def _ask(
    con: Console, course: Course, item: QuizItem, number: int, lang: str, learner: int | None
) -> bool:
    """Show one item, read the answer, say whether it was right; True if it was."""
    from dltutor.learning.shuffle import option_order

    shown = lang if lang in item.text else next(iter(item.text))
    text = item.text[shown]
    options = item.options(shown)
    order = [i for i in option_order(course, item, learner) if i in options]
    body = str(text["question"])
    if order:
        body += "\n\n" + "\n".join(f"  {n}. {options[i]}" for n, i in enumerate(order, 1))
    con.print(
        Panel(body, title=_t("question", lang, i=number, topic=course.title(item.topic, lang)))
    )
    why = None
    if order:
        prompt = "answer_probe" if item.type == "probe" else "answer_mcq"
        reply = con.input(_t(prompt, lang, n=len(order)) + " > ").strip()
        if item.type == "probe":  # a yes/no self-assessment: option 1 is yes
            reply = PROBE_REPLIES.get(reply.lower(), reply)
        chosen = order[int(reply) - 1] if reply.isdigit() and 1 <= int(reply) <= len(order) else ""
        correct = bool(chosen) and item.is_correct(chosen, shown)
        if chosen and not correct:
            why = item.why_wrong(shown, chosen)
    else:
        reply = con.input(_t("answer_short", lang) + " > ").strip()
        correct = reply not in ("", "?", "？") and item.is_correct(reply, shown)
    con.print(
        _t("right", lang) if correct else _t("wrong", lang), style="green" if correct else "red"
    )
    if not correct and item.type != "probe":
        con.print(_t("correct_was", lang, a=item.answer_text(shown)))
        if why:
            con.print(why)
    if text.get("explanation"):
        con.print(f"[dim]{text['explanation']}[/dim]")
    return correct


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("plan")(plan)
    app.command("diagnose")(diagnose)
