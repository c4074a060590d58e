"""Warm sandboxes: started ahead of time, so a grade skips the start-up (process, namespaces,
interpreter, numpy) and pays only for loading the learner's file and the tests.

Off unless asked for: `prewarm(2)` (e.g. by the web server at start-up) keeps two sandboxes with
the default limits ready. Each sandbox serves exactly one submission and is then thrown away, so
nothing carries over between learners. Sandboxes are started by one long-lived thread: bubblewrap
dies with the thread that started it (--die-with-parent), and this one lives as long as dltutor.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import defaultdict

from dltutor.grader.isolation import detect
from dltutor.grader.limits import Limits
from dltutor.grader.sandbox import Sandbox, SandboxDied

log = logging.getLogger(__name__)


class WarmPool:
    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._want: dict[Limits, int] = {}
        self._ready: dict[Limits, list[Sandbox]] = defaultdict(list)
        self._starting: dict[Limits, int] = defaultdict(int)
        self._thread: threading.Thread | None = None
        self._stop = False

    def configure(self, limits: Limits, size: int) -> None:
        """Keep `size` sandboxes with these limits ready (0: none; ready ones are closed)."""
        drop: list[Sandbox] = []
        with self._cv:
            self._want[limits] = max(0, size)
            while len(self._ready[limits]) > self._want[limits]:
                drop.append(self._ready[limits].pop())
            if size > 0 and (self._thread is None or not self._thread.is_alive()):
                self._stop = False
                self._thread = threading.Thread(
                    target=self._run, name="dltutor-warm-pool", daemon=True
                )
                self._thread.start()
            self._cv.notify_all()
        for sb in drop:
            sb.close()

    def take(self, limits: Limits) -> Sandbox | None:
        """A ready sandbox with these limits, its wall clock starting now; None if there is none."""
        with self._cv:
            ready = self._ready.get(limits) or []
            while ready:
                sb = ready.pop(0)
                self._cv.notify_all()  # the spawner refills
                if sb.alive():
                    sb.deadline = time.monotonic() + limits.wall_seconds
                    return sb
                sb.close()
        return None

    def ready_count(self, limits: Limits) -> int:
        with self._cv:
            return len(self._ready.get(limits) or [])

    def shutdown(self) -> None:
        with self._cv:
            self._stop = True
            self._want.clear()
            drop = [sb for lst in self._ready.values() for sb in lst]
            self._ready.clear()
            self._cv.notify_all()
        for sb in drop:
            sb.close()

    def _deficit(self) -> Limits | None:
        for lim, n in self._want.items():
            if len(self._ready[lim]) + self._starting[lim] < n:
                return lim
        return None

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._stop and self._deficit() is None:
                    self._cv.wait()
                if self._stop:
                    return
                lim = self._deficit()
                assert lim is not None
                self._starting[lim] += 1
            sb: Sandbox | None = Sandbox(detect(), lim)
            try:
                assert sb is not None
                sb.start()
                sb.wait_ready()
            except (OSError, SandboxDied, TimeoutError) as e:
                log.warning("warm sandbox failed to start: %s", e)
                if sb is not None:
                    sb.close()
                sb = None
                time.sleep(1.0)  # do not spin on a broken set-up
            keep = False
            with self._cv:
                self._starting[lim] -= 1
                if (
                    sb is not None
                    and not self._stop
                    and len(self._ready[lim]) < self._want.get(lim, 0)
                ):
                    self._ready[lim].append(sb)
                    keep = True
            if sb is not None and not keep:
                sb.close()


POOL = WarmPool()
atexit.register(POOL.shutdown)


def prewarm(size: int = 2, limits: Limits | None = None) -> None:
    """Keep `size` warm sandboxes for exercises with these limits (default: the settings')."""
    POOL.configure(limits or Limits.from_settings(), size)
