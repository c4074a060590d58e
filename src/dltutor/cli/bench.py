"""CLI: `dltutor bench` (load-test the model server) and `dltutor bench compare DIR…`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import platform
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

bench_app = typer.Typer(help="Load-test the model behind the tutor.", invoke_without_command=True)
console = Console(stderr=True)


@bench_app.callback()
def bench(
    ctx: typer.Context,
    backend: Annotated[
        str,
        typer.Option(help="embedded, fake, a preset (ollama, vllm, …) or custom with --base-url"),
    ] = "embedded",
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Model name (default: the server's first)")
    ] = None,
    api_key: Annotated[str | None, typer.Option(envvar="DLTUTOR_API_KEY")] = None,
    questions: Annotated[
        str, typer.Option(help="builtin (seed 003 + course check questions), seed, or a file")
    ] = "builtin",
    lang: Annotated[str, typer.Option(help="zh, en or both")] = "both",
    concurrency: Annotated[
        str | None, typer.Option(help="Requests in flight; a list sweeps, e.g. 1,4,16")
    ] = None,
    rate: Annotated[
        float | None, typer.Option(help="Poisson arrivals per second (instead of --concurrency)")
    ] = None,
    requests: Annotated[
        int | None, typer.Option(help="Requests per level (default: one per question)")
    ] = None,
    duration: Annotated[float | None, typer.Option(help="Seconds of arrivals per level")] = None,
    warmup: Annotated[int, typer.Option(help="Requests sent first and left out")] = 0,
    timeout: Annotated[float, typer.Option(help="Per request, arrival to last byte (s)")] = 300.0,
    max_tokens: Annotated[int, typer.Option()] = 256,
    slo: Annotated[
        str | None, typer.Option(help="e.g. ttft=2s,tpot=100ms,e2e=30s (for goodput)")
    ] = None,
    admission: Annotated[
        int | None, typer.Option(help="Send through dltutor's admission control with N slots")
    ] = None,
    out: Annotated[
        Path,
        typer.Option(help="Folder for requests.jsonl, summary.json, log.txt, plots, report.html"),
    ] = Path("bench-out"),
    fake_ttft: Annotated[float, typer.Option(help="--backend fake: seconds to first token")] = 0.2,
    fake_tpot: Annotated[float, typer.Option(help="--backend fake: seconds per token")] = 0.02,
    fake_tokens: Annotated[int, typer.Option(help="--backend fake: tokens per answer")] = 64,
    fake_slots: Annotated[
        int, typer.Option(help="--backend fake: streams served at once, the rest queue (0: all)")
    ] = 0,
    fake_prefill: Annotated[
        float, typer.Option(help="--backend fake: seconds per prompt token before the first")
    ] = 0.0,
    burstiness: Annotated[
        float,
        typer.Option(
            help="--rate: gamma shape of the gaps between arrivals (1 Poisson, <1 burstier)"
        ),
    ] = 1.0,
    ramp_up: Annotated[
        float,
        typer.Option(
            help="Seconds to reach each level (rate rises linearly; workers start in turn); "
            "requests that start meanwhile are left out"
        ),
    ] = 0.0,
    client: Annotated[
        str,
        typer.Option(
            help="wire: a lean HTTP path that timestamps bytes on arrival (accurate at hundreds "
            "of streams); sdk: the openai SDK path the tutor itself uses"
        ),
    ] = "wire",
) -> None:
    """Measure TTFT, TPOT, ITL, latency, throughput and goodput of a model server under load."""
    if ctx.invoked_subcommand is not None:
        return
    from dltutor.bench import metrics
    from dltutor.bench import questions as qbank
    from dltutor.bench.metrics import parse_slo

    try:
        slo_d = parse_slo(slo)
        prompts = qbank.load(questions, lang)
        levels = [int(c) for c in concurrency.split(",")] if concurrency else []
    except (ValueError, FileNotFoundError) as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None
    if client not in ("wire", "sdk"):
        console.print("[red]--client is wire or sdk[/red]")
        raise typer.Exit(2)
    if bool(levels) == (rate is not None):
        console.print("[red]give --concurrency N (or a list) or --rate R[/red]")
        raise typer.Exit(2)
    if burstiness <= 0 or ramp_up < 0:
        console.print("[red]--burstiness must be above 0 and --ramp-up at least 0[/red]")
        raise typer.Exit(2)
    fake = (fake_ttft, fake_tpot, fake_tokens, fake_slots, fake_prefill)
    with _server(backend, base_url, model, api_key, *fake) as (
        url,
        key,
        mdl,
        name,
    ):
        meta = {
            "backend": name,
            "base_url": url,
            "model": mdl,
            "questions": questions,
            "lang": lang,
            "timeout_s": timeout,
            "max_tokens": max_tokens,
            "admission_slots": admission,
            "client": client,
            "slo": slo or "",
            "burstiness": burstiness,
            "ramp_up_s": ramp_up,
            "machine": f"{platform.node()} · {platform.machine()} · {__import__('os').cpu_count()} cores",
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        records, summaries, model_name = asyncio.run(
            _run_levels(
                url,
                key,
                mdl,
                name,
                prompts,
                levels,
                rate,
                requests,
                duration,
                warmup,
                timeout,
                max_tokens,
                admission,
                slo_d,
                client,
                burstiness,
                ramp_up,
            )
        )
    meta["model"] = model_name
    from dltutor.bench.report import write_all

    write_all(out, meta, records, summaries)
    _print_table([f"{s.get('level')}" for s in summaries], summaries)
    console.print(f"wrote {out}/ (requests.jsonl, summary.json, log.txt, report.html, plots)")
    print(
        json.dumps({"out": str(out), "levels": [_brief(s) for s in summaries]}, ensure_ascii=False)
    )
    _ = metrics


@contextlib.contextmanager
def _server(
    backend: str,
    base_url: str | None,
    model: str | None,
    api_key: str | None,
    ttft: float,
    tpot: float,
    tokens: int,
    slots: int = 0,
    prefill: float = 0.0,
) -> Any:
    from dltutor.cli.common import open_backend_or_exit
    from dltutor.config import get_settings

    if backend == "fake":
        from dltutor.bench.fake_process import FakeServerProcess

        with FakeServerProcess(ttft, tpot, tokens, slots, prefill) as srv:
            yield srv.base_url, "x", model or "fake-model", "fake"
        return
    settings = get_settings().model_copy(
        update={
            k: v for k, v in {"base_url": base_url, "model": model, "api_key": api_key}.items() if v
        }
    )
    b = open_backend_or_exit(settings, backend if backend != "custom" else "openai")
    try:
        yield b.base_url, b.api_key, b.model, b.name
    finally:
        b.close()


async def _run_levels(
    url: str,
    key: str,
    model: str | None,
    name: str,
    prompts: list[str],
    levels: list[int],
    rate: float | None,
    requests: int | None,
    duration: float | None,
    warmup: int,
    timeout: float,
    max_tokens: int,
    admission_slots: int | None,
    slo: dict[str, float],
    client_kind: str = "wire",
    burstiness: float = 1.0,
    ramp_up: float = 0.0,
) -> Any:
    from dltutor.bench.metrics import summarize
    from dltutor.bench.runner import LoadSpec, run
    from dltutor.llm.admission import Admission

    client = make_client(client_kind, url, key, model, name, timeout)
    specs = [
        LoadSpec(
            prompts,
            concurrency=c,
            requests=requests,
            duration=duration,
            warmup=warmup,
            timeout=timeout,
            max_tokens=max_tokens,
            ramp_up=ramp_up,
        )
        for c in levels
    ] or [
        LoadSpec(
            prompts,
            rate=rate,
            requests=requests,
            duration=duration,
            warmup=warmup,
            timeout=timeout,
            max_tokens=max_tokens,
            burstiness=burstiness,
            ramp_up=ramp_up,
        )
    ]
    records, summaries = [], []
    try:
        model_name = await client.resolve_model()
        t0 = time.monotonic()
        with level_progress() as progress:
            for spec in specs:
                total = (spec.requests or 0) + spec.warmup or None
                task = progress.add_task(spec.level(), total=total, status="")
                errors = 0

                def done(r: Any, task: Any = task) -> None:
                    nonlocal errors
                    errors += not r.ok
                    progress.update(task, advance=1, status=f"errors {errors}" if errors else "")

                adm = Admission(admission_slots, queue_timeout=timeout) if admission_slots else None
                level = await run(client, spec, adm, done, t0)
                records.extend(level)
                summaries.append(summarize(level, slo))
    finally:
        await client.aclose()
    return records, summaries, model_name


def level_progress() -> Progress:
    """A progress bar per load level (requests done of planned, time, a status line)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[status]}"),
        console=console,
    )


def make_client(kind: str, url: str, key: str, model: str | None, name: str, timeout: float) -> Any:
    """The bench's client: `wire` (lean, accurate at hundreds of streams) or `sdk`."""
    from dltutor.llm.client import LLMClient
    from dltutor.llm.wire import WireClient

    return (WireClient if kind == "wire" else LLMClient)(
        url,
        api_key=key,
        model=model,
        backend=name,
        first_token_timeout=timeout,
        idle_timeout=timeout,
        connect_timeout=min(30.0, timeout),
        retries=0,
        fit_to_window=False,  # measure the server with exactly the prompts given
    )


def _brief(s: dict[str, Any]) -> dict[str, Any]:
    from dltutor.bench.report import lookup

    keys = [
        "level",
        "requests",
        "completed",
        "failed",
        "request_throughput",
        "output_token_throughput",
        "goodput",
        "ttft_s.p50",
        "ttft_s.p99",
        "tpot_s.p50",
        "e2e_s.p50",
        "e2e_s.p99",
        "queue_s.p50",
        "errors",
    ]
    return {k: lookup(s, k) for k in keys}


def _print_table(headers: list[str], summaries: list[dict[str, Any]]) -> None:
    from dltutor.bench.report import table_rows

    table = Table(title="dltutor bench")
    table.add_column("")
    for h in headers:
        table.add_column(h, justify="right")
    for row in table_rows(summaries):
        table.add_row(*row)
    Console().print(table)


@bench_app.command("compare")
def compare(runs: Annotated[list[Path], typer.Argument(help="bench --out folders")]) -> None:
    """Print the summaries of several runs side by side."""
    from dltutor.bench.report import load_run

    headers, summaries = [], []
    for folder in runs:
        try:
            data = load_run(folder)
        except FileNotFoundError as e:
            console.print(f"[red]{e}[/red]")
            raise typer.Exit(2) from None
        for s in data["levels"]:
            meta = data["meta"]
            # runs from before the wire client have no "client": they went through the SDK
            headers.append(
                f"{folder.name} {s.get('level')}\n{meta.get('backend')}/{meta.get('model')}"
                f"\n{meta.get('client', 'sdk')} client"
            )
            summaries.append(s)
    _print_table(headers, summaries)


def register(app: typer.Typer) -> None:
    from dltutor.cli import bench_capacity  # noqa: F401  (adds `bench capacity` and `bench trace`)

    app.add_typer(bench_app, name="bench")
