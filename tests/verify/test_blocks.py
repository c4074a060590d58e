"""Finding Python blocks in Markdown, in step with the web renderer, and annotating them."""

from __future__ import annotations

import html
import re

from dltutor.course.render import render_markdown
from dltutor.verify.blocks import Attempt, BlockResult, annotate, extract_blocks, fence
from dltutor.verify.snippets import RunResult

DOC = """# Title

Some text with `inline` code.

```bash
pip install numpy
```

```python
a = 1
```

    an indented code block

1. A list item with code:

   ```py
   b = 2
   ```

> A quote:
>
> ```python
> c = 3
> ```

~~~python title="tilde"
d = 4
~~~

````python
s = '''
```
'''
````

```
not python
```

```pycon
>>> e = 5
>>> e + 1
6
```
"""


def test_extracts_python_blocks_only() -> None:
    blocks = extract_blocks(DOC)
    assert [b.code for b in blocks] == [
        "a = 1\n",
        "b = 2\n",
        "c = 3\n",
        "d = 4\n",
        "s = '''\n```\n'''\n",
        "e = 5\ne + 1\n",
    ]
    assert [b.index for b in blocks] == list(range(6))
    assert blocks[2].prefix == "> " and blocks[1].prefix == "   "


def test_pre_index_matches_the_rendered_page() -> None:
    """The web page puts block i's badge under the pre_index-th <pre>: they must agree."""
    pres = re.findall(r"<pre[^>]*>(.*?)</pre>", render_markdown(DOC), re.S)
    texts = [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in pres]
    blocks = extract_blocks(DOC)
    assert len(texts) == 9
    for b in blocks[:5]:
        assert texts[b.pre_index].strip() == b.code.strip()
    assert ">>> e = 5" in texts[blocks[5].pre_index]


def test_unclosed_fence_runs_to_the_end() -> None:
    [b] = extract_blocks("Answer:\n\n```python\nx = (1,\n")
    assert b.code == "x = (1,\n"


def _result(
    index: int, code: str, ok: bool, output: str = "", original: str | None = None
) -> BlockResult:
    run = RunResult(ok=ok, kind="ok" if ok else "error", exit_status=0 if ok else 1, output=output)
    if not ok:
        run.errors = {"en": "NameError: name 'q' is not defined", "zh": "NameError：未定义"}
    attempts = [Attempt(original or code, run)]
    return BlockResult(
        index, 0, original or code, code, "verified" if ok else "failed", run, attempts
    )


def test_annotate_puts_verdicts_under_blocks_and_keeps_them_parsable() -> None:
    text = "Intro\n\n```python\nprint(1)\n```\nText right after.\n\n```python\nprint(q)\n```\n"
    results = [_result(0, "print(1)\n", True, "1\n"), _result(1, "print(q)\n", False)]
    out = annotate(text, results, "en")
    assert "> **✓ verified**" in out and "> **✗ failed**" in out
    assert "> ```text\n> 1\n> ```" in out and "NameError" in out
    assert "\n\nText right after." in out  # the paragraph is not swallowed by the quote
    assert [b.code for b in extract_blocks(out)] == ["print(1)\n", "print(q)\n"]


def test_annotate_shows_the_repaired_code() -> None:
    text = "> ```python\n> broken(\n> ```\n"
    res = _result(0, "fixed = 1\n", True, original="broken(\n")
    out = annotate(text, [res], "zh")
    assert "> fixed = 1" in out and "broken(" not in out.split("修复")[0]
    assert "✓ 修复后已验证" in out


def test_fence_outgrows_backticks_inside() -> None:
    assert fence("a ``` b", "text").startswith("````text\n")
