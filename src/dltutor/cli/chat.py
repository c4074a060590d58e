"""CLI: `dltutor chat`, `dltutor ask`, `dltutor doctor`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown
from rich.text import Text

from dltutor.cli.common import open_app_or_exit
from dltutor.config import Settings, get_settings
from dltutor.i18n import detect_lang, t

if TYPE_CHECKING:
    from dltutor.tutor.app import Tutor

LlmOpt = Annotated[
    str | None,
    typer.Option(
        "--llm",
        help="Backend: embedded (default), none (course only), ollama, vllm, llamacpp, sglang, openai, deepseek, qwen.",
    ),
]
console = Console()


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)
    app.command("ask")(ask)


# ---- chat ---------------------------------------------------------------------------------
def chat(
    llm: LlmOpt = None,
    lang: Annotated[str | None, typer.Option(help="zh or en (default: from what you type)")] = None,
    conversation: Annotated[int | None, typer.Option(help="Continue this conversation id.")] = None,
) -> None:
    """Talk with the tutor. /export [FILE] saves the conversation as Markdown; /new starts over; /quit."""
    settings = get_settings()
    app = open_app_or_exit(settings, llm)
    try:
        asyncio.run(_chat_loop(app, lang, conversation))
    finally:
        app.close_backend()


async def _chat_loop(app: Tutor, lang: str | None, conv_id: int | None) -> None:
    from dltutor.llm.errors import LLMError
    from dltutor.store import repo
    from dltutor.store.db import session_scope

    settings, backend, chat = app.settings, app.backend, app.chat
    with session_scope(settings.db_url()) as db:
        learner_id = repo.get_or_create_local_learner(db).id
    from dltutor.verify.console import CodeChecker

    checker = CodeChecker(console, settings.db_url())  # runs each answer's code in the sandbox
    ui_lang = lang or "zh"
    console.print(
        f"[bold]dltutor[/bold] · {backend.name} · {backend.model or ''}  "
        "([dim]/export /new /run N /quit[/dim])"
    )
    if backend.embedded:
        console.print(Text(t("engine.small_model", ui_lang), style="yellow"))
    try:
        while True:
            try:
                text = (await asyncio.to_thread(console.input, "[bold cyan]› [/bold cyan]")).strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not text:
                continue
            if text in ("/quit", "/exit", "/q"):
                break
            if text == "/new":
                conv_id = None
                continue
            if text.startswith("/export"):
                _export(settings, learner_id, conv_id, text.split(maxsplit=1)[1:] or None, ui_lang)
                continue
            if checker.handles(text):
                await checker.command(text, ui_lang)
                continue
            ui_lang = lang or detect_lang(text, ui_lang)
            if not backend.available:
                _print_offline(text, ui_lang)
                continue
            turn = chat.start(
                learner_id=learner_id, text=text, conversation_id=conv_id, lang=ui_lang
            )
            conv_id = turn.conversation_id
            try:
                await _stream_to_console(chat, turn, ui_lang)
                await checker.after_reply(turn.reply.answer, ui_lang, turn.assistant_message_id)
            except LLMError as e:
                console.print(Text(e.message(ui_lang), style="red"))
            except KeyboardInterrupt:
                console.print("[dim](stopped)[/dim]")
    finally:
        await app.aclose_client()


async def _stream_to_console(chat: Any, turn: Any, lang: str) -> None:
    thinking_chars = 0
    with Live(console=console, refresh_per_second=12, vertical_overflow="visible") as live:

        def position(p: int) -> None:
            live.update(Text(t("llm.queue_position", lang, position=p), style="dim"))

        async for d in chat.send(turn, lang=lang, on_position=position):
            if d.kind == "thinking":
                thinking_chars += len(d.text)
                live.update(Text(f"(thinking… {thinking_chars} chars)", style="dim italic"))
            else:
                live.update(Markdown(turn.reply.answer))
    r = turn.reply
    if r.truncated:
        cap = turn.generation.max_tokens if turn.generation else chat.settings.max_tokens
        key = "llm.looped" if r.finish_reason == "repetition" else "llm.truncated"
        console.print(Text(t(key, lang, max_tokens=cap), style="yellow"))
    stats = f"{r.output_tokens or 0} tokens{'~' if r.tokens_estimated else ''}"
    if r.first_token_s is not None:
        stats += f" · first token {r.first_token_s:.2f}s"
    if r.tokens_per_s:
        stats += f" · {r.tokens_per_s:.0f} tok/s"
    if turn.citations:
        stats += " · " + ", ".join(turn.citations)
    console.print(Text(stats, style="dim"))


def _export(
    settings: Settings, learner_id: int, conv_id: int | None, args: list[str] | None, lang: str
) -> None:
    from dltutor.export import conversation_markdown
    from dltutor.store import repo
    from dltutor.store.db import session_scope

    if conv_id is None:
        console.print("[yellow]nothing to export yet / 还没有可导出的对话[/yellow]")
        return
    with session_scope(settings.db_url()) as db:
        conv = repo.get_conversation(db, learner_id=learner_id, conversation_id=conv_id)
        msgs = repo.list_messages(db, learner_id=learner_id, conversation_id=conv_id)
        md = conversation_markdown(msgs, conv.title if conv else "", lang)
    path = Path(args[0] if args else f"dltutor-conversation-{conv_id}.md")
    path.write_text(md, encoding="utf-8")
    console.print(f"[green]saved {path}[/green]")


# ---- ask ----------------------------------------------------------------------------------
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in Chinese or English.")],
    llm: LlmOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the reply and its measurements as JSON.")
    ] = False,
) -> None:
    """Ask one question and print the answer (streamed). With --llm none, answer from the course."""
    settings = get_settings()
    lang = detect_lang(question, "en")
    if (llm or settings.backend) == "none":
        _print_offline(question, lang, as_json)
        return
    app = open_app_or_exit(settings, llm)
    try:
        code = asyncio.run(_ask(app, question, lang, as_json))
    finally:
        app.close_backend()
    raise typer.Exit(code)


async def _ask(app: Tutor, question: str, lang: str, as_json: bool) -> int:
    from dltutor.llm.errors import LLMError
    from dltutor.store import repo
    from dltutor.store.db import session_scope

    settings, backend, chat = app.settings, app.backend, app.chat
    with session_scope(settings.db_url()) as db:
        learner_id = repo.get_or_create_local_learner(db).id
    turn = chat.start(learner_id=learner_id, text=question, lang=lang)
    code = 0
    try:
        async for d in chat.send(turn, lang=lang):
            if not as_json and d.kind == "answer":
                print(d.text, end="", flush=True)
    except LLMError as e:
        code = 1
        if not as_json:
            print()
            console.print(Text(e.message(lang), style="red"))
    finally:
        await app.aclose_client()
    r = turn.reply
    if as_json:
        print(
            json.dumps(
                {
                    "answer": r.answer,
                    "thinking": r.thinking,
                    "status": r.status,
                    "finish_reason": r.finish_reason,
                    "error": r.error,
                    "model": r.model,
                    "backend": backend.name,
                    "input_tokens": r.input_tokens,
                    "output_tokens": r.output_tokens,
                    "reasoning_tokens": r.reasoning_tokens,
                    "tokens_estimated": r.tokens_estimated,
                    "ttft_s": r.first_token_s,
                    "total_s": r.total_s,
                    "tokens_per_s": r.tokens_per_s,
                    "citations": turn.citations,
                    "conversation_id": turn.conversation_id,
                },
                ensure_ascii=False,
            )
        )
    else:
        print()
        if r.truncated:
            console.print(
                Text(t("llm.truncated", lang, max_tokens=settings.max_tokens), style="yellow")
            )
        if backend.embedded:
            console.print(Text(t("engine.small_model", lang), style="dim"))
    return code


def _print_offline(question: str, lang: str, as_json: bool = False) -> None:
    try:
        from dltutor.course.answer import answer_offline
    except ImportError:
        console.print("[red]course search is not available in this build[/red]")
        raise typer.Exit(1) from None
    ans = answer_offline(question, lang)
    if as_json:
        print(
            json.dumps(
                ans.to_dict() if hasattr(ans, "to_dict") else ans.__dict__,
                ensure_ascii=False,
                default=str,
            )
        )
    else:
        console.print(Markdown(ans.text if hasattr(ans, "text") else str(ans)))
