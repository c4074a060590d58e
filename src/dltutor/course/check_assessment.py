"""Course checks that keep assessment honest: a learner cannot game the quizzes, the hints never
hand over the solution, and every formula renders.

Quiz keys. Options have stable ids and learners see them shuffled (`learning/shuffle.py`), but
the file order still matters: it is what a reader of the data sees, what a client that does not
shuffle shows, and the ids are visible through the API. So, per language where it matters:
- no key position (= option id) above 30% of the choice items, none above 35% within a stage,
  and no topic whose choice items all have the same one;
- the uniquely longest option is the key in at most 35% of the items, and a learner who always
  picks the longest option (or the second longest, ..., or the shortest) scores at most 35% on
  every stage: lengthening distractors only moves the cue if the key is then always second;
- the shuffle itself: for a sample of learners, a learner who always picks the same place scores
  at most 35% on every stage.

Hints. Every exercise's hints (and its statement and worked example) are prose with at most a
fragment of code: no `def`, no `return`. Their code, assembled into the exercise's signature in
every way that could run (the fragments as a body, each expression returned), must fail the
hidden tests in the grader; with several functions the others come from the reference, so a
hint that gives away one function is caught. Hint code that reproduces most of the reference's
tokens is flagged as well.

Math. Every formula in lessons, quizzes, statements, hints and worked examples, in both
languages, goes through the web's renderer; one that would show as source is a problem.
"""

from __future__ import annotations

import ast
import builtins
import io
import tokenize
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from dltutor.course.check_terms import check_exercise_terms
from dltutor.course.model import LANGS, Course, QuizItem
from dltutor.course.render import code_spans, math_errors

if TYPE_CHECKING:
    from dltutor.course.exercises import Exercise

MAX_KEY_SHARE = 0.30  # one key position over the whole course
MAX_STAGE_SHARE = 0.35  # one key position, or the longest option, within a stage
MAX_LONGEST_SHARE = 0.35  # items whose uniquely longest option is the key
SHUFFLE_LEARNERS = 40  # learners whose shuffled orders are checked
MAX_REFERENCE_OVERLAP = 0.5
_ORDINAL = [
    "",
    "second",
    "third",
    "fourth",
    "fifth",
]  # share of the reference's tokens that hint code may reproduce


# Grades a file on an exercise: (exercise id, source) -> whether it passes the hidden tests.
# The grader provides it (`dltutor.grader.passes`): the course does not import the grader.
Passes = Callable[[str, str], bool]


def check_assessment(
    course: Course,
    topics: Iterable[str] | None = None,
    run_code: bool = True,
    passes: Passes | None = None,
) -> list[str]:
    """All of the above; with `topics`, the course-wide shares are left out; hints are graded
    only when `passes` is given (and `run_code`)."""
    selected = set(topics) if topics else set(course.topics)
    whole = selected >= set(course.topics)
    problems = [p for t in course if t.id in selected for p in topic_keys(t.quiz, t.id)]
    if whole:
        problems += key_shares(course) + shuffled_shares(course)
    problems += quiz_math(course, selected)
    from dltutor.course.exercises import ExerciseError, load_exercises

    try:
        exercises = [
            e for e in load_exercises(include_projects=True) if whole or e.topic in selected
        ]
    except ExerciseError as e:
        return [*problems, f"exercises: {e}"]
    for ex in exercises:
        problems += exercise_texts(ex)
    if run_code and passes is not None:
        problems += hints_fail_the_tests(exercises, passes)
    return problems


# ---- quiz keys ------------------------------------------------------------------------------


def _choice(items: Iterable[QuizItem]) -> list[QuizItem]:
    return [q for q in items if q.key is not None and q.key in q.option_ids]


def topic_keys(items: list[QuizItem], topic: str) -> list[str]:
    keys = {q.key for q in _choice(items)}
    if len(_choice(items)) > 1 and len(keys) == 1:
        return [f"{topic}: every choice item's key is option {keys.pop()!r}; vary them"]
    return []


def longest_share(items: list[QuizItem], lang: str) -> float:
    """Share of the items whose uniquely longest option is the key."""
    unique = 0
    for q in items:
        lengths = {i: len(t.strip()) for i, t in q.options(lang).items()}
        longest = [i for i, n in lengths.items() if n == max(lengths.values())]
        unique += longest == [q.key]
    return unique / max(1, len(items))


def length_rank_scores(items: list[QuizItem], lang: str) -> list[float]:
    """What a learner scores who always picks the longest option (index 0), the second longest
    (1), ..., the shortest. Ties among lengths are broken by the order on screen, which this
    cannot know: for the longest option a key tied with others counts as a win (the bound holds
    whatever the order); for the other places it counts as its share of the places they take."""
    scores = [0.0] * 5
    for q in items:
        lengths = sorted((len(t.strip()) for t in q.options(lang).values()), reverse=True)
        mine = len(q.options(lang)[str(q.key)].strip())
        first, ties = lengths.index(mine), lengths.count(mine)
        for place in range(first, first + ties):
            scores[place] += 1 if place == 0 else 1 / ties
    return [s / max(1, len(items)) for s in scores]


def key_shares(course: Course) -> list[str]:
    p: list[str] = []
    items = _choice(course.quiz_items())
    if not items:
        return p
    for pos, n in sorted(Counter(q.option_ids.index(str(q.key)) for q in items).items()):
        if n > MAX_KEY_SHARE * len(items):
            p.append(
                f"quiz keys: option {chr(97 + pos)!r} is the key of {n} of {len(items)} choice "
                f"items ({n / len(items):.0%}, at most {MAX_KEY_SHARE:.0%})"
            )
    for lang in LANGS:
        share = longest_share([q for q in items if lang in q.text], lang)
        if share > MAX_LONGEST_SHARE:
            p.append(
                f"quiz keys/{lang}: the uniquely longest option is the key in {share:.0%} of the "
                f"choice items (at most {MAX_LONGEST_SHARE:.0%}); lengthen a distractor"
            )
    for stage, group in _by_stage(course, items).items():
        for pos, n in Counter(q.option_ids.index(str(q.key)) for q in group).items():
            if n > MAX_STAGE_SHARE * len(group):
                p.append(
                    f"quiz keys: in stage {stage}, option {chr(97 + pos)!r} is the key of "
                    f"{n / len(group):.0%} of the choice items (at most {MAX_STAGE_SHARE:.0%})"
                )
        for lang in LANGS:
            scores = length_rank_scores([q for q in group if lang in q.text], lang)
            for place, score in enumerate(scores):
                if score > MAX_STAGE_SHARE:
                    which = "the longest" if place == 0 else f"the {_ORDINAL[place]} longest"
                    p.append(
                        f"quiz keys/{lang}: in stage {stage}, always picking {which} option "
                        f"scores {score:.0%} (at most {MAX_STAGE_SHARE:.0%}); vary the key's "
                        "length among its options"
                    )
    return p


def shuffled_shares(course: Course, learners: int = SHUFFLE_LEARNERS) -> list[str]:
    """A learner who always picks the same place, over the orders learners really see."""
    from dltutor.learning.shuffle import option_order

    items = _choice(course.quiz_items())
    for learner in range(1, learners + 1):
        for stage, group in _by_stage(course, items).items():
            places = Counter(option_order(course, q, learner).index(str(q.key)) for q in group)
            worst = max(places.values()) / len(group)
            if worst > MAX_STAGE_SHARE:
                return [
                    f"quiz shuffle: learner {learner} always picking one place scores "
                    f"{worst:.0%} on stage {stage} (at most {MAX_STAGE_SHARE:.0%})"
                ]
    return []


def _by_stage(course: Course, items: list[QuizItem]) -> dict[int, list[QuizItem]]:
    out: dict[int, list[QuizItem]] = {}
    for q in items:
        out.setdefault(course[q.topic].stage, []).append(q)
    return out


# ---- math -------------------------------------------------------------------------------------


def _quiz_texts(q: QuizItem, lang: str) -> Iterator[str]:
    t = q.text.get(lang) or {}
    for key in ("question", "explanation", "answer"):
        if t.get(key):
            yield str(t[key])
    yield from q.options(lang).values()
    why = t.get("why_wrong")
    if isinstance(why, dict):
        yield from (str(w) for w in why.values() if w)


def quiz_math(course: Course, selected: set[str]) -> list[str]:
    """Every formula of the selected topics' lessons and quizzes renders."""
    p = []
    for t in course:
        if t.id not in selected:
            continue
        for lang, lesson in t.lessons.items():
            p += [
                f"{t.id}/{lang}: formula does not render: {f[:80]}"
                for f in math_errors(lesson.text)
            ]
        for q in t.quiz:
            for lang in LANGS:
                for text in _quiz_texts(q, lang):
                    p += [
                        f"{q.id}/{lang}: formula does not render: {f[:80]}"
                        for f in math_errors(text)
                    ]
    return p


# ---- exercise texts: hints, statement, worked example ---------------------------------------


def _texts(ex: Exercise, lang: str) -> list[tuple[str, str]]:
    """(what, Markdown) for everything a learner of `ex` reads, in ladder order."""
    out = [("statement", ex.statement[lang])]
    out += [(f"hint {n}", h[lang]) for n, h in enumerate(ex.hints, 1)]
    if ex.example:
        out.append(("worked example", ex.example[lang]))
    return out


def _statements(code: str) -> list[ast.stmt] | None:
    try:
        return ast.parse(code).body
    except SyntaxError:
        return None


def exercise_texts(ex: Exercise) -> list[str]:
    """Math renders; code is a fragment; the worked example exists; hint code is no copy; the
    zh texts use the glossary's terms."""
    p = check_exercise_terms(ex.id, [("title", ex.title["zh"]), *_texts(ex, "zh")])
    if not ex.example:
        p.append(f"{ex.id}: needs a worked example (example: zh/en), shown after the last hint")
    ref_tokens = _tokens(_strip_docstrings(ex.reference_source()))
    for lang in LANGS:
        for what, text in _texts(ex, lang):
            p += [
                f"{ex.id}/{lang}: {what}: formula does not render: {f[:80]}"
                for f in math_errors(text)
            ]
            body = [s for code in code_spans(text) for s in _statements(code) or []]
            kinds = sorted(
                {
                    "def" if isinstance(n, ast.FunctionDef) else "return"
                    for n in ast.walk(ast.Module(body=body, type_ignores=[]))
                    if isinstance(n, ast.FunctionDef | ast.Return)
                }
            )
            if kinds:
                p.append(
                    f"{ex.id}/{lang}: {what} has code with {' and '.join(kinds)}: give a "
                    "fragment, never a function or the line that returns the result"
                )
        hint_code = "\n".join(c for _, text in _texts(ex, lang) for c in code_spans(text))
        overlap = _overlap(ref_tokens, _tokens(hint_code))
        if overlap > MAX_REFERENCE_OVERLAP:
            p.append(
                f"{ex.id}/{lang}: the code in its statement, hints and example reproduces "
                f"{overlap:.0%} of the reference's tokens (at most {MAX_REFERENCE_OVERLAP:.0%})"
            )
    return p


def _strip_docstrings(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                node.body = node.body[1:] or [ast.Pass()]
    tree.body = [n for n in tree.body if not isinstance(n, ast.Import | ast.ImportFrom)]
    return ast.unparse(tree)


def _tokens(code: str) -> list[str]:
    """Names, numbers, strings and operators of `code` (comments and layout dropped); code
    that does not tokenize contributes its words."""
    out: list[str] = []
    for line in code.splitlines():
        try:
            toks = tokenize.generate_tokens(io.StringIO(line + "\n").readline)
            out += [
                t.string
                for t in toks
                if t.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING, tokenize.OP)
            ]
        except (tokenize.TokenError, SyntaxError, IndentationError):
            out += line.split()
    return out


def _overlap(reference: list[str], hint: list[str]) -> float:
    """Share of the reference's tokens found, in order, in the hint code."""
    if not reference or not hint:
        return 0.0
    m = SequenceMatcher(None, reference, hint, autojunk=False)
    return sum(b.size for b in m.get_matching_blocks()) / len(reference)


# ---- hints through the grader -----------------------------------------------------------------


def assemblies(ex: Exercise, code: list[str]) -> list[str]:
    """Every file a learner could make of these fragments alone: for each function of the
    exercise, its body is the fragments (the last expression returned) or an expression of them
    returned; the exercise's other functions and helpers come from the reference."""
    stmts = [s for c in code for s in (_statements(c) or [])]
    exprs = [s.value for s in stmts if isinstance(s, ast.Expr)]
    others = [s for s in stmts if not isinstance(s, ast.Expr)]
    bodies: list[list[ast.stmt]] = []
    if stmts:
        last = stmts[-1]
        tail: list[ast.stmt] = [ast.Return(last.value)] if isinstance(last, ast.Expr) else [last]
        bodies.append([*stmts[:-1], *tail])
    for e in exprs:
        bodies += [[ast.Return(e)], [*others, ast.Return(e)]]
    ref = ast.parse(ex.reference_source())
    known = set(dir(builtins)) | {
        n.id if isinstance(n, ast.Name) else getattr(n, "name", "")
        for n in ast.walk(ref)
        if isinstance(n, ast.FunctionDef)
        or (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    }
    known |= {
        a.asname or a.name
        for n in ref.body
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    }
    out: set[str] = set()
    for fn in ex.functions:
        for body in bodies:
            if not _names_defined(body, known | set(fn.params)) or _calls(body, fn.name):
                continue  # a NameError, or endless recursion (a signature span): cannot pass
            func = ast.parse(f"def {fn.signature.split('->')[0].strip()}: pass").body[0]
            assert isinstance(func, ast.FunctionDef)
            func.body = body
            module = ast.parse(ex.reference_source())
            module.body = [
                func if isinstance(n, ast.FunctionDef) and n.name == fn.name else n
                for n in module.body
            ]
            try:
                out.add(ast.unparse(ast.fix_missing_locations(module)))
            except (ValueError, TypeError):
                continue
    return sorted(out)


def _calls(body: list[ast.stmt], name: str) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
        for n in ast.walk(ast.Module(body=body, type_ignores=[]))
    )


def _names_defined(body: list[ast.stmt], known: set[str]) -> bool:
    module = ast.Module(body=body, type_ignores=[])
    stored = {
        n.id for n in ast.walk(module) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    stored |= {a.arg for n in ast.walk(module) if isinstance(n, ast.Lambda) for a in n.args.args}
    stored |= {
        n.id
        for c in ast.walk(module)
        if isinstance(c, ast.comprehension)
        for n in ast.walk(c.target)
        if isinstance(n, ast.Name)
    }
    used = {
        n.id for n in ast.walk(module) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return used <= known | stored


def hints_fail_the_tests(exercises: list[Exercise], passes: Passes) -> list[str]:
    """Grade every assembly of every hint (and of all texts together) against the hidden tests;
    any that passes is a problem. Projects are left out: they train models for minutes, and
    their hints cannot hold a training loop under the fragment rule above."""
    jobs: dict[tuple[str, str], list[str]] = {}  # (exercise, source) -> where it came from
    for ex in exercises:
        if ex.kind == "project":
            continue
        for lang in LANGS:
            texts = _texts(ex, lang)
            groups = [(what, code_spans(text)) for what, text in texts]
            groups.append(("all its texts together", [c for _, code in groups for c in code]))
            for what, code in groups:
                for source in assemblies(ex, code):
                    jobs.setdefault((ex.id, source), []).append(f"{lang} {what}")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda j: passes(j[0], j[1]), jobs))
    found: dict[tuple[str, str], str] = {}  # (exercise, where) -> the first passing file
    for ((ex_id, source), where), passed in zip(jobs.items(), results, strict=True):
        if passed:
            found.setdefault((ex_id, ", ".join(sorted(set(where)))), source)
    return [
        f"{ex_id}: the code of {where} passes the hidden tests on its own, assembled as:\n" + source
        for (ex_id, where), source in found.items()
    ]
