"""The application: what the web app and the CLI share, built once, in one place.

    with Tutor.open(settings) as app:        # starts the embedded engine, when that is the model
        turn = app.chat.start(learner_id=..., text=...)
        async for d in app.chat.send(turn): ...
        teacher = app.teacher()                # the teaching loop over the same parts

One `Tutor` per process (the web app's lifetime, one CLI command) owns:
- the model backend and its one client, whose generations all pass one admission control
  (chat, teaching moves, the judge, code repair, articles: see llm/client.py), so the model never
  runs more than `max_concurrent` whoever asks;
- the store's sessions, and the course;
- the chat and the teaching loop built over them.
The services over the learner's record (practice, progress, diagnosis, plans, accounts) are plain
modules in tutor/ taking a database session and the course: the web's routes and the CLI's
commands both call them, so nothing is computed twice. Grading's CPU bound lives in the grader
itself (grader/runner.py), whoever grades.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from dltutor.chat import Chat, default_grounder
from dltutor.config import Settings
from dltutor.course.model import Course
from dltutor.llm.admission import Slots, open_admission
from dltutor.llm.backend import Backend, open_backend
from dltutor.llm.client import LLMClient
from dltutor.store.db import session_factory

if TYPE_CHECKING:
    from dltutor.tutor.teacher import Teacher

log = logging.getLogger("dltutor")


class Tutor:
    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        *,
        course: Course | None = None,
        backend_error: str | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.backend_error = backend_error  # why there is no model, when opening it failed
        # One per backend, in this process, or in Redis shared with every replica (redis_url).
        self.admission: Slots = open_admission(settings, backend.base_url or backend.name)
        self.client: LLMClient | None = (
            backend.client(settings, admission=self.admission) if backend.available else None
        )
        self.sessions: Callable[[], Session] = session_factory(settings.db_url())
        self._course = course
        self.chat = Chat(settings, backend, self.client, default_grounder(), self.sessions)

    @classmethod
    def start(
        cls,
        settings: Settings,
        llm: str | None = None,
        *,
        fallback: bool = False,
        course: Course | None = None,
    ) -> Tutor:
        """Open the configured backend (`llm` overrides it; the embedded engine starts here).
        With `fallback`, a backend that cannot be opened leaves the tutor course-only rather
        than failing (the web app starts either way); otherwise the error is raised."""
        try:
            backend = open_backend(settings, llm)
        except Exception as e:
            if not fallback:
                raise
            log.error("model backend unavailable: %s", e)
            return cls(settings, Backend("none"), course=course, backend_error=str(e))
        return cls(settings, backend, course=course)

    @classmethod
    @contextmanager
    def open(cls, settings: Settings, llm: str | None = None) -> Iterator[Tutor]:
        """`start`, then close at the end (a CLI command's lifetime)."""
        app = cls.start(settings, llm)
        try:
            yield app
        finally:
            app.close_backend()

    @cached_property
    def course(self) -> Course:
        return self._course or Course.load()

    def teacher(self, on_position: Callable[[int], None] | None = None) -> Teacher:
        """The teaching loop, over this application's chat, client, store and course;
        `on_position` hears the learner's place while a reply waits for a generation slot."""
        from dltutor.tutor.teacher import Teacher

        return Teacher(self, on_position)

    async def aclose(self) -> None:
        """Close the model client's connections and stop the embedded engine."""
        await self.aclose_client()
        self.close_backend()

    async def aclose_client(self) -> None:
        """Close the model client's connections (from the event loop that used them)."""
        if self.client is not None:
            await self.client.aclose()
        aclose = getattr(self.admission, "aclose", None)
        if aclose is not None:
            await aclose()

    def close_backend(self) -> None:
        self.backend.close()
