"""The notebook on a class install: its Remote service against a real server over HTTP, as the
learner whose personal API token it holds; the server records the work for that learner."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from dltutor.config import Settings
from dltutor.course.exercises import get_exercise
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.notebook.services import NotFound, Remote
from dltutor.web.app import create_app
from tests.web.conftest import PASSWORD, app_settings, form_token
from tests.web.live import LiveServer


def sign_up_with_token(base: str, username: str) -> str:
    with httpx.Client(base_url=base, follow_redirects=True) as c:
        token = form_token(c.get("/signup").text)
        c.post("/signup", data={"username": username, "password": PASSWORD, "csrf_token": token})
        page = c.get("/onboarding").text
        r = c.post("/profile/tokens", data={"name": "nb", "csrf_token": form_token(page)})
        m = re.search(r'<code id="new-token">([^<]+)</code>', r.text)
        assert m, r.text[:500]
        return m.group(1)


def test_remote_notebook_service(tmp_path: Path) -> None:
    ex = get_exercise("ex.softmax")
    with FakeLLMServer() as llm:
        settings = app_settings(tmp_path, f"sqlite:///{tmp_path}/server.db", llm)
        with LiveServer(create_app(settings)) as server:
            token = sign_up_with_token(server.url, "nb_remote")
            nb = Remote(Settings(server_url=server.url, token=token))

            shown = nb.exercise(ex.id, "en")
            assert shown.starter == ex.starter() and shown.functions
            with pytest.raises(NotFound):
                nb.exercise("ex.no_such_thing", "en")
            assert nb.hint(ex.id, "en").shown == 1
            graded = nb.grade(ex.id, ex.wrong_solutions()[0].read_text(), "en")
            assert graded.passed is False and any(not t["passed"] for t in graded.tests)
            llm.enqueue(Script(chunks=["Softmax ", "normalises."]))
            assert "".join(nb.ask("What is softmax?", "en")) == "Softmax normalises."

            # The server kept it for this learner (read back with the same token).
            mine = httpx.get(
                f"{server.url}/api/exercises/{ex.id}",
                headers={"Authorization": f"Bearer {token}"},
            ).json()
            assert len(mine["submissions"]) == 1 and len(mine["hints"]) == 1

            bogus = Remote(Settings(server_url=server.url, token="dlt_wrong"))
            with pytest.raises(PermissionError):
                bogus.hint(ex.id, "en")
