"""CLI: `dltutor bench capacity` (how many learners can this server carry?) and `bench trace`."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dltutor.cli.bench import _server, bench_app, console, level_progress, make_client


@bench_app.command("capacity")
def capacity(
    slo: Annotated[str, typer.Option(help="The limits, e.g. ttft=2s,tpot=100ms (also e2e, itl)")],
    quantile: Annotated[
        float, typer.Option(help="The share of requests that must meet every limit")
    ] = 0.95,
    workload: Annotated[
        str,
        typer.Option(
            help="sessions: simulated learners in tutoring sessions (the tutor's own prompts); "
            "questions: the question bank; replay: real sessions from a --trace"
        ),
    ] = "sessions",
    by: Annotated[
        str | None,
        typer.Option(
            help="learners (default for sessions and replay), concurrency (default for "
            "questions) or rate"
        ),
    ] = None,
    backend: Annotated[str, typer.Option(help="embedded, fake, a preset or custom")] = "embedded",
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible base URL")] = None,
    model: Annotated[
        str | None, typer.Option(help="Model name (default: the server's first)")
    ] = None,
    api_key: Annotated[str | None, typer.Option(envvar="DLTUTOR_API_KEY")] = None,
    questions: Annotated[
        str, typer.Option(help="--workload questions: builtin, seed or a file")
    ] = "builtin",
    trace: Annotated[
        Path | None, typer.Option(help="--workload replay: from `bench trace`")
    ] = None,
    lang: Annotated[str, typer.Option(help="zh, en or both (learners alternate)")] = "both",
    think: Annotated[
        str,
        typer.Option(help="Learners' think time: lognormal:MEDIAN,SIGMA, exp:MEAN or const:S"),
    ] = "lognormal:20,0.8",
    think_scale: Annotated[
        float, typer.Option(help="replay: scale the recorded think times")
    ] = 1.0,
    mix: Annotated[
        str, typer.Option(help="sessions: share of free questions, judged answers, explanations")
    ] = "chat=0.5,judge=0.3,explain=0.2",
    turns: Annotated[int, typer.Option(help="learners: model calls per learner per level")] = 6,
    warmup_turns: Annotated[int, typer.Option(help="learners: first turns left out")] = 1,
    requests: Annotated[
        int | None, typer.Option(help="concurrency/rate: measured requests per level")
    ] = None,
    duration: Annotated[
        float, typer.Option(help="rate: seconds of arrivals per level (a p95 needs many)")
    ] = 120.0,
    burstiness: Annotated[
        float, typer.Option(help="rate: gamma shape of the gaps (1 Poisson)")
    ] = 1.0,
    ramp_up: Annotated[
        float, typer.Option(help="Seconds to reach each level; requests meanwhile left out")
    ] = 0.0,
    start: Annotated[float, typer.Option(help="The first level tried")] = 1.0,
    max_level: Annotated[float, typer.Option(help="The highest level tried")] = 4096.0,
    precision: Annotated[float, typer.Option(help="rate: stop when bracketed this closely")] = 0.05,
    max_probes: Annotated[int, typer.Option(help="At most this many levels")] = 14,
    max_tokens: Annotated[int, typer.Option(help="Per answer (judge calls keep their own)")] = 256,
    timeout: Annotated[float, typer.Option(help="Per request, arrival to last byte (s)")] = 300.0,
    admission: Annotated[
        int | None, typer.Option(help="Through dltutor's admission control")
    ] = None,
    scrape: Annotated[bool, typer.Option(help="Scrape the server's Prometheus /metrics")] = True,
    seed: Annotated[int, typer.Option()] = 0,
    out: Annotated[Path, typer.Option(help="Folder for the report")] = Path("bench-capacity"),
    client: Annotated[str, typer.Option(help="wire or sdk (see `dltutor bench --help`)")] = "wire",
    fake_ttft: Annotated[float, typer.Option(help="--backend fake: seconds to first token")] = 0.2,
    fake_tpot: Annotated[float, typer.Option(help="--backend fake: seconds per token")] = 0.02,
    fake_tokens: Annotated[int, typer.Option(help="--backend fake: tokens per answer")] = 64,
    fake_slots: Annotated[int, typer.Option(help="--backend fake: streams at once (0: all)")] = 4,
    fake_prefill: Annotated[float, typer.Option(help="--backend fake: s per prompt token")] = 0.0,
) -> None:
    """Find the highest load (learners, concurrent requests or a rate) at which the quantile of
    every SLO metric holds; write the report with latency vs load and a timeline."""
    from dltutor.bench import questions as qbank
    from dltutor.bench import trace as tr
    from dltutor.bench.levels import Plan
    from dltutor.bench.metrics import parse_slo
    from dltutor.bench.sessions import ThinkTime, parse_mix

    try:
        plan = Plan(
            by=by or ("concurrency" if workload == "questions" else "learners"),
            workload=workload,
            slo=parse_slo(slo),
            quantile=quantile,
            prompts=qbank.load(questions, lang) if workload == "questions" else [],
            trace=tr.load(trace) if workload == "replay" and trace else [],
            lang=lang,
            think=ThinkTime.parse(think),
            think_scale=think_scale,
            mix=parse_mix(mix),
            turns=turns,
            warmup_turns=warmup_turns,
            requests=requests,
            duration=duration,
            burstiness=burstiness,
            ramp_up=ramp_up,
            max_tokens=max_tokens,
            timeout=timeout,
            seed=seed,
            admission=admission,
        )
        plan.check()
        if workload == "replay" and not trace:
            raise ValueError("--workload replay needs --trace FILE (make one with `bench trace`)")
        if lang not in ("zh", "en", "both"):
            raise ValueError("--lang is zh, en or both")
        if client not in ("wire", "sdk"):
            raise ValueError("--client is wire or sdk")
        if burstiness <= 0 or ramp_up < 0:
            raise ValueError("--burstiness must be above 0 and --ramp-up at least 0")
    except (ValueError, FileNotFoundError) as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None
    if workload != "questions":
        from dltutor.bench.tutor_shapes import chat_call

        chat_call([], "warm up the course index", "en")  # built once, before any clock runs
    unit = {"learners": "learners", "concurrency": "concurrent requests", "rate": "requests/s"}[
        plan.by
    ]
    fake = (fake_ttft, fake_tpot, fake_tokens, fake_slots, fake_prefill)
    with _server(backend, base_url, model, api_key, *fake) as (url, key, mdl, name):
        meta: dict[str, Any] = {
            "backend": name,
            "base_url": url,
            "model": mdl,
            "workload": workload,
            "by": plan.by,
            "slo": slo,
            "slo_dict": plan.slo,
            "quantile": quantile,
            "think": str(plan.think) if plan.by == "learners" else None,
            "turns_per_learner": turns if plan.by == "learners" else None,
            "mix": plan.mix if workload == "sessions" else None,
            "burstiness": burstiness if plan.by == "rate" else None,
            "ramp_up_s": ramp_up,
            "max_tokens": max_tokens,
            "client": client,
            "fake_server": (
                dict(zip(("ttft", "tpot", "tokens", "slots", "prefill"), fake, strict=True))
                if name == "fake"
                else None
            ),
            "machine": f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores",
            "load_avg_1min_at_start": round(os.getloadavg()[0], 2),
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        result, prober, model_name = asyncio.run(
            _search(
                plan, url, key, mdl, name, client, scrape, start, max_level, precision, max_probes
            )
        )
    meta["model"] = model_name
    meta["load_avg_1min_at_end"] = round(os.getloadavg()[0], 2)
    from dltutor.bench import capacity_report as rep

    samples = prober.scraper.samples if prober.scraper else []
    # shared prefixes within one level: the answer's (or the lowest level's, if none passed)
    shown = f"learners={int(result.answer or start)}"
    prefixes = prober.prefixes[shown].summary() if shown in prober.prefixes else {}
    meta["server_metrics"] = (
        "scraped"
        if samples
        else "none (the server has no Prometheus /metrics)"
        if scrape
        else "off"
    )
    rep.write(out, meta, result, prober.records, prefixes, prober.windows, samples, unit)
    head, rows = rep.probe_rows(result, unit)
    table = Table(title=f"dltutor bench capacity · {workload} · {plan.by}")
    for h in head:
        table.add_column(h, justify="right")
    for r in rows:
        table.add_row(*r)
    from rich.console import Console

    Console().print(table)
    if prefixes:
        a = prefixes["all"]
        console.print(
            f"shared prefixes: {100 * a['shared_fraction']:.0f}% of prompt tokens (estimated) "
            f"repeat the start of an earlier request; mean prompt {a['prompt_tokens_mean']:.0f} tokens"
        )
    console.print(f"[bold]Capacity: {rep.headline(result, unit, meta)}[/bold] ({result.reason})")
    console.print(
        f"wrote {out}/ (capacity.json, requests.jsonl, capacity.png, timeline.png, report.html)"
    )
    print(
        json.dumps(
            {
                "capacity": result.answer,
                "unit": unit,
                "lowest_failing": result.passed_below,
                "slo": plan.slo,
                "quantile": quantile,
                "levels": [
                    {
                        "level": p.level,
                        "ok": p.ok,
                        "stopped_early": p.stopped_early,
                        "saturated": p.saturated,
                        "margin": p.verdict.get("margin"),
                    }
                    for p in result.probes
                ],  # fmt: skip
                "out": str(out),
            }
        )
    )


async def _search(
    plan: Any,
    url: str,
    key: str,
    model: str | None,
    name: str,
    client_kind: str,
    scrape: bool,
    start: float,
    max_level: float,
    precision: float,
    max_probes: int,
) -> Any:
    from dltutor.bench.capacity import search
    from dltutor.bench.levels import Prober
    from dltutor.bench.server_metrics import metrics_url

    client = make_client(client_kind, url, key, model, name, plan.timeout)
    try:
        model_name = await client.resolve_model()
        if plan.workload != "questions":
            # the tutor fits its requests to the server's window: so do simulated learners
            plan.window = (await client.window()).tokens
        with level_progress() as progress:
            tasks: dict[str, Any] = {}

            def on_level(level: str, planned: int) -> None:
                tasks["now"] = progress.add_task(level, total=planned, status="")

            def on_done(r: Any) -> None:
                if r.phase == "measure" and "now" in tasks:
                    progress.update(tasks["now"], advance=1)

            def on_probe(p: Any) -> None:
                verdict = "[green]meets[/green]" if p.ok else "[red]misses[/red]"
                progress.update(
                    tasks["now"], status=f"{verdict} (margin {p.verdict.get('margin')})"
                )

            prober = Prober(
                client,
                plan,
                metrics_url(url) if scrape else None,
                time.monotonic(),
                on_done,
                on_level,
            )
            result = await search(
                prober,
                integer=plan.by != "rate",
                start=start,
                max_level=max_level,
                precision=precision,
                max_probes=max_probes,
                on_probe=on_probe,
            )
    finally:
        await client.aclose()
    return result, prober, model_name


@bench_app.command("trace")
def trace_cmd(
    out: Annotated[Path, typer.Option(help="The anonymised trace (JSON lines)")] = Path(
        "trace.jsonl"
    ),
    db_url: Annotated[
        str | None, typer.Option(help="Database URL (default: this install's database)")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many conversations")] = None,
) -> None:
    """Write the conversations of a dltutor database as lengths and timing only (no text), for
    `bench capacity --workload replay --trace FILE`."""
    from dltutor.bench.trace import export
    from dltutor.config import get_settings

    url = db_url or get_settings().db_url()
    summary = export(url, out, limit)
    if not summary["conversations"]:
        console.print(f"[yellow]no conversations with model answers in {url}[/yellow]")
    else:
        console.print(
            f"wrote {out}: {summary['conversations']} conversations, {summary['model_calls']} "
            f"model calls {summary['calls_by_kind']}; think time median "
            f"{summary['think_s_median']} s, p90 {summary['think_s_p90']} s"
        )
    print(json.dumps(summary | {"out": str(out)}))
