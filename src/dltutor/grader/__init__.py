"""The exercise grader: run a learner's code against hidden tests in a sandbox.

The grader only runs code against tests; what an exercise is (statement, hints, reference,
hidden tests) is course data, in `dltutor.course.exercises`.

Public API (pure: no database; the caller stores results):
    grade(id, code, lang=, limits=) -> GradeResult   .to_contract_json() is the CLI's JSON
    isolation_status() -> dict                 what `dltutor doctor` prints
    prewarm(n)                                 keep n sandboxes started ahead (for servers)

Threat model. The learner's file is hostile: it may loop forever, fork, allocate, write huge or
many files, print without end, open sockets, read files, kill itself, leave daemons behind, or
try to make a failing submission pass. What holds, and how:

1. Hidden tests and expected values never enter the sandbox. Tests run in this (trusted)
   process; only the arguments of each call cross into the sandbox, and only plain data (numbers,
   strings, lists, dicts, numeric numpy arrays) comes back, decoded strictly (stub.decode). Every
   comparison is made here on our own numpy values, so `__eq__`, `__array__`, patched numpy or
   builtins, `sys.exit(0)`, `os._exit(0)`, printed or forged result JSON cannot fake a pass: a
   pass needs the right values to come back for every call. (The "inputs not modified" check
   reports from inside the sandbox; defeating it takes more work than not modifying the input.)
2. Resources: RLIMIT_CPU (the whole run), RLIMIT_AS, RLIMIT_NPROC (a dedicated uid per concurrent
   run, as root), RLIMIT_FSIZE, RLIMIT_NOFILE, no core files; a wall-clock deadline after which
   the process group is killed; stdout+stderr read by a thread, first `output_kb` kept.
3. Isolation (level `bwrap`): user, pid, network, ipc, uts and mount namespaces; the filesystem is
   /usr and the sandbox interpreter read-only plus size-capped tmpfs /home/learner and /tmp, so the data
   dir, the database, other learners' files, /etc and the hidden tests are not there to read; no
   capabilities; no network (a loopback listener on the host is unreachable); no nested user
   namespaces. Level `rlimits` (no bwrap) keeps 2 and, as root, the dedicated uid and a network
   namespace via `unshare`, but not the filesystem: `isolation_status()` says so.
4. Clean-up: when grading ends, however it ends, the process group is killed, and as root every
   process of the run's uid is killed as well, so nothing it started survives.
5. The grader stays up: each run is its own process; a run that dies fails its tests and says why.

Projects (`kind: project`, dltutor.grader.projects) keep the same rule: the learner's model is
trained and kept in the sandbox; its training data go in, its predictions on held-out inputs come
out, and the held-out labels, the accuracy and the time taken (measured here) stay here. Per-step
limits (`Limits.load_seconds`, `Limits.train_seconds`) stop a run with their own message.

Not covered: side channels (timing), CPU time stolen from other runs within the limits, and at
level `rlimits` reading files the sandbox uid can read. Tests: tests/grader/test_hostile.py.
"""

from __future__ import annotations

from dltutor.grader.isolation import isolation_status
from dltutor.grader.limits import Limits
from dltutor.grader.pool import prewarm
from dltutor.grader.results import GradeResult, TestResult
from dltutor.grader.runner import UnknownExercise, grade, passes

__all__ = [
    "GradeResult",
    "Limits",
    "TestResult",
    "UnknownExercise",
    "grade",
    "passes",
    "isolation_status",
    "prewarm",
]
