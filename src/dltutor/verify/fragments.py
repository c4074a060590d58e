"""Programs and fragments: which code blocks of an answer can be run at all.

A tutor's answer mixes two kinds of code. A *program* is self-contained, or continues the
blocks before it (`import numpy as np` in one block, `np.dot(a, b)` in the next). A *fragment*
only points at a context the reader has in mind: `loss.backward()  # PyTorch does the rest`
refers to a `loss` that nothing defines. Running a fragment fails with a NameError, and a red
"✗ failed" under it reads as "the tutor's code is wrong" when it is not. So fragments are told
apart before anything runs, by the names a block reads that neither it, the blocks before it,
nor Python's builtins define, and they are labelled as fragments, not run, and not repaired.
Programs run and are marked as before; a real failure still gets the repair loop.
"""

from __future__ import annotations

import ast
import builtins

BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__", "__builtins__"}


def bound_names(tree: ast.AST) -> set[str]:
    """Every name a block binds anywhere: assignments, imports, definitions, parameters, loop
    and `with` targets, exception names, comprehension variables."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            out.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
        elif isinstance(node, ast.alias):
            out.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            out.update(node.names)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            out.add(node.name)
    return out


def free_names(code: str, defined: set[str] | frozenset[str] = frozenset()) -> set[str] | None:
    """The names `code` reads that nothing defines (not the code itself, not `defined` by
    earlier blocks, not builtins); None when it is not valid Python (then it is run, and fails
    as a program would: a learner copying it would hit the same error)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    loaded = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return loaded - bound_names(tree) - set(defined) - BUILTINS


def defined_by(code: str) -> set[str]:
    """What a block defines for the blocks after it (nothing if it does not parse)."""
    try:
        return bound_names(ast.parse(code))
    except SyntaxError:
        return set()
