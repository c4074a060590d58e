"""A newcomer's first questions, as `make run` serves them: from send to the first words.

    .venv/bin/python bench/first_question.py [--runs 3]

Starts `dltutor serve` on the embedded default with a fresh data dir (so nothing is warm but what
start-up itself warms), waits until the page answers, then asks in the web chat, as a browser
does (POST /api/chat, server-sent events): a Chinese question, then an English one, each in a
new conversation. Measures, per question, the time from sending to the first `answer` event
(first words on screen) and to `done`, and whether an error came instead. Each run is a new
server and data dir. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

QUESTIONS = {
    "zh": "什么是反向传播？能用一个比喻解释一下吗？",
    "en": "What is backpropagation? Can you explain it with an analogy?",
}
DLTUTOR = Path(sys.executable).with_name("dltutor")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ask(client: httpx.Client, token: str, text: str) -> dict[str, object]:
    t0 = time.monotonic()
    first = None
    done: dict[str, object] = {}
    error = None
    event = ""
    with client.stream(
        "POST", "/api/chat", json={"text": text}, headers={"X-CSRF-Token": token}, timeout=300
    ) as r:
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                if event == "answer" and first is None and data.get("text", "").strip():
                    first = time.monotonic() - t0
                elif event == "done":
                    done = data
                elif event == "error":
                    error = data.get("message")
    return {
        "first_words_s": first,
        "done_s": time.monotonic() - t0,
        "error": error,
        "finish_reason": done.get("finish_reason"),
        "citations": len(done.get("citations") or []),  # type: ignore[arg-type]
    }


def one_run() -> dict[str, object]:
    home = tempfile.mkdtemp(prefix="dltutor-first-")
    port = free_port()
    env = os.environ | {"DLTUTOR_HOME": home, "DLTUTOR_PORT": str(port)}
    t0 = time.monotonic()
    server = subprocess.Popen(
        [str(DLTUTOR), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            while True:
                try:
                    if client.get("/", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() - t0 > 120:
                    raise RuntimeError("the server did not start in 120 s")
                time.sleep(0.2)
            ready = time.monotonic() - t0
            token = client.get("/api/me").json()["csrf_token"]
            out: dict[str, object] = {"ready_s": ready}
            for lang, q in QUESTIONS.items():
                out[lang] = ask(client, token, q)
            return out
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    print(
        f"{'run':>3} {'ready s':>8} {'zh first':>9} {'zh done':>8} {'en first':>9} {'en done':>8}"
    )
    for i, r in enumerate(runs):
        zh, en = r["zh"], r["en"]
        assert isinstance(zh, dict) and isinstance(en, dict)
        print(
            f"{i:>3} {r['ready_s']:>8.1f} {zh['first_words_s'] or float('nan'):>9.2f} "
            f"{zh['done_s']:>8.2f} {en['first_words_s'] or float('nan'):>9.2f} {en['done_s']:>8.2f}"
        )

    def med(lang: str, key: str) -> float | None:
        vals = [r[lang][key] for r in runs if r[lang][key] is not None]  # type: ignore[index]
        return round(statistics.median(vals), 2) if vals else None  # type: ignore[type-var]

    summary = {
        "bench": "first_question",
        "runs": len(runs),
        "ready_s_p50": round(statistics.median(float(r["ready_s"]) for r in runs), 2),  # type: ignore[arg-type]
        **{
            f"{lang}_{k}_p50": med(lang, k)
            for lang in QUESTIONS
            for k in ("first_words_s", "done_s")
        },
        "errors": sum(1 for r in runs for lang in QUESTIONS if r[lang]["error"]),  # type: ignore[index]
        "load_average": os.getloadavg()[0],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
