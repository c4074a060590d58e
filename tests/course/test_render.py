"""Markdown rendering for the web: math, code, and safety against injected markup."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from dltutor.course import Course
from dltutor.course.render import MATHML_TAGS, pygments_css, render_markdown


def test_inline_and_display_math_become_mathml() -> None:
    out = render_markdown("Energy $E = mc^2$ here.\n\n$$\n\\frac{a}{b}\n$$\n")
    assert out.count("<math") == 2
    assert '<span class="math inline"><math display="inline"' in out
    assert 'display="block"' in out and "<mfrac>" in out
    assert "$" not in out


def test_code_is_highlighted_with_css_classes() -> None:
    out = render_markdown("```python run\nimport numpy as np\nx = 1\n```\n")
    assert '<pre class="highlight"><code class="language-python">' in out
    assert '<span class="kn">import</span>' in out
    assert "style=" not in out  # class-based, so the page's CSS decides
    plain = render_markdown("```nosuchlang\n<b>x</b>\n```\n")
    assert "&lt;b&gt;x&lt;/b&gt;" in plain


def test_pygments_css_targets_the_code_class() -> None:
    css = pygments_css()
    assert ".highlight .k" in css and "prefers-color-scheme: dark" in css


def test_tables_render() -> None:
    out = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in out and "<td>1</td>" in out


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "$\\text{<script>alert(1)</script>}$",
        "$\\text{</math><img src=x onerror=alert(1)>}$",
        "$\\href{javascript:alert(1)}{x}$",
        '$\\color{red" onclick="alert(1)}{a}$',
        "```html\n<script>alert(1)</script>\n```",
    ],
)
def test_untrusted_markup_is_never_live(text: str) -> None:
    tags = _tags(render_markdown(text))
    allowed = {"p", "span", "div", "code", "pre", "a"} | MATHML_TAGS
    assert {name for name, _ in tags} <= allowed
    for _, attrs in tags:
        assert not any(a.startswith("on") or a in ("href", "src", "style") for a in attrs), attrs


def _tags(html: str) -> list[tuple[str, list[str]]]:
    """Every start tag in `html` with its attribute names, as a browser would parse them."""
    found: list[tuple[str, list[str]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, [a for a, _ in attrs]))

    Collector().feed(html)
    return found


@pytest.mark.parametrize(
    "latex",
    ["\\frac{1}{", "\\begin{matrix}", "\\left(", "}}}", "\\unknowncommand{x}", "a^^b", "\\"],
)
def test_bad_latex_falls_back_to_source_and_never_raises(latex: str) -> None:
    out = render_markdown(f"before ${latex}$ after\n\n$$\n{latex}\n$$\n")
    assert "before" in out and "after" in out


def test_bad_latex_is_shown_as_code() -> None:
    out = render_markdown("$\\frac{1}{$")
    assert '<code class="math-error">\\frac{1}{</code>' in out


def test_every_shipped_lesson_renders(course: Course) -> None:
    rendered = 0
    for topic in course:
        for lesson in topic.lessons.values():
            html = render_markdown(lesson.text)
            assert "<h1>" in html and "<h2>" in html
            rendered += 1
    if not rendered:
        pytest.skip("no lessons yet")


def test_aligned_equations_become_a_table_with_text_notes() -> None:
    out = render_markdown(
        "$$\n\\begin{aligned}\ni_t &= \\sigma(W_i x_t) && \\text{input gate}\\\\\n"
        "c_t &= f_t \\odot c_{t-1} && \\text{cell state}\n\\end{aligned}\n$$\n"
    )
    assert "math-error" not in out and out.count("<mtr>") == 2
    assert '<mtd columnalign="right"><mrow><msub><mi>i</mi>' in out
    assert "<mtext>input\xa0gate</mtext>" in out and "&amp;" not in out  # spaces kept as nbsp
    for env in ("align", "align*"):
        assert "math-error" not in render_markdown(f"$$\\begin{{{env}}} a &= b \\end{{{env}}}$$")


def test_less_than_inside_text_stays_a_less_than_sign() -> None:
    out = render_markdown("$\\text{cost < 5}$ and $\\text{a > b \\& c}$")
    assert "<mtext>cost\xa0&lt;\xa05</mtext>" in out and "\\lt" not in out
    assert "<mtext>a\xa0&gt;\xa0b\xa0&amp;\xa0c</mtext>" in out


def test_lstm_and_gru_equations_render(course: Course) -> None:
    from dltutor.course.render import math_errors

    for lang in ("zh", "en"):
        text = course["rnn.lstm_gru"].lessons[lang].text
        assert math_errors(text) == []
        assert render_markdown(text).count("<mtable") == 2
