"""Stop and disconnect, over real HTTP (uvicorn on loopback) against the fake model server: a
learner who closes the connection mid-answer, or while still queued, leaves a reply that is
saved with what had arrived and marked stopped, the model's stream closed at once, and the
admission slot free. A storm of 50 such disconnects within seconds never lets the model see
more streams than the admission limit, and leaves nothing `streaming`."""

from __future__ import annotations

import asyncio
import json
import random
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.web.app import create_app
from tests.web.conftest import app_settings
from tests.web.live import LiveServer

LIMIT = 4


async def ask_and_leave(http: httpx.AsyncClient, token: str, answers: int, wait_s: float) -> str:
    """Ask, then hang up after `answers` answer events (or `wait_s` seconds while queued or
    slow). Returns the answer text received before hanging up."""
    got: list[str] = []
    event = ""
    deadline = time.monotonic() + wait_s
    async with http.stream(
        "POST", "/api/chat", json={"text": "what is backprop?"}, headers={"X-CSRF-Token": token}
    ) as r:
        assert r.status_code == 200
        lines = r.aiter_lines()
        while len(got) < answers and time.monotonic() < deadline:
            try:
                async with asyncio.timeout(max(0.01, deadline - time.monotonic())):
                    line = await anext(lines)
            except TimeoutError:
                break
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "answer":
                got.append(json.loads(line[6:])["text"])
    return "".join(got)  # leaving the block closes the connection mid-stream


def rows(db: str) -> list[tuple[int, str, str]]:
    engine = create_engine(db)
    with engine.connect() as c:
        out = c.execute(
            text("SELECT id, status, content FROM messages WHERE role='assistant' ORDER BY id")
        ).all()
    engine.dispose()
    return [(int(i), str(s), str(t)) for i, s, t in out]


async def test_a_storm_of_50_disconnects_leaves_nothing_streaming_and_the_model_idle(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path}/storm.db"
    # Long answers (1,000 tokens at 20 ms: 20 s), so that only closing the stream ends them.
    with FakeLLMServer(token_delay=0.02, default_tokens=1000) as llm:
        app = create_app(
            app_settings(tmp_path, db, llm, single_user=True, max_concurrent=LIMIT, max_tokens=1000)
        )
        with LiveServer(app) as live:
            limits = httpx.Limits(max_connections=100)
            async with httpx.AsyncClient(base_url=live.url, timeout=30, limits=limits) as http:
                token = (await http.get("/api/me")).json()["csrf_token"]
                # One whole answer first: the course search index is built by then.
                llm.enqueue(Script(chunks=["warm"]))
                await http.post("/api/chat", json={"text": "hi"}, headers={"X-CSRF-Token": token})
                rng = random.Random(13)
                t0 = time.monotonic()
                # Most leave mid-answer, after a few pieces; the others after a moment, most
                # of them while still queued.
                plans = [
                    (rng.randint(1, 6), 20.0) if rng.random() < 0.7 else (99, rng.uniform(0.1, 2))
                    for _ in range(50)
                ]
                received = await asyncio.gather(*(ask_and_leave(http, token, *p) for p in plans))
                storm_s = time.monotonic() - t0
                # The model stops at once: nothing still generating a moment later.
                deadline = time.monotonic() + 3
                while llm.active and time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
                assert llm.active == 0, f"{llm.active} streams still generating at the model"
                assert llm.max_active <= LIMIT, f"the model saw {llm.max_active} streams"
                service = app.state.tutor
                while service.admission.running and time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
                assert service.admission.running == 0 and service.admission.waiting == 0
                saved = rows(db)  # the final saves run in threads: give them a moment
                while any(s == "streaming" for _, s, _ in saved) and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                    saved = rows(db)
                assert saved[0][1] == "complete" and len(saved) == 51 and storm_s < 60
                saved = saved[1:]
                assert [s for _, s, _ in saved if s == "streaming"] == []
                assert {s for _, s, _ in saved} == {"stopped"}
                # Whatever the learner saw is in the database (the save is not cut short).
                by_text = sorted(c for _, _, c in saved)
                for got in received:
                    assert any(c.startswith(got) for c in by_text), got
                mid = sum(1 for g in received if g)
                print(
                    f"raw storm: 50 disconnects in {storm_s:.1f} s ({mid} mid-answer), "
                    f"{llm.hung_up} streams closed at the model, at most {llm.max_active} "
                    f"at once (limit {LIMIT}), 0 left streaming"
                )
                assert mid >= 25  # most were mid-answer
                # The stopped reply can be verified (it was answering 409 "still being written").
                r = await http.post(
                    f"/api/messages/{saved[0][0]}/verify", headers={"X-CSRF-Token": token}
                )
                assert r.status_code == 200, r.text
                # And a new question is served at once, by a free slot.
                llm.enqueue(Script(chunks=["served"]))
                r = await http.post(
                    "/api/chat", json={"text": "again"}, headers={"X-CSRF-Token": token}
                )
                assert "event: queue" not in r.text and "event: done" in r.text
