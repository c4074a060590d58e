from __future__ import annotations

from fastapi.testclient import TestClient

from dltutor.llm.fake import FakeLLMServer, Script
from tests.web.conftest import csrf, events


def test_chat_streams_sse_and_saves(client: TestClient, fake_llm: FakeLLMServer) -> None:
    fake_llm.enqueue(Script(chunks=["<think>hm</think>", "梯度", "下降"]))
    r = client.post(
        "/api/chat", json={"text": "什么是梯度下降？"}, headers={"X-CSRF-Token": csrf(client)}
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    ev = events(r.text)
    kinds = [k for k, _ in ev]
    assert kinds[0] == "turn" and kinds[-1] == "done" and "thinking" in kinds
    assert "".join(d["text"] for k, d in ev if k == "answer") == "梯度下降"
    conv = ev[0][1]["conversation_id"]
    msgs = client.get(f"/api/conversations/{conv}/messages").json()
    assert [(m["role"], m["content"], m["status"]) for m in msgs] == [
        ("user", "什么是梯度下降？", "complete"),
        ("assistant", "梯度下降", "complete"),
    ]
    assert msgs[1]["thinking"] == "hm" and "<p>" in msgs[1]["html"]
    md = client.get(f"/api/conversations/{conv}/export").text
    assert "> ## 什么是梯度下降？" in md and "梯度下降" in md


def test_chat_without_csrf_token_is_refused(client: TestClient) -> None:
    assert client.post("/api/chat", json={"text": "hi"}).status_code == 403
    assert (
        client.post(
            "/api/chat", json={"text": "hi"}, headers={"X-CSRF-Token": "forged"}
        ).status_code
        == 403
    )


def test_backend_failure_arrives_as_an_error_event_and_is_saved(
    client: TestClient, fake_llm: FakeLLMServer
) -> None:
    fake_llm.enqueue(Script(chunks=["part ", "of it"], drop_after=1))
    r = client.post("/api/chat", json={"text": "explain"}, headers={"X-CSRF-Token": csrf(client)})
    ev = events(r.text)
    assert (
        ev[-1][0] == "error"
        and ev[-1][1]["kind"] == "interrupted"
        and ev[-1][1]["partial"] == "part "
    )
    msgs = client.get(f"/api/conversations/{ev[0][1]['conversation_id']}/messages").json()
    assert msgs[1]["content"] == "part " and msgs[1]["status"] == "error"


def test_regenerate_keeps_the_old_answer(client: TestClient, fake_llm: FakeLLMServer) -> None:
    token = csrf(client)
    fake_llm.enqueue(Script(chunks=["first"]), Script(chunks=["second"]))
    ev = events(client.post("/api/chat", json={"text": "q"}, headers={"X-CSRF-Token": token}).text)
    old = ev[0][1]["assistant_message_id"]
    ev2 = events(
        client.post(f"/api/messages/{old}/regenerate", headers={"X-CSRF-Token": token}).text
    )
    assert "".join(d["text"] for k, d in ev2 if k == "answer") == "second"
    msgs = client.get(f"/api/conversations/{ev[0][1]['conversation_id']}/messages").json()
    assert [m["content"] for m in msgs] == ["q", "first", "second"] and msgs[1]["meta"][
        "superseded"
    ]
    # the regenerated request did not include the superseded answer in its history
    assert [m["content"] for m in fake_llm.requests[-1]["messages"][1:]] == ["q"]


def test_learner_b_cannot_read_learner_a(multi: TestClient) -> None:
    def signup(name: str) -> None:
        multi.cookies.clear()
        page = multi.get("/signup")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        r = multi.post(
            "/signup",
            data={"username": name, "password": "correct horse", "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303

    assert multi.get("/api/me").status_code == 401
    signup("alice")
    ev = events(
        multi.post(
            "/api/chat", json={"text": "alice's question"}, headers={"X-CSRF-Token": csrf(multi)}
        ).text
    )
    conv, msg = ev[0][1]["conversation_id"], ev[0][1]["assistant_message_id"]
    assert multi.get(f"/api/conversations/{conv}/messages").status_code == 200
    signup("bob")
    token = csrf(multi)
    assert multi.get(f"/api/conversations/{conv}/messages").status_code == 404
    assert multi.get(f"/api/conversations/{conv}/export").status_code == 404
    assert multi.get(f"/api/messages/{msg}").status_code == 404
    assert (
        multi.post(f"/api/messages/{msg}/regenerate", headers={"X-CSRF-Token": token}).status_code
        == 404
    )
    r = multi.post(
        "/api/chat", json={"text": "x", "conversation_id": conv}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 404
    assert multi.get("/api/conversations").json() == []


def test_wrong_password_is_refused_without_saying_which_part(multi: TestClient) -> None:
    page = multi.get("/signin")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = multi.post(
        "/signin", data={"username": "nobody", "password": "whatever1", "csrf_token": token}
    )
    assert r.status_code == 400 and (
        "Wrong username or password" in r.text or "用户名或密码不正确" in r.text
    )


def test_pages_render(client: TestClient) -> None:
    assert "chat.js" in client.get("/").text
    assert client.get("/course").status_code == 200
    r = client.get("/course/math.vectors_dot_product")
    assert r.status_code == 200 and "<math" in r.text
    assert client.get("/course/no.such.topic").status_code == 404
