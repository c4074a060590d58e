"""A web server killed mid-answer (SIGKILL), then started again: the reply it was streaming is
marked interrupted, with what had been saved of it, and the page's API and the export say so.
While the first server is still alive, a second one starting on the same database (a replica)
leaves its stream alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from dltutor.export import NOTE
from dltutor.llm.fake import FakeLLMServer
from dltutor.web.app import create_app
from tests.web.conftest import app_settings
from tests.web.live import free_port


def status_of_last_reply(db: str) -> tuple[str, str, str | None]:
    engine = create_engine(db)
    with engine.connect() as c:
        row = c.execute(
            text(
                "SELECT status, content, owner FROM messages WHERE role='assistant' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).one()
    engine.dispose()
    return str(row[0]), str(row[1]), row[2]


def test_a_reply_left_streaming_by_a_killed_server_is_interrupted_after_restart(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path}/crash.db"
    port = free_port()
    with FakeLLMServer(token_delay=0.05, default_tokens=1000) as llm:
        env = os.environ | {
            "DLTUTOR_HOME": str(tmp_path / "a"),
            "DLTUTOR_DATABASE_URL": db,
            "DLTUTOR_BACKEND": "vllm",
            "DLTUTOR_BASE_URL": llm.base_url,
            "DLTUTOR_MAX_TOKENS": "1000",
        }
        code = "from dltutor.cli import main; main()"
        server = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    token = httpx.get(f"{base}/api/me", timeout=5).json()["csrf_token"]
                    break
                except (httpx.HTTPError, ValueError):
                    assert time.monotonic() < deadline and server.poll() is None
                    time.sleep(0.2)
            http = httpx.Client(base_url=base, timeout=60)
            http.cookies.update(httpx.get(f"{base}/api/me").cookies)
            token = http.get("/api/me").json()["csrf_token"]
            with http.stream(
                "POST",
                "/api/chat",
                json={"text": "explain attention"},
                headers={"X-CSRF-Token": token},
            ) as r:
                lines = r.iter_lines()  # kept: a loop left with `break` would hang up
                pieces = 0
                while pieces < 40:  # 2 s of answer: saved at least once
                    pieces += next(lines).startswith("event: answer")
                status, content, owner = status_of_last_reply(db)
                assert status == "streaming" and content.startswith("tok0") and owner

                # A replica starting now leaves the live server's stream alone.
                replica = app_settings(tmp_path / "b", db, llm, single_user=True)
                with TestClient(create_app(replica)):
                    pass
                assert status_of_last_reply(db)[0] == "streaming"

                server.send_signal(signal.SIGKILL)
                server.wait(10)
            http.close()
        finally:
            if server.poll() is None:
                server.kill()
                server.wait(10)

        assert status_of_last_reply(db)[0] == "streaming"  # what the crash left
        restarted = app_settings(tmp_path / "c", db, llm, single_user=True)
        with TestClient(create_app(restarted)) as c:
            conv = c.get("/api/conversations").json()[0]["id"]
            msgs = c.get(f"/api/conversations/{conv}/messages").json()
            export = c.get(f"/api/conversations/{conv}/export")
    assert msgs[-1]["status"] == "interrupted" and msgs[-1]["content"].startswith("tok0")
    assert NOTE["interrupted"]["zh"] in export.text  # the local learner reads Chinese
