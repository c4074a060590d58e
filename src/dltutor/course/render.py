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
import re
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


def _clean_mathml(markup: str) -> ET.Element | None:
    """`markup` rebuilt from allowed elements and attributes, or None if it has anything else."""
    try:
        root = ET.fromstring(markup.replace(_XMLNS, "", 1))
    except ET.ParseError:
        return None
    for el in root.iter():
        if el.tag not in MATHML_TAGS or any(a not in MATHML_ATTRS for a in el.attrib):
            return None
    return root


# \text{...} and its kin: latex2mathml copies their contents into <mtext> verbatim, so a "<" there
# ("$\text{cost < 5}$") would be raw markup. Escaped first, it stays text.
_TEXT_COMMANDS = re.compile(r"\\(?:text|textrm|textit|textbf|texttt|mbox)\s*\{")
_XML_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# Multi-line alignment, which latex2mathml leaves as raw "&" cells: built here as an <mtable>.
_ALIGN = re.compile(r"\\begin\{(aligned|align\*?|split|alignat\*?\{\d+\})\}(.*?)\\end\{\1\}", re.S)


def _escape_text_commands(latex: str) -> str:
    out, i = [], 0
    for m in _TEXT_COMMANDS.finditer(latex):
        if m.start() < i:
            continue
        end = _group_end(latex, m.end())
        body = latex[m.end() : end]
        body = body.replace("\\&", "&").replace("\\%", "%").replace("\\$", "$")
        out += [latex[i : m.end()], "".join(_XML_ESCAPES.get(c, c) for c in body)]
        i = end
    return "".join(out) + latex[i:]


def _group_end(latex: str, start: int) -> int:
    """The index of the "}" closing the group that opens just before `start`."""
    depth = 1
    for j in range(start, len(latex)):
        c = latex[j]
        if c == "\\":
            continue
        if c == "{" and latex[j - 1] != "\\":
            depth += 1
        elif c == "}" and latex[j - 1] != "\\":
            depth -= 1
            if depth == 0:
                return j
    return len(latex)


def _split_top(latex: str, sep: str) -> list[str]:
    """Split on `sep` ("&" or "\\\\") outside braces, never on an escaped "\\&"."""
    parts, depth, start, j = [], 0, 0, 0
    while j < len(latex):
        c = latex[j]
        if c == "\\" and not latex.startswith(sep, j):
            j += 2  # a command or an escaped character ("\\&", "\\{")
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and latex.startswith(sep, j):
            parts.append(latex[start:j])
            j += len(sep)
            start = j
            continue
        j += 1
    parts.append(latex[start:])
    return parts


def _convert(latex: str, display: str) -> ET.Element | None:
    """One formula as a cleaned <math> element; alignment environments become tables."""
    m = _ALIGN.search(latex)
    if m is None:
        try:
            return _clean_mathml(latex_to_mathml(_escape_text_commands(latex), display=display))
        except Exception:  # latex2mathml raises many types on malformed input; none may escape
            return None
    root = ET.Element("math", display=display)
    row = ET.SubElement(root, "mrow")
    for part in (latex[: m.start()], None, latex[m.end() :]):
        if part is None:
            table = _align_table(m.group(2), display)
            if table is None:
                return None
            row.append(table)
        elif part.strip():
            converted = _convert(part, display)
            if converted is None:
                return None
            row.extend(list(converted))
    return root


def _align_table(body: str, display: str) -> ET.Element | None:
    """`a &= b && \\text{note} \\\\ ...` as an <mtable>: columns alternate right and left
    aligned, as in LaTeX's align; an empty column (from "&&") only adds space."""
    rows = [r for r in _split_top(body, "\\\\") if r.strip()]
    table = ET.Element("mtable", displaystyle="true")
    for r in rows:
        tr = ET.SubElement(table, "mtr")
        for col, cell in enumerate(_split_top(r, "&")):
            td = ET.SubElement(tr, "mtd", columnalign="right" if col % 2 == 0 else "left")
            if cell.strip():
                converted = _convert(cell, display)
                if converted is None:
                    return None
                td.extend(list(converted))
    return table


def render_math(latex: str, options: dict[str, Any]) -> str:
    """MathML for one formula, or its escaped source when it cannot be converted safely."""
    display = "block" if options.get("display_mode") else "inline"
    root = _convert(latex.strip(), display)
    if root is None:
        return f'<code class="math-error">{html.escape(latex)}</code>'
    root.set("xmlns", MATHML_NS)
    return ET.tostring(root, encoding="unicode")  # re-serialized: text and values escaped


def math_errors(text: str) -> list[str]:
    """The formulas in Markdown `text` that the web would show as source (`math-error`)."""
    bad = []
    for token in _parser().parse(text):
        for t in [token, *(token.children or [])]:
            if t.type.startswith("math_"):
                display = {"display_mode": t.type.startswith("math_block") or "double" in t.type}
                if 'class="math-error"' in render_math(t.content, display):
                    bad.append(t.content.strip())
    return bad


def code_spans(text: str) -> list[str]:
    """The code in Markdown `text`: fenced and indented blocks, then inline `code`, in order."""
    out = []
    for token in _parser().parse(text):
        if token.type in ("fence", "code_block"):
            out.append(token.content)
        out += [t.content for t in token.children or [] if t.type == "code_inline"]
    return out


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
