"""CLI: `dltutor article TOPIC` (a six-part article whose code has been run) and
`dltutor run-code FILE` (run a Python file, or a Markdown file's Python blocks, in the sandbox).

Exit codes: 0 every block verified, 1 some block unverified (or the model failed), 2 bad input.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from dltutor.cli.common import open_backend_or_exit

console = Console()
err = Console(stderr=True)

TEXT = {
    "unreadable": {"en": "Cannot read {path}: {why}", "zh": "无法读取 {path}：{why}"},
    "bad_lang": {"en": "--lang must be zh or en.", "zh": "--lang 只能是 zh 或 en。"},
    "needs_model": {
        "en": "Writing an article needs a model; with --llm none give a --draft to check.",
        "zh": "写文章需要模型；使用 --llm none 时请用 --draft 指定要检查的草稿。",
    },
    "writing": {
        "en": "Writing the article with {model}…",
        "zh": "正在用 {model} 撰写文章……",
    },
    "written": {
        "en": "Writing the article with {model}… {chars} characters",
        "zh": "正在用 {model} 撰写文章……已写 {chars} 字",
    },
    "block": {"en": "block {n}: {badge}", "zh": "代码块 {n}：{badge}"},
    "saved": {"en": "Saved {path}", "zh": "已保存 {path}"},
    "all_ok": {"en": "Every code block ran.", "zh": "所有代码块都运行通过。"},
}


def _t(key: str, lang: str, **kw: object) -> str:
    return TEXT[key][lang].format(**kw)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("article")(article)
    app.command("run-code")(run_code)


LangOpt = Annotated[str, typer.Option("--lang", "-l", help="zh or en.")]


def article(
    topic: Annotated[str, typer.Argument(help="A topic id, e.g. proj.chatbot.")],
    lang: LangOpt = "zh",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the Markdown here.")
    ] = None,
    draft: Annotated[
        Path | None,
        typer.Option(help="Check this Markdown article instead of writing one."),
    ] = None,
    llm: Annotated[
        str | None,
        typer.Option("--llm", help="Backend: embedded (default), none, ollama, vllm, …"),
    ] = None,
    max_repairs: Annotated[
        int, typer.Option("--max-repairs", min=0, max=10, help="Repairs asked per failing block.")
    ] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary too.")] = False,
) -> None:
    """Write a six-part tutorial article on TOPIC whose every Python block has been run in the
    sandbox (failing blocks are sent back to the model for repair, then marked if still broken).
    Exit status: 0 every block verified, 1 some not (or the article is cut off, lacks a part
    or has no code), 2 bad input."""
    from dltutor.config import get_settings
    from dltutor.verify.article import ArticleError

    if lang not in ("zh", "en"):
        err.print(_t("bad_lang", "en"))
        raise typer.Exit(2)
    text = _read(draft, lang) if draft else None
    settings = get_settings()
    wants_model = (llm or settings.backend) != "none"
    if text is None and not wants_model:
        err.print(_t("needs_model", lang))
        raise typer.Exit(2)
    backend = open_backend_or_exit(settings, llm) if wants_model else None
    try:
        art = asyncio.run(_write(topic, lang, text, backend, settings, max_repairs))
    except ArticleError as e:
        err.print(Text(str(e), style="red"))
        raise typer.Exit(2) from None
    finally:
        if backend is not None:
            backend.close()
    if art is None:
        raise typer.Exit(1)
    if out:
        out.write_text(art.markdown, encoding="utf-8")
        err.print(_t("saved", lang, path=out))
    elif not as_json:
        sys.stdout.write(art.markdown)
    if as_json:
        print(json.dumps({**art.summary(), "markdown": art.markdown}, ensure_ascii=False))
    problems = art.problems()
    for problem in problems:
        err.print(Text(problem, style="yellow"))
    if not problems:
        err.print(Text(_t("all_ok", lang), style="green"))
    raise typer.Exit(1 if problems else 0)


async def _write(
    topic: str, lang: str, draft: str | None, backend: Any, settings: Any, max_repairs: int
) -> Any:
    from dltutor.llm.errors import LLMError
    from dltutor.verify.article import write_article
    from dltutor.verify.blocks import BlockResult

    client = backend.client(settings) if backend is not None else None
    status = None
    if draft is None:
        status = err.status(_t("writing", lang, model=backend.model or backend.name))
        status.start()

    def writing(chars: int) -> None:
        if status is not None:
            status.update(_t("written", lang, model=backend.model or backend.name, chars=chars))

    def progress(res: BlockResult) -> None:
        if status is not None:
            status.stop()
        err.print(_t("block", lang, n=res.index + 1, badge=res.badge(lang, article=True)))

    try:
        return await write_article(
            topic,
            lang,
            client=client,
            draft=draft,
            max_repairs=max_repairs,
            small_model=bool(backend is not None and backend.embedded),
            model_name=(backend.model or backend.name) if backend is not None else "",
            on_result=progress,
            on_text=writing,
        )
    except LLMError as e:
        err.print(Text(e.message(lang), style="red"))
        return None
    finally:
        if status is not None:
            status.stop()
        if client is not None:
            await client.aclose()


def _read(path: Path, lang: str) -> str:
    try:
        if str(path) == "-":
            return sys.stdin.read()
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        err.print(_t("unreadable", lang, path=path, why=e))
        raise typer.Exit(2) from None


def run_code(
    file: Annotated[Path, typer.Argument(help="A .py file, a .md file (its Python blocks), or -.")],
    lang: LangOpt = "en",
    block: Annotated[
        int | None, typer.Option(help="Of a .md file: run only block N (after those before it).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Run Python code in the sandbox and show what it printed, with a verified/failed badge.
    Exit status: 0 it ran, 1 it failed, 2 bad input."""
    from dltutor.verify.answers import rerun_block, run_answer
    from dltutor.verify.blocks import fence
    from dltutor.verify.console import print_results

    if lang not in ("zh", "en"):
        err.print(_t("bad_lang", "en"))
        raise typer.Exit(2)
    text = _read(file, lang)
    markdown = text if file.suffix.lower() in (".md", ".markdown") else fence(text, "python")
    try:
        results = [rerun_block(markdown, block - 1)] if block is not None else run_answer(markdown)
    except IndexError:
        err.print(_t("unreadable", lang, path=file, why=f"no Python block {block}"))
        raise typer.Exit(2) from None
    if not results:
        from dltutor.verify.text import say

        err.print(say("no_blocks", lang))
        raise typer.Exit(2)
    if as_json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False))
    else:
        print_results(console, results, lang)
    raise typer.Exit(0 if all(r.verified for r in results) else 1)
