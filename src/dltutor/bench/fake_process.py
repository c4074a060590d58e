"""Run the fake server in a child process and stop it afterwards."""

from __future__ import annotations

import subprocess
import sys


class FakeServerProcess:
    """`python -m dltutor.llm.fake` in its own process (so the load generator and the server do
    not share one interpreter lock); `slots` and `prefill` give it a known capacity."""

    def __init__(
        self, ttft: float, tpot: float, tokens: int, slots: int = 0, prefill: float = 0.0
    ) -> None:
        self.args = [
            sys.executable,
            "-m",
            "dltutor.llm.fake",
            "--ttft",
            str(ttft),
            "--tpot",
            str(tpot),
            "--tokens",
            str(tokens),
            "--slots",
            str(slots),
            "--prefill",
            str(prefill),
        ]
        self.proc: subprocess.Popen[str] | None = None
        self.base_url = ""

    def __enter__(self) -> FakeServerProcess:
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()
        if not self.base_url.startswith("http"):
            self.proc.kill()
            raise RuntimeError("the fake server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(5)
