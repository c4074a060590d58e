"""What the text says a block does, against what its code does.

A block can run cleanly and still not do what the article says it does. Seed 002 announces
"这可以通过使用 one-hot 编码实现" (this is done with one-hot encoding) and then calls
`LabelEncoder`, which gives one integer per item. Such a mismatch is read from the text before
the block (and the block's own comments) and the code's names, without running anything; the
run's verdict becomes "suspicious" with an explanation, like a probe's (inside.py).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

from dltutor.verify.text import both

# ASCII lookarounds, not \b: Chinese characters are word characters, and "使用one-hot编码" counts
ONE_HOT_WORDS = re.compile(r"(?<![a-z])one[- ]?hot(?![a-z])|独热|獨熱", re.I)
# Names whose use means the code does build one-hot vectors somewhere.
ONE_HOT_CODE = frozenset(
    {"OneHotEncoder", "LabelBinarizer", "MultiLabelBinarizer", "to_categorical", "one_hot",
     "get_dummies", "eye", "identity", "CategoryEncoding"}
)  # fmt: skip


def _names(tree: ast.AST) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
        elif isinstance(node, ast.alias):
            out.add((node.asname or node.name).split(".")[-1])
    return out


def _comments(code: str) -> str:
    try:
        tokens = tokenize.generate_tokens(io.StringIO(code).readline)
        return "\n".join(t.string for t in tokens if t.type == tokenize.COMMENT)
    except (tokenize.TokenError, SyntaxError):
        return ""


def claim_errors(before: str, code: str) -> dict[str, str] | None:
    """An explanation, in each language, when the text promises what the code cannot do;
    None when nothing is amiss (or nothing can be told)."""
    if not ONE_HOT_WORDS.search(before) and not ONE_HOT_WORDS.search(_comments(code)):
        return None
    try:
        names = _names(ast.parse(code))
    except (SyntaxError, ValueError):
        return None
    if "LabelEncoder" in names and not names & ONE_HOT_CODE:
        return both("onehot_claim")
    return None
