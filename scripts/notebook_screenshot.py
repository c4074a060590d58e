"""The README's picture of the notebook flow: a demo notebook run in a real Jupyter kernel
(nbclient), on a throwaway DLTUTOR_HOME, converted to HTML (nbconvert), photographed by headless
Chromium (Playwright with Debian's /usr/bin/chromium). Writes docs/notebook.png and
docs/notebook-demo.ipynb.

    .venv/bin/python scripts/notebook_screenshot.py [--lang en|zh]

`ask` answers from the course (DLTUTOR_BACKEND=none): the picture shows what anyone gets
without a model, and no model's output is dressed up as the tutor's.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

from dltutor.course.exercises import get_exercise

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
EX = "ex.softmax"
INTRO = {
    "en": "# dltutor in Jupyter\n`pip install dltutor`, then `%load_ext dltutor`.",
    "zh": "# 在 Jupyter 中使用 dltutor\n`pip install dltutor`，然后 `%load_ext dltutor`。",
}
QUESTION = {"en": "How does softmax avoid overflow?", "zh": "softmax 如何避免溢出？"}


def cells(lang: str) -> list[object]:
    ex = get_exercise(EX)
    wrong = "\n".join(
        line
        for line in ex.wrong_solutions()[0].read_text().splitlines()
        if "expect-fail" not in line
    )
    code = nbformat.v4.new_code_cell
    return [
        nbformat.v4.new_markdown_cell(INTRO[lang]),
        code(f"%load_ext dltutor\n%dltutor lang {lang}"),
        code(f"%dltutor exercise {EX}"),
        code(f"%%dltutor grade {EX}\n{wrong}"),
        code(f"%dltutor hint {EX}"),
        code(f"%%dltutor grade {EX}\n{ex.reference_source().strip()}"),
        code(f'%dltutor ask "{QUESTION[lang]}"'),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", default="en", choices=["en", "zh"])
    lang = ap.parse_args().lang
    with tempfile.TemporaryDirectory(prefix="dltutor-nbshot-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DLTUTOR_")}
        env.update(DLTUTOR_HOME=tmp, DLTUTOR_BACKEND="none", DLTUTOR_LANG=lang)
        nb = nbformat.v4.new_notebook(cells=cells(lang))
        NotebookClient(nb, timeout=300, kernel_name="python3").execute(env=env, cwd=tmp)
        nbformat.write(nb, ROOT / "docs" / "notebook-demo.ipynb")
        html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
        page_file = Path(tmp) / "notebook.html"
        page_file.write_text(html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.goto(page_file.as_uri())
            page.screenshot(path=str(ROOT / "docs" / "notebook.png"), full_page=True)
            browser.close()
    print(f"wrote {ROOT / 'docs' / 'notebook.png'}")


if __name__ == "__main__":
    main()
