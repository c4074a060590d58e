"""verify.js in a real browser: badges appear under the right blocks, and "run again" works.

The chat page's own script marks a rendered answer with data-message-id; here the test builds
that element itself, so verify.js is checked whether or not the page already loads it.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from dltutor.config import get_settings
from dltutor.store import repo
from dltutor.store.db import session_scope
from dltutor.web.app import create_app
from dltutor.web.routes_verify import router
from tests.verify.conftest import fenced

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

ANSWER = (
    f"First:\n\n{fenced('w = 3')}\n\n```bash\nls\n```\n\n{fenced('print(w * 2)')}\n\n"
    + fenced("print(w / 0)")
)


@pytest.fixture
def live() -> Iterator[str]:
    import uvicorn

    app = create_app(get_settings().model_copy(update={"backend": "none"}))
    if not any(getattr(r, "path", "") == "/api/code/run" for r in app.routes):
        app.include_router(router)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def local_message(text: str) -> int:
    with session_scope(get_settings().db_url()) as db:
        me = repo.get_or_create_local_learner(db)
        conv = repo.create_conversation(db, learner_id=me.id, title="code")
        return repo.add_message(db, conversation=conv, role="assistant", content=text).id


SHOW = """async (id) => {
  if (!document.querySelector('script[src="/static/verify.js"]')) {
    const s = document.createElement("script");
    s.src = "/static/verify.js";
    document.body.appendChild(s);
    await new Promise((ok) => (s.onload = ok));
  }
  const msg = await (await fetch(`/api/messages/${id}`)).json();
  const m = document.createElement("div");
  m.className = "msg assistant";
  const body = document.createElement("div");
  body.className = "body";
  body.innerHTML = msg.html;
  m.appendChild(body);
  document.getElementById("messages").appendChild(m);
  m.dataset.messageId = id;
}"""


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium")
def test_badges_under_blocks_and_run_again(live: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    msg_id = local_message(ANSWER)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(live + "/lang/en")
        page.goto(live + "/")
        page.evaluate(SHOW, msg_id)
        # locators, not wait_for_function("…"): the page's CSP forbids evaluating strings
        expect(page.locator(".verify")).to_have_count(3, timeout=30_000)
        badges = page.eval_on_selector_all(
            ".verify",
            "els => els.map(e => [e.className, e.previousElementSibling.textContent.trim(),"
            " e.querySelector('.verify-badge').textContent, e.querySelector('details').open])",
        )
        assert [b[0] for b in badges] == [
            "verify verify-verified",
            "verify verify-verified",
            "verify verify-failed",
        ]
        # each badge sits under its own Python block, and the bash block has none
        assert [b[1] for b in badges] == ["w = 3", "print(w * 2)", "print(w / 0)"]
        assert badges[0][2] == "✓ verified" and badges[2][2] == "✗ failed"
        assert [b[3] for b in badges] == [False, False, True]  # failures show their output
        assert "ZeroDivisionError" in page.inner_text(".verify-failed")
        page.click(".verify[data-index='1'] .verify-again")
        again = page.locator(".verify[data-index='1'] .verify-again")
        expect(again).to_have_text("Run again", timeout=30_000)
        expect(page.locator(".verify")).to_have_count(3)
        expect(page.locator(".verify[data-index='1'] details pre")).to_have_text("6")
        assert page.text_content(".verify[data-index='1'] details pre") == "6\n"
        browser.close()
