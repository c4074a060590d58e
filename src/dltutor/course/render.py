r"""Markdown -> HTML for the web app: lessons, and learner or model text, rendered the same way.

- CommonMark plus tables (markdown-it-py); raw HTML is disabled, so `<script>` in a lesson, a
  learner's message or a model's answer is shown as text, never run. markdown-it also refuses
  `javascript:` and similar link targets.
- `$...$` and `$$...$$` become MathML (latex2mathml), which browsers display natively: no
  JavaScript and nothing fetched. latex2mathml copies `\text{...}` verbatim and turns `\href`
  into an attribute, so its output is parsed and rebuilt from an allowlist of MathML elements
  and attributes before use. LaTeX that cannot be converted safely is shown as its source in
  `<code class="math-error">`; rendering never raises because of a formula.
- Fenced code is highlighted by Pygments with CSS classes (`pygments_css()` gives the style
  sheet); the fence's first word picks the lexer ("python run" -> python).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Any

from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

CODE_CSS_CLASS = "highlight"


MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_XMLNS = f' xmlns="{MATHML_NS}"'
# Presentation MathML as latex2mathml writes it. Anything else (a <script> smuggled in through
# \text{...}, an href from \href) makes the formula fall back to its source.
MATHML_TAGS = frozenset(
    """math semantics annotation mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt
    mroot mover munder munderover mtable mtr mtd mlabeledtr mstyle mpadded mphantom menclose
    merror mmultiscripts mprescripts none maction""".split()
)
MATHML_ATTRS = frozenset(
    """display mathvariant mathcolor mathbackground mathsize stretchy fence separator lspace
    rspace accent accentunder columnalign rowalign columnlines rowlines columnspacing rowspacing
    width height depth displaystyle scriptlevel linethickness notation movablelimits largeop
    symmetric minsize maxsize form frame framespacing equalrows equalcolumns align columnspan
    rowspan voffset encoding""".split()
)


def _clean_mathml(markup: str) -> str | None:
    """`markup` rebuilt from allowed elements and attributes, or None if it has anything else."""
    try:
        root = ET.fromstring(markup.replace(_XMLNS, "", 1))
    except ET.ParseError:
        return None
    for el in root.iter():
        if el.tag not in MATHML_TAGS or any(a not in MATHML_ATTRS for a in el.attrib):
            return None
    root.set("xmlns", MATHML_NS)
    return ET.tostring(root, encoding="unicode")  # re-serialized: text and values escaped


def render_math(latex: str, options: dict[str, Any]) -> str:
    """MathML for one formula, or its escaped source when it cannot be converted safely."""
    display = "block" if options.get("display_mode") else "inline"
    source = latex.strip()
    # A second try with < and > as commands: inside \text{} they would otherwise be raw markup.
    for attempt in (source, source.replace("<", r"\lt ").replace(">", r"\gt ")):
        try:
            clean = _clean_mathml(latex_to_mathml(attempt, display=display))
        except Exception:  # latex2mathml raises many types on malformed input; none may escape
            clean = None
        if clean is not None:
            return clean
    return f'<code class="math-error">{html.escape(latex)}</code>'


def render_code(code: str, lang: str, _attrs: str) -> str:
    """A highlighted `<pre>` (markdown-it uses output starting with <pre as is)."""
    try:
        lexer = get_lexer_by_name(lang) if lang else None
    except ClassNotFound:
        lexer = None
    lang_class = f' class="language-{html.escape(lang, quote=True)}"' if lang else ""
    if lexer is None:
        body = html.escape(code)
    else:
        body = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="{CODE_CSS_CLASS}"><code{lang_class}>{body}</code></pre>\n'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": render_code})
    md.enable("table")
    md.enable("strikethrough")
    md.use(dollarmath_plugin, allow_labels=False, double_inline=True, renderer=render_math)
    return md


def render_markdown(text: str) -> str:
    """HTML for Markdown text; safe for untrusted input (raw HTML is escaped)."""
    return _parser().render(text)


def pygments_css(style: str = "default", dark_style: str | None = "monokai") -> str:
    """CSS for highlighted code; with `dark_style`, also rules for `prefers-color-scheme: dark`."""
    css = HtmlFormatter(style=style).get_style_defs(f".{CODE_CSS_CLASS}")
    if dark_style:
        dark = HtmlFormatter(style=dark_style).get_style_defs(f".{CODE_CSS_CLASS}")
        css += "\n@media (prefers-color-scheme: dark) {\n" + dark + "\n}\n"
    return css
