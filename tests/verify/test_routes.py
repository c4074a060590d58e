"""The web routes: verify a message's blocks, run one again; CSRF and learner isolation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dltutor.config import get_settings
from dltutor.llm.fake import FakeLLMServer
from dltutor.web.app import create_app
from dltutor.web.routes_verify import router
from tests.conftest import csrf
from tests.conftest import sse_events as events
from tests.verify.conftest import fenced, reply

ANSWER = (
    f"Define it:\n\n{fenced('w = 3')}\n\nThen use it:\n\n{fenced('print(w * 2)')}\n\n"
    + fenced("print(w / 0)")
)


def make(srv: FakeLLMServer, **settings: Any) -> TestClient:
    app = create_app(
        get_settings().model_copy(update={"backend": "vllm", "base_url": srv.base_url, **settings})
    )
    if not any(getattr(r, "path", "") == "/api/code/run" for r in app.routes):
        app.include_router(router)  # until the app includes it itself
    return TestClient(app)


@pytest.fixture
def web(fake_llm: FakeLLMServer) -> Iterator[TestClient]:
    with make(fake_llm) as c:
        yield c


def ask(c: TestClient, srv: FakeLLMServer, text: str) -> int:
    srv.enqueue(reply(text))
    ev = events(
        c.post("/api/chat", json={"text": "show me"}, headers={"X-CSRF-Token": csrf(c)}).text
    )
    return int(ev[0][1]["assistant_message_id"])


def test_verify_runs_stores_and_reuses(web: TestClient, fake_llm: FakeLLMServer) -> None:
    msg = ask(web, fake_llm, ANSWER)
    token = csrf(web)
    r = web.post(f"/api/messages/{msg}/verify", headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["cached"] is False
    blocks = data["blocks"]
    assert [b["status"] for b in blocks] == ["verified", "verified", "failed"]
    assert [b["pre_index"] for b in blocks] == [0, 1, 2]
    assert blocks[1]["run"]["output"] == "6\n"  # the blocks share one session
    assert (
        "ZeroDivisionError" in blocks[2]["run"]["errors"]["en"]
        and blocks[2]["badge"]["zh"] == "✗ 运行失败"
    )
    # stored on the message, and served again without running
    stored = web.get(f"/api/messages/{msg}").json()["meta"]["code_blocks"]
    assert [b["status"] for b in stored] == ["verified", "verified", "failed"]
    again = web.post(f"/api/messages/{msg}/verify", headers={"X-CSRF-Token": token}).json()
    assert again["cached"] is True and again["blocks"] == blocks


def test_run_again_runs_the_blocks_before_it(web: TestClient, fake_llm: FakeLLMServer) -> None:
    msg = ask(web, fake_llm, ANSWER)
    token = csrf(web)
    r = web.post(
        "/api/code/run", json={"message_id": msg, "index": 1}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 200, r.text
    assert r.json()["verified"] and r.json()["run"]["output"] == "6\n"
    stored = web.get(f"/api/messages/{msg}").json()["meta"]["code_blocks"]
    assert [b["index"] for b in stored] == [1]
    missing = {"message_id": msg, "index": 7}
    assert (
        web.post("/api/code/run", json=missing, headers={"X-CSRF-Token": token}).status_code == 404
    )


def test_csrf_is_required(web: TestClient, fake_llm: FakeLLMServer) -> None:
    msg = ask(web, fake_llm, ANSWER)
    assert web.post(f"/api/messages/{msg}/verify").status_code == 403
    body = {"message_id": msg, "index": 0}
    assert (
        web.post("/api/code/run", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    )


def test_another_learners_message_is_not_found(fake_llm: FakeLLMServer) -> None:
    with make(fake_llm, single_user=False) as c:

        def signup(name: str) -> None:
            c.cookies.clear()
            token = c.get("/signup").text.split('name="csrf_token" value="')[1].split('"')[0]
            data = {"username": name, "password": "correct horse", "csrf_token": token}
            assert c.post("/signup", data=data, follow_redirects=False).status_code == 303

        signup("alice")
        msg = ask(c, fake_llm, ANSWER)
        assert (
            c.post(f"/api/messages/{msg}/verify", headers={"X-CSRF-Token": csrf(c)}).status_code
            == 200
        )
        signup("bob")
        token = csrf(c)
        assert (
            c.post(f"/api/messages/{msg}/verify", headers={"X-CSRF-Token": token}).status_code
            == 404
        )
        body = {"message_id": msg, "index": 0}
        assert (
            c.post("/api/code/run", json=body, headers={"X-CSRF-Token": token}).status_code == 404
        )
        assert (
            c.post("/api/messages/999999/verify", headers={"X-CSRF-Token": token}).status_code
            == 404
        )
        c.cookies.clear()
        assert c.post(
            f"/api/messages/{msg}/verify", headers={"X-CSRF-Token": token}
        ).status_code in (401, 403)


def test_verify_js_is_served(web: TestClient) -> None:
    js = web.get("/static/verify.js")
    assert js.status_code == 200 and "/api/code/run" in js.text and "data-message-id" in js.text
