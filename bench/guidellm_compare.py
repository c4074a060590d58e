"""dltutor bench side by side with guidellm, against one server whose answer is known.

    .venv/bin/python bench/guidellm_compare.py [--guidellm /tmp/gl/bin/guidellm]
        [--levels 1,8] [--requests N] [--ttft 0.5] [--tpot 0.02] [--tokens 64]
        [--embedded [--embedded-requests N] [--embedded-tokens 32] [--engine-threads 1]]
        [--out /tmp/guidellm-compare] [--tool-timeout 900]

Starts ONE fake OpenAI-compatible server in its own process (first token after --ttft, one token
every --tpot, --tokens tokens), then for each concurrency level runs guidellm and `dltutor bench`
against it one after the other, with the same prompts (seed 003's English questions, one file
read by both) and the same number of requests. It reads guidellm's JSON report and dltutor's
summary.json / requests.jsonl and prints a table per level: the figure the fake server must give
(truth), what each tool measured, and the differences in percent. With --embedded it does the
same against dltutor's embedded engine (llama.cpp, SmolLM2-135M), where there is no truth; the
engine is restarted before each tool's run, so that neither finds the other's prompts in its
cache. One JSON line comes last.

guidellm must live in its own virtualenv (its dependencies are not the project's):
    python3 -m venv /tmp/gl && /tmp/gl/bin/pip install guidellm
Without it the script says so and exits 0. guidellm needs no tokenizer here: prompts come from a
JSON-lines file (`--data kind=json_file`), and output tokens from the server's usage.

Definitions differ, so rows pair figures that mean the same thing:
  ITL(gl) = TPOT(dl)  per request, (last token - first token) / (tokens - 1)
  TPOT(gl)            per request, (last token - request start) / tokens; dltutor has no such
                      figure, so it is computed here from requests.jsonl as E2E / tokens
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_GUIDELLM = "/tmp/gl/bin/guidellm"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str  # "ms", "s", "/s", "n" (a count) or "": how it prints; values are in that unit


ROWS = [
    Row("completed", "completed requests", "n"),
    Row("ttft_p50", "TTFT p50 (ms)", "ms"),
    Row("ttft_p99", "TTFT p99 (ms)", "ms"),
    Row("decode_p50", "ITL(gl) = TPOT(dl) p50 (ms)", "ms"),
    Row("e2e_per_token_p50", "TPOT(gl) = E2E/tokens p50 (ms)", "ms"),
    Row("e2e_p50", "E2E p50 (s)", "s"),
    Row("e2e_p99", "E2E p99 (s)", "s"),
    Row("req_per_s", "requests/s", "/s"),
    Row("out_tok_per_s", "output tokens/s", "/s"),
    Row("tokens_per_req", "output tokens/request (mean)", ""),
]


@dataclass(frozen=True)
class Truth:
    """What the fake server gives by construction (plus the client's own overhead)."""

    ttft: float
    tpot: float
    tokens: int

    @property
    def e2e(self) -> float:
        return self.ttft + (self.tokens - 1) * self.tpot

    def figures(self, concurrency: int, requests: int) -> dict[str, float]:
        rounds = math.ceil(requests / concurrency)  # the last round may run below concurrency
        req_per_s = requests / (rounds * self.e2e)
        return {
            "completed": float(requests),
            "ttft_p50": 1000 * self.ttft,
            "ttft_p99": 1000 * self.ttft,
            "decode_p50": 1000 * self.tpot,
            "e2e_per_token_p50": 1000 * self.e2e / self.tokens,
            "e2e_p50": self.e2e,
            "e2e_p99": self.e2e,
            "req_per_s": req_per_s,
            "out_tok_per_s": req_per_s * self.tokens,
            "tokens_per_req": float(self.tokens),
        }


@dataclass
class Level:
    server: str  # "fake" or "embedded"
    concurrency: int
    requests: int
    truth: dict[str, float] | None
    guidellm: dict[str, float | None] = field(default_factory=dict)
    dltutor: dict[str, float | None] = field(default_factory=dict)
    load: dict[str, list[float]] = field(default_factory=dict)  # tool -> 1-min load before, after
    wall_s: dict[str, float] = field(default_factory=dict)  # tool -> seconds, start-up included


@dataclass
class Session:
    """What both tools are pointed at for one server kind."""

    server: str  # "fake" or "embedded"
    start: Callable[[], contextlib.AbstractContextManager[str]]
    fresh_per_tool: bool  # a new server for every tool run (the engine caches prompts)
    counts: dict[int, int]  # concurrency -> requests
    truth: Truth | None
    tokens: int
    prompts: Path
    timeout: float  # seconds one tool may take for one level


# ---- servers ------------------------------------------------------------------------------------


@contextlib.contextmanager
def child_server(args: list[str], env: dict[str, str] | None = None) -> Iterator[str]:
    """Run a server in a child process that prints its base URL on its first line."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError(f"server did not start: {' '.join(args)}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def fake_server(truth: Truth) -> contextlib.AbstractContextManager[str]:
    return child_server(
        [
            sys.executable,
            "-m",
            "dltutor.llm.fake",
            "--ttft",
            str(truth.ttft),
            "--tpot",
            str(truth.tpot),
            "--tokens",
            str(truth.tokens),
        ]
    )


def embedded_server(threads: int) -> contextlib.AbstractContextManager[str]:
    env = os.environ | {"DLTUTOR_ENGINE_THREADS": str(threads)}
    return child_server([sys.executable, str(Path(__file__).resolve()), "--serve-embedded"], env)


def serve_embedded() -> None:
    """Child process: start the embedded engine, print its URL, serve until terminated."""
    from dltutor.config import get_settings
    from dltutor.llm.backend import open_backend

    backend = open_backend(get_settings(), "embedded")
    print(backend.base_url, flush=True)
    try:
        threading.Event().wait()
    finally:
        backend.close()


# ---- running the tools --------------------------------------------------------------------------


def load1() -> float:
    return os.getloadavg()[0]


def write_prompts(path: Path, tokens: int, rows: int) -> int:
    """Seed 003's English questions, cycled to `rows` lines of JSON: `prompt` for both tools, and
    `output_tokens_count` for guidellm (it then asks for exactly that many, with ignore_eos).
    guidellm stops when its data runs out, while dltutor cycles its questions; with one line per
    request both send the same prompts in the same order."""
    from dltutor.bench.questions import seed_questions

    prompts = seed_questions("en")
    with path.open("w", encoding="utf-8") as f:
        for i in range(rows):
            row = {"prompt": prompts[i % len(prompts)], "output_tokens_count": tokens}
            f.write(json.dumps(row) + "\n")
    return len(prompts)


def run_logged(
    cmd: list[str], log: Path, timeout: float, env: dict[str, str] | None = None
) -> float:
    """Run a tool with its output in `log`, in its own process group, so that a tool that runs
    past the timeout (or is interrupted) is stopped with its workers (guidellm runs one process
    per stream). Returns the wall time."""
    t0 = time.monotonic()
    with log.open("w", encoding="utf-8") as f:
        proc = subprocess.Popen(
            cmd, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            rc = proc.wait(timeout)
        except BaseException as e:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
            if isinstance(e, subprocess.TimeoutExpired):
                raise RuntimeError(f"{cmd[0]} ran past {timeout:g} s; see {log}") from None
            raise
    if rc != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"{cmd[0]} exited {rc}; the end of {log}:\n{tail}")
    return time.monotonic() - t0


def run_guidellm(guidellm: str, base_url: str, s: Session, level: Level, out: Path) -> Path:
    report = out / f"guidellm-{level.server}-c{level.concurrency}.json"
    target = base_url.removesuffix("/").removesuffix("/v1")  # guidellm adds /v1/... itself
    cmd = [
        guidellm,
        "run",
        "--backend",
        f"kind=openai_http,target={target},max_tokens={s.tokens}",
        "--profile",
        f"kind=concurrent,streams={level.concurrency}",
        "--constraint",
        f"kind=max_requests,count={level.requests}",
        "--data",
        f"kind=json_file,path={s.prompts}",
        "--output",
        f"kind=json,path={report}",
        "--disable-console-interactive",
    ]
    # No hub: guidellm only loads a tokenizer for synthetic data, but make sure it cannot try.
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    before = load1()
    level.wall_s["guidellm"] = run_logged(cmd, report.with_suffix(".log"), s.timeout, env)
    level.load["guidellm"] = [before, load1()]
    return report


def dltutor_command() -> list[str]:
    exe = Path(sys.executable).with_name("dltutor")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("dltutor")
    if not found:
        raise RuntimeError("the dltutor command is not installed next to this Python")
    return [found]


def run_dltutor(base_url: str, s: Session, level: Level, out: Path) -> Path:
    folder = out / f"dltutor-{level.server}-c{level.concurrency}"
    cmd = dltutor_command() + [
        "bench",
        "--backend",
        "custom",
        "--base-url",
        base_url,
        "--model",
        first_model(base_url),
        "--questions",
        str(s.prompts),
        "--concurrency",
        str(level.concurrency),
        "--requests",
        str(level.requests),
        "--max-tokens",
        str(s.tokens),
        "--out",
        str(folder),
    ]
    before = load1()
    log = out / f"dltutor-{level.server}-c{level.concurrency}.log"
    level.wall_s["dltutor"] = run_logged(cmd, log, s.timeout)
    level.load["dltutor"] = [before, load1()]
    return folder


def first_model(base_url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(base_url.rstrip("/") + "/models", timeout=30) as r:
        return str(json.load(r)["data"][0]["id"])


# ---- reading the reports ------------------------------------------------------------------------


def _ms(x: float | None) -> float | None:
    return None if x is None else 1000 * x


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default, as dltutor's summary uses)."""
    if not values:
        return None
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def read_guidellm(report: Path) -> dict[str, float | None]:
    bench = json.loads(report.read_text())["benchmarks"][0]
    m = bench["metrics"]

    def dist(name: str, stat: str) -> float | None:
        d = (m.get(name) or {}).get("successful") or {}
        if stat in ("mean", "median"):
            return d.get(stat)
        return (d.get("percentiles") or {}).get(stat)

    # Throughput as dltutor counts it: completed requests (their output tokens) over the span from
    # the first request's start to the last one's end, which is guidellm's benchmark duration.
    # (guidellm's requests_per_second.mean is the mean of a rate over time: it can differ, e.g.
    # 1.02 against 16 requests / 13.7 s = 1.17 on the embedded engine.)
    completed = m["request_totals"]["successful"]
    duration = bench["duration"] or math.nan
    tokens = (m["output_token_count"].get("successful") or {}).get("total_sum") or 0
    e2e_p50, e2e_p99 = dist("request_latency", "p50"), dist("request_latency", "p99")
    return {
        "completed": float(completed),
        "ttft_p50": dist("time_to_first_token_ms", "p50"),
        "ttft_p99": dist("time_to_first_token_ms", "p99"),
        "decode_p50": dist("inter_token_latency_ms", "p50"),
        "e2e_per_token_p50": dist("time_per_output_token_ms", "p50"),
        "e2e_p50": e2e_p50,
        "e2e_p99": e2e_p99,
        "req_per_s": completed / duration,
        "out_tok_per_s": tokens / duration,
        "tokens_per_req": dist("output_token_count", "mean"),
    }


def read_dltutor(folder: Path) -> dict[str, float | None]:
    s = json.loads((folder / "summary.json").read_text())["levels"][0]
    records = [json.loads(line) for line in (folder / "requests.jsonl").open(encoding="utf-8")]
    ok = [r for r in records if r["phase"] == "measure" and r["status"] in ("ok", "truncated")]
    per_token = [r["e2e_s"] / r["output_tokens"] for r in ok if r.get("output_tokens")]
    completed = s.get("completed") or 0
    return {
        "completed": float(completed),
        "ttft_p50": _ms(s["ttft_s"]["p50"]),
        "ttft_p99": _ms(s["ttft_s"]["p99"]),
        "decode_p50": _ms(s["tpot_s"]["p50"]),
        "e2e_per_token_p50": _ms(percentile(per_token, 50)),
        "e2e_p50": s["e2e_s"]["p50"],
        "e2e_p99": s["e2e_s"]["p99"],
        "req_per_s": s["request_throughput"],
        "out_tok_per_s": s["output_token_throughput"],
        "tokens_per_req": s["output_tokens"] / completed if completed else None,
    }


# ---- the table ----------------------------------------------------------------------------------


def diff_pct(a: float | None, b: float | None) -> float | None:
    """How far a is from b, in percent of b."""
    if a is None or b is None or b == 0:
        return None
    return 100 * (a - b) / b


def _num(x: float | None, unit: str) -> str:
    if x is None:
        return "—"
    if unit == "n":
        return f"{x:.0f}"
    return f"{x:.3f}" if unit == "s" else f"{x:.2f}" if unit == "/s" else f"{x:.1f}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:+.1f}%"


def print_level(lv: Level) -> None:
    loads = ", ".join(f"{t} {a:.1f}→{b:.1f}" for t, (a, b) in lv.load.items())
    print(
        f"\n{lv.server} server · concurrency {lv.concurrency} · {lv.requests} requests each"
        f" · 1-min load avg ({os.cpu_count()} cores): {loads}"
    )
    cols = ("truth", "guidellm", "dltutor", "gl-truth", "dl-truth")
    head = f"{'':32}" + "".join(f" {c:>9}" for c in cols) + f" {'dl-gl':>8}"
    print(head)
    print("-" * len(head))
    truth = lv.truth or {}
    for row in ROWS:
        t, g, d = truth.get(row.key), lv.guidellm.get(row.key), lv.dltutor.get(row.key)
        print(
            f"{row.label:32} {_num(t, row.unit):>9} {_num(g, row.unit):>9} {_num(d, row.unit):>9}"
            f" {_pct(diff_pct(g, t)):>9} {_pct(diff_pct(d, t)):>9} {_pct(diff_pct(d, g)):>8}"
        )


def to_json(lv: Level) -> dict[str, Any]:
    rows = {}
    for row in ROWS:
        t = (lv.truth or {}).get(row.key)
        g, d = lv.guidellm.get(row.key), lv.dltutor.get(row.key)
        rows[row.key] = {
            "truth": t,
            "guidellm": g,
            "dltutor": d,
            "dl_vs_gl_pct": diff_pct(d, g),
            "gl_vs_truth_pct": diff_pct(g, t),
            "dl_vs_truth_pct": diff_pct(d, t),
        }
    return {
        "server": lv.server,
        "concurrency": lv.concurrency,
        "requests": lv.requests,
        "load1": lv.load,
        "wall_s": lv.wall_s,
        "rows": rows,
    }


# ---- main ---------------------------------------------------------------------------------------


def guidellm_version(guidellm: str) -> str:
    out = subprocess.run([guidellm, "--version"], capture_output=True, text=True, timeout=300)
    return out.stdout.strip().split()[-1] if out.returncode == 0 and out.stdout.strip() else "?"


@contextlib.contextmanager
def server_for(session: Session, shared: str | None) -> Iterator[str]:
    if shared is not None:
        yield shared
    else:
        with session.start() as url:
            yield url


def compare(session: Session, guidellm: str, out: Path) -> list[Level]:
    done = []
    with contextlib.ExitStack() as stack:
        shared = None if session.fresh_per_tool else stack.enter_context(session.start())
        for c, n in session.counts.items():
            truth = session.truth.figures(c, n) if session.truth else None
            lv = Level(session.server, c, n, truth)
            tag = f"[{session.server} c={c}]"
            with server_for(session, shared) as url:
                print(f"{tag} guidellm, {n} requests …", file=sys.stderr, flush=True)
                lv.guidellm = read_guidellm(run_guidellm(guidellm, url, session, lv, out))
            with server_for(session, shared) as url:
                print(f"{tag} dltutor bench, {n} requests …", file=sys.stderr, flush=True)
                lv.dltutor = read_dltutor(run_dltutor(url, session, lv, out))
            for tool, got in (("guidellm", lv.guidellm), ("dltutor", lv.dltutor)):
                if got["completed"] != n:
                    print(f"warning: {tool} completed {got['completed']} of {n}", file=sys.stderr)
            print_level(lv)
            done.append(lv)
    return done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--guidellm", default=DEFAULT_GUIDELLM, help="guidellm executable")
    ap.add_argument("--levels", default="1,8", help="concurrency levels, e.g. 1,8")
    ap.add_argument("--requests", type=int, help="requests per level (default: max(10, 5 x c))")
    ap.add_argument("--ttft", type=float, default=0.5, help="fake server: seconds to first token")
    ap.add_argument("--tpot", type=float, default=0.02, help="fake server: seconds per token")
    ap.add_argument("--tokens", type=int, default=64, help="tokens per answer (both servers)")
    ap.add_argument("--embedded", action="store_true", help="also compare on the embedded engine")
    ap.add_argument(
        "--embedded-requests",
        type=int,
        help="embedded: requests per level (default: max(8, 2 x c))",
    )
    ap.add_argument("--embedded-tokens", type=int, default=32, help="embedded: tokens per answer")
    ap.add_argument(
        "--engine-threads",
        type=int,
        default=1,
        help="embedded: llama.cpp threads (2 on a busy 2-core machine ran 10-20x slower than 1)",
    )
    ap.add_argument(
        "--tool-timeout", type=float, default=900, help="seconds one tool may take for one level"
    )
    ap.add_argument("--out", type=Path, default=Path("/tmp/guidellm-compare"))
    ap.add_argument("--serve-embedded", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve_embedded:
        serve_embedded()
        return 0

    if not (Path(a.guidellm).is_file() and os.access(a.guidellm, os.X_OK)):
        msg = (
            f"guidellm not found at {a.guidellm}; install it in its own venv:"
            " python3 -m venv /tmp/gl && /tmp/gl/bin/pip install guidellm"
        )
        print(f"skipped: {msg}", file=sys.stderr)
        print(json.dumps({"skipped": msg}))
        return 0

    levels = [int(c) for c in a.levels.split(",")]
    a.out.mkdir(parents=True, exist_ok=True)
    prompts = a.out / "prompts.jsonl"
    counts = {c: a.requests or max(10, 5 * c) for c in levels}
    n_prompts = write_prompts(prompts, a.tokens, max(counts.values()))
    truth = Truth(a.ttft, a.tpot, a.tokens)
    version = guidellm_version(a.guidellm)
    print(
        f"guidellm {version} vs dltutor bench · {n_prompts} prompts · fake server:"
        f" TTFT {1000 * a.ttft:g} ms, {1000 * a.tpot:g} ms/token, {a.tokens} tokens"
        f" → E2E {truth.e2e:.3f} s · load {load1():.1f} on {os.cpu_count()} cores"
    )
    results: list[Level] = []
    fake = Session(
        "fake", lambda: fake_server(truth), False, counts, truth, a.tokens, prompts, a.tool_timeout
    )
    try:
        results += compare(fake, a.guidellm, a.out)
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    embedded_error = None
    if a.embedded:
        counts_e = {c: a.embedded_requests or max(8, 2 * c) for c in levels}
        prompts_e = a.out / "prompts-embedded.jsonl"
        write_prompts(prompts_e, a.embedded_tokens, max(counts_e.values()))
        embedded = Session(
            "embedded",
            lambda: embedded_server(a.engine_threads),
            True,
            counts_e,
            None,
            a.embedded_tokens,
            prompts_e,
            a.tool_timeout,
        )
        try:
            results += compare(embedded, a.guidellm, a.out)
        except RuntimeError as e:  # a slow or failed engine must not lose the fake-server figures
            embedded_error = str(e).splitlines()[0]
            print(f"\nembedded engine: {embedded_error}", file=sys.stderr)
    diffs = sorted(
        (abs(v["dl_vs_gl_pct"]), row, lv.concurrency)
        for lv in results
        if lv.server == "fake"
        for row, v in to_json(lv)["rows"].items()
        if v["dl_vs_gl_pct"] is not None
    )
    worst, median = diffs[-1], statistics.median(d[0] for d in diffs)
    print(
        f"\nfake server, dltutor vs guidellm: median |difference| {median:.1f}%,"
        f" largest {worst[0]:.1f}% ({worst[1]} at c={worst[2]}) · reports in {a.out}/"
    )
    print(
        json.dumps(
            {
                "guidellm_version": version,
                "truth": {
                    "ttft_s": a.ttft,
                    "tpot_s": a.tpot,
                    "tokens": a.tokens,
                    "e2e_s": truth.e2e,
                },
                "cores": os.cpu_count(),
                "fake_dl_vs_gl_abs_pct": {
                    "median": median,
                    "max": worst[0],
                    "max_row": f"{worst[1]} c={worst[2]}",
                },
                "embedded_error": embedded_error,
                "levels": [to_json(lv) for lv in results],
                "out": str(a.out),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
