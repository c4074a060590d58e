"""schemathesis against /openapi.json: generated requests to every operation of the JSON API,
as a signed-in learner (and as a teacher for the class routes), with the CSRF token, so the
handlers themselves are exercised. No request may end in a server error. Bounded: a fixed
number of examples per operation, fewer where one request runs the sandbox or the diagnosis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Err, Ok

from dltutor.llm.fake import FakeLLMServer
from dltutor.web.app import create_app
from tests.web.conftest import PASSWORD, app_settings, form_token, unique
from tests.web.live import LiveServer

EXAMPLES = 40
HEAVY = {  # one request takes a sandbox run or a diagnosis step: fewer examples
    "/api/exercises/{exercise_id}/submissions": 6,
    "/api/diagnosis/start": 5,
    "/api/diagnosis/answer": 8,
    "/api/diagnosis": 8,
    "/api/plan": 10,
    "/api/plan.md": 6,
    "/api/plan/checkpoints": 10,
}


def session_for(base: str, role: str) -> tuple[requests.Session, str]:
    s = requests.Session()
    token = form_token(s.get(f"{base}/signup").text)
    r = s.post(
        f"{base}/signup",
        data={"username": unique(role), "password": PASSWORD, "role": role, "csrf_token": token},
        allow_redirects=False,
    )
    assert r.status_code == 303
    return s, s.get(f"{base}/api/me").json()["csrf_token"]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, module_llm: FakeLLMServer) -> Iterator[str]:
    home: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(app_settings(home, f"sqlite:///{home}/fuzz.db", module_llm))
    with LiveServer(app) as server:
        yield server.url


def fuzz(
    base: str,
    op: Any,
    session: requests.Session,
    token: str,
    answered: dict[str, set[int]],
    errors: list[str],
) -> None:
    """Send generated requests to one operation; note each status and every server error."""

    @given(case=op.as_strategy())
    @settings(
        max_examples=HEAVY.get(op.path, EXAMPLES),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        try:
            r = case.call(
                base_url=base, session=session, headers={"X-CSRF-Token": token}, timeout=120
            )
        except requests.RequestException as e:  # a hang is as bad as a 500: say where
            errors.append(f"{case.method} {case.formatted_path}: {type(e).__name__}")
            return
        answered.setdefault(f"{case.method} {op.path}", set()).add(r.status_code)
        if r.status_code >= 500:
            errors.append(f"{case.method} {case.formatted_path} -> {r.status_code}: {r.text[:200]}")

    run()


def test_no_operation_answers_a_server_error(live: str) -> None:
    schema = schemathesis.openapi.from_url(f"{live}/openapi.json")
    learner, learner_token = session_for(live, "learner")
    teacher, teacher_token = session_for(live, "teacher")
    # a profile, so that plan routes get past "no plan yet" and are exercised too
    learner.put(
        f"{live}/api/profile",
        json={"name": "fuzz", "language": "en"},
        headers={"X-CSRF-Token": learner_token},
    )
    errors: list[str] = []
    answered: dict[str, set[int]] = {}
    results = list(schema.get_all_operations())
    bad = [r.err() for r in results if isinstance(r, Err)]
    assert bad == []  # the spec itself is valid
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) >= 25
    for op in operations:
        as_teacher = op.path.startswith("/api/class")
        session, token = (teacher, teacher_token) if as_teacher else (learner, learner_token)
        fuzz(live, op, session, token, answered, errors)
    assert errors == []
    # the requests got through to the handlers (an answer, or a handler's 404 or 409), not
    # just bounced off validation, sign-in or CSRF
    reached = [k for k, codes in answered.items() if codes - {401, 403, 422}]
    assert len(reached) == len(answered), sorted(answered.items())
