"""What the notebook's magics do, on this machine or on a class install's server.

`Local` calls the same tutor/ functions the web routes call (record.apply_grade, hints.reveal,
Chat), on this machine's store, sandbox and model, as the local learner: a grade in a notebook
moves mastery and schedules reviews exactly as one on the web page. `Remote` calls a dltutor
server's JSON API with a personal API token, so the server does the same there.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from dltutor.config import Settings

if TYPE_CHECKING:
    from dltutor.course.model import Course
    from dltutor.tutor.app import Tutor


@dataclass
class ExerciseView:
    id: str
    title: str
    statement: str  # Markdown with $math$
    functions: list[str]
    starter: str


@dataclass
class GradeView:
    passed: bool
    tests: list[dict[str, Any]]  # name, passed, message
    error: str | None
    topic: str = ""
    mastery: tuple[float, float] | None = None  # the topic's, before and after (local only)


@dataclass
class HintView:
    shown: int
    total: int
    text: str  # Markdown: the rung just revealed


class Service(Protocol):
    def exercise(self, exercise_id: str, lang: str) -> ExerciseView: ...
    def grade(self, exercise_id: str, code: str, lang: str) -> GradeView: ...
    def hint(self, exercise_id: str, lang: str) -> HintView: ...
    def ask(self, text: str, lang: str) -> Iterator[str]: ...


class NotFound(LookupError):
    pass


class Local:
    """This machine: the local learner, the sandbox, the configured model."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._tutor: Tutor | None = None
        self._loop: _LoopThread | None = None
        self._course: Course | None = None

    @property
    def course(self) -> Course:
        if self._course is None:  # loaded once per kernel, not on every grade
            from dltutor.course import Course

            self._course = Course.load()
        return self._course

    def _learner(self, db: Any) -> int:
        from dltutor.store import repo

        return repo.get_or_create_local_learner(db).id

    def _exercise(self, exercise_id: str) -> Any:
        from dltutor.course.exercises import get_exercise

        try:
            return get_exercise(exercise_id)
        except KeyError:
            raise NotFound(exercise_id) from None

    def exercise(self, exercise_id: str, lang: str) -> ExerciseView:
        ex = self._exercise(exercise_id)
        return ExerciseView(
            id=ex.id,
            title=ex.title.get(lang, ex.id),
            statement=ex.statement.get(lang) or next(iter(ex.statement.values()), ""),
            functions=[f.signature for f in ex.functions],
            starter=ex.starter(),
        )

    def grade(self, exercise_id: str, code: str, lang: str) -> GradeView:
        from dltutor.grader import grade
        from dltutor.store.db import session_scope
        from dltutor.tutor import record

        ex = self._exercise(exercise_id)
        result = grade(ex.id, code, lang=lang)
        with session_scope(self.settings.db_url()) as db:
            me = self._learner(db)
            before = record.load_record(db, me).p(ex.topic)
            record.apply_grade(db, self.course, me, result, code)
            after = record.load_record(db, me).p(ex.topic)
        return GradeView(
            passed=result.passed,
            tests=[
                {"name": t.name, "passed": t.passed, "message": t.message} for t in result.tests
            ],
            error=result.error,
            topic=ex.topic,
            mastery=(before, after),
        )

    def hint(self, exercise_id: str, lang: str) -> HintView:
        from dltutor.store.db import session_scope
        from dltutor.tutor import hints

        ex = self._exercise(exercise_id)
        with session_scope(self.settings.db_url()) as db:
            shown = hints.reveal(db, self._learner(db), ex)
        return HintView(shown, hints.rungs(ex), hints.rung_text(ex, max(shown, 1), lang))

    def ask(self, text: str, lang: str) -> Iterator[str]:
        """The answer's text as it streams, through the same Chat the web's /api/chat uses."""
        if self._loop is None:
            self._loop = _LoopThread()
        return self._loop.stream(lambda: self._ask(text, lang))

    async def _ask(self, text: str, lang: str) -> AsyncIterator[str]:
        from dltutor.store.db import session_scope
        from dltutor.tutor.app import Tutor

        if self._tutor is None:  # the model (the embedded engine starts here) for the kernel's life
            self._tutor = await asyncio.to_thread(Tutor.start, self.settings, fallback=True)
        app = self._tutor
        if not app.backend.available:
            from dltutor.course.answer import answer_offline

            yield (await asyncio.to_thread(answer_offline, text, lang)).text
            return
        with session_scope(self.settings.db_url()) as db:
            me = self._learner(db)
        turn = await asyncio.to_thread(app.chat.start, learner_id=me, text=text, lang=lang)
        async for d in app.chat.send(turn, lang=lang):
            if d.kind == "answer":
                yield d.text


class Remote:
    """A dltutor server, as the learner whose personal API token is configured."""

    def __init__(self, settings: Settings) -> None:
        import httpx

        assert settings.server_url
        self.http = httpx.Client(
            base_url=settings.server_url.rstrip("/"),
            headers={"Authorization": f"Bearer {settings.token or ''}"},
            timeout=httpx.Timeout(settings.grader_wall_seconds * 3 + 30, connect=10),
        )

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        r = self.http.request(method, path, **kw)
        if r.status_code == 404:
            raise NotFound(path)
        if r.status_code == 401:
            raise PermissionError(r.json().get("detail", "unauthorized"))
        r.raise_for_status()
        return r.json()

    def exercise(self, exercise_id: str, lang: str) -> ExerciseView:
        d = self._call("GET", f"/api/exercises/{exercise_id}")
        return ExerciseView(d["id"], d["title"], d["statement"], d["functions"], d["starter"])

    def grade(self, exercise_id: str, code: str, lang: str) -> GradeView:
        d = self._call("POST", f"/api/exercises/{exercise_id}/submissions", json={"code": code})
        return GradeView(d["passed"], d["tests"], d["error"])

    def hint(self, exercise_id: str, lang: str) -> HintView:
        d = self._call("POST", f"/api/exercises/{exercise_id}/hints")
        return HintView(d["shown"], d["total"], d["hints"][-1] if d["hints"] else "")

    def ask(self, text: str, lang: str) -> Iterator[str]:
        """The server's /api/chat stream (server-sent events): the `answer` events' text."""
        with self.http.stream("POST", "/api/chat", json={"text": text, "lang": lang}) as r:
            if r.status_code == 401:
                raise PermissionError("invalid or revoked API token")
            r.raise_for_status()
            event = ""
            for line in r.iter_lines():
                if line.startswith("event: "):
                    event = line[7:].strip()
                elif line.startswith("data: ") and event == "answer":
                    yield str(json.loads(line[6:]).get("text", ""))
                elif line.startswith("data: ") and event == "error":
                    raise RuntimeError(str(json.loads(line[6:]).get("message", "error")))


def service(settings: Settings) -> Local | Remote:
    return Remote(settings) if settings.server_url else Local(settings)


@dataclass
class _LoopThread:
    """An event loop in a thread of its own for the kernel's life: the kernel's loop is busy
    running the cell, and the model client's connections belong to the loop that opened them."""

    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)

    def __post_init__(self) -> None:
        threading.Thread(target=self.loop.run_forever, daemon=True, name="dltutor-nb").start()

    def stream(self, make: Callable[[], AsyncIterator[str]]) -> Iterator[str]:
        pieces: queue.Queue[tuple[str, Any]] = queue.Queue()

        async def pump() -> None:
            try:
                async for piece in make():
                    pieces.put(("text", piece))
                pieces.put(("end", None))
            except BaseException as e:  # handed to the cell's thread, raised there
                pieces.put(("error", e))

        asyncio.run_coroutine_threadsafe(pump(), self.loop)
        while True:
            kind, value = pieces.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
