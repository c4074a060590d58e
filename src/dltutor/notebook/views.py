"""The notebook's output as HTML, in Chinese and English: exercise statements, grade tables,
hints and answers (Markdown and math through the course renderer: MathML, which Jupyter's
browser shows without MathJax)."""

from __future__ import annotations

from html import escape

from dltutor.course.render import render_markdown
from dltutor.notebook.services import ExerciseView, GradeView, HintView

TEXT = {
    "functions": {"en": "Write", "zh": "要实现的函数"},
    "starter": {
        "en": "The starter code is in a new cell below: fill it in and run it to grade it.",
        "zh": "起始代码已放在下方的新单元格中：补全后运行它即可评测。",
    },
    "grading": {"en": "Grading in the sandbox…", "zh": "正在沙箱中评测……"},
    "test": {"en": "Test", "zh": "测试"},
    "result": {"en": "Result", "zh": "结果"},
    "message": {"en": "Message", "zh": "说明"},
    "passed": {"en": "✅ All {n} tests pass.", "zh": "✅ 全部 {n} 个测试通过。"},
    "failed": {
        "en": "❌ {failed} of {n} tests fail.",
        "zh": "❌ {n} 个测试中有 {failed} 个未通过。",
    },
    "mastery": {
        "en": "Mastery of {topic}: {before:.0%} → {after:.0%}",
        "zh": "{topic} 的掌握程度：{before:.0%} → {after:.0%}",
    },
    "hint": {"en": "Hint {shown}/{total}", "zh": "提示 {shown}/{total}"},
    "answering": {"en": "The tutor is answering…", "zh": "导师正在回答……"},
    "lang": {"en": "dltutor will answer in English.", "zh": "dltutor 将使用中文。"},
    "unknown": {
        "en": "Unknown exercise {id!r}: run `dltutor exercise list` for the ids.",
        "zh": "没有这个练习 {id!r}：运行 `dltutor exercise list` 查看全部练习。",
    },
    "token": {
        "en": "The server refused the API token: make a new one on your profile page and set "
        "DLTUTOR_TOKEN.",
        "zh": "服务器拒绝了 API 令牌：请在个人信息页面创建新令牌，并设置 DLTUTOR_TOKEN。",
    },
    "ask": {
        "en": "The answer stopped early: {why}. Ask again in a moment.",
        "zh": "回答中途停止：{why}。请稍后再问一次。",
    },
    "usage": {
        "en": "Usage: %dltutor exercise ID · %%dltutor grade ID (a cell) · %dltutor hint ID · "
        '%dltutor ask "question" · %dltutor lang zh|en',
        "zh": "用法：%dltutor exercise 练习ID · %%dltutor grade 练习ID（单元格）· "
        '%dltutor hint 练习ID · %dltutor ask "问题" · %dltutor lang zh|en',
    },
}


# JupyterLab right-aligns table cells; a test's message reads better from the left.
LEFT = ' style="text-align:left"'


def t(key: str, lang: str, **kw: object) -> str:
    return TEXT[key]["zh" if lang == "zh" else "en"].format(**kw)


def note(key: str, lang: str) -> str:
    return f'<p class="dltutor-note"><i>{escape(t(key, lang))}</i></p>'


def error(key: str, lang: str, **kw: object) -> str:
    return f'<p class="dltutor-error" style="color:#b00">{escape(t(key, lang, **kw))}</p>'


def usage(lang: str) -> str:
    return f"<pre>{escape(t('usage', lang))}</pre>"


def exercise(ex: ExerciseView, lang: str) -> str:
    funcs = "".join(f"<li><code>{escape(f)}</code></li>" for f in ex.functions)
    return (
        f'<div class="dltutor-exercise"><h3>{escape(ex.title)} <small>{escape(ex.id)}</small></h3>'
        f"{render_markdown(ex.statement)}"
        f"<p><b>{escape(t('functions', lang))}</b></p><ul>{funcs}</ul>"
        f"<p><i>{escape(t('starter', lang))}</i></p></div>"
    )


def grade(g: GradeView, lang: str) -> str:
    rows = "".join(
        "<tr>"
        f"<td{LEFT}><code>{escape(str(x['name']))}</code></td>"
        f"<td{LEFT}>{'✓' if x['passed'] else '✗'}</td>"
        f"<td{LEFT}>{escape(str(x.get('message') or ''))}</td>"
        "</tr>"
        for x in g.tests
    )
    n, failed = len(g.tests), sum(not x["passed"] for x in g.tests)
    summary = t("passed", lang, n=n) if g.passed else t("failed", lang, failed=failed, n=n)
    out = f'<div class="dltutor-grade"><p><b>{escape(summary)}</b></p>'
    if g.tests:
        head = "".join(
            f"<th{LEFT}>{escape(t(k, lang))}</th>" for k in ("test", "result", "message")
        )
        out += f"<table><tr>{head}</tr>{rows}</table>"
    if g.error:
        out += f'<pre style="color:#b00">{escape(g.error)}</pre>'
    if g.mastery is not None:
        before, after = g.mastery
        out += f"<p>{escape(t('mastery', lang, topic=g.topic, before=before, after=after))}</p>"
    return out + "</div>"


def hint(h: HintView, lang: str) -> str:
    head = escape(t("hint", lang, shown=h.shown, total=h.total))
    return f'<div class="dltutor-hint"><p><b>{head}</b></p>{render_markdown(h.text)}</div>'


def answer(text: str, lang: str, *, done: bool) -> str:
    body = render_markdown(text) if text else ""
    wait = "" if done else f"<p><i>{escape(t('answering', lang))}</i></p>"
    return f'<div class="dltutor-answer">{body}{wait}</div>'
