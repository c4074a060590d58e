"""dltutor in Jupyter: `%load_ext dltutor`, then

    %dltutor exercise ex.softmax      the statement (math rendered); the starter code in a new cell
    %%dltutor grade ex.softmax        grade the functions the cell defines; a table of the tests
    %dltutor hint ex.softmax          the next rung of the same hint ladder as the web page
    %dltutor ask "why log-sum-exp?"   the tutor's answer, streamed into the output
    %dltutor lang zh                  the notebook's language (default: DLTUTOR_LANG, the locale)

Plain Jupyter and JupyterLab both show the output (HTML and MathML); nothing to install beyond
`pip install dltutor`. With DLTUTOR_SERVER_URL and DLTUTOR_TOKEN set (a class install and a
personal API token from its profile page) the work goes to the server, else it stays on this
machine: either way grades and hints count toward mastery and reviews as on the web.
IPython is imported here only, never by `import dltutor`.
"""

from __future__ import annotations

import shlex
import time
from typing import Any

from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import HTML, display

from dltutor.config import get_settings
from dltutor.notebook import views
from dltutor.notebook.services import Local, NotFound, Remote, service

UPDATE_EVERY_S = 0.1  # a streamed answer is redrawn at most this often


@magics_class
class DltutorMagics(Magics):
    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        from dltutor.cli.common import cli_lang

        self.lang = cli_lang(None)
        self._service: Local | Remote | None = None

    @property
    def service(self) -> Local | Remote:
        if self._service is None:
            self._service = service(get_settings())
        return self._service

    @line_cell_magic
    def dltutor(self, line: str, cell: str | None = None) -> None:
        try:
            args = shlex.split(line)
        except ValueError:
            args = line.split()
        command, rest = (args[0], args[1:]) if args else ("", [])
        try:
            if command == "lang" and rest and rest[0] in ("zh", "en"):
                self.lang = rest[0]
                display(HTML(views.note("lang", self.lang)))
            elif command == "exercise" and rest:
                self.exercise(rest[0])
            elif command == "grade" and rest and cell is not None:
                self.grade(rest[0], cell)
            elif command == "hint" and rest:
                self.hint(rest[0])
            elif command == "ask" and rest:
                self.ask(" ".join(rest))
            else:
                display(HTML(views.usage(self.lang)))
        except NotFound:
            display(HTML(views.error("unknown", self.lang, id=rest[0] if rest else "")))
        except PermissionError:
            display(HTML(views.error("token", self.lang)))

    def exercise(self, exercise_id: str) -> None:
        ex = self.service.exercise(exercise_id, self.lang)
        display(HTML(views.exercise(ex, self.lang)))
        # A new cell below with the starter code, headed by the magic that grades it.
        assert self.shell is not None
        self.shell.set_next_input(f"%%dltutor grade {ex.id}\n{ex.starter}", replace=False)

    def grade(self, exercise_id: str, code: str) -> None:
        # "Grading…" while the sandbox runs, replaced by the results.
        handle = display(HTML(views.note("grading", self.lang)), display_id=True)
        result = self.service.grade(exercise_id, code, self.lang)
        handle.update(HTML(views.grade(result, self.lang)))

    def hint(self, exercise_id: str) -> None:
        display(HTML(views.hint(self.service.hint(exercise_id, self.lang), self.lang)))

    def ask(self, question: str) -> None:
        handle = display(HTML(views.answer("", self.lang, done=False)), display_id=True)
        text, shown_at = "", 0.0
        try:
            for piece in self.service.ask(question, self.lang):
                text += piece
                if time.monotonic() - shown_at >= UPDATE_EVERY_S:
                    handle.update(HTML(views.answer(text, self.lang, done=False)))
                    shown_at = time.monotonic()
        except Exception as e:  # the model failed mid-answer: keep what came, say why
            handle.update(HTML(views.answer(text, self.lang, done=True)))
            display(HTML(views.error("ask", self.lang, why=str(e))))
            return
        handle.update(HTML(views.answer(text, self.lang, done=True)))


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext dltutor`: register the `%dltutor` / `%%dltutor` magic."""
    ipython.register_magics(DltutorMagics)
