"""Write quiz.yaml files in the course's one layout (used to migrate and to rewrite them).

    .venv/bin/python scripts/quiz_yaml.py --migrate   # old lists + answer index -> option ids
    .venv/bin/python scripts/quiz_yaml.py --rebalance # new file-order key positions (seeded)
    .venv/bin/python scripts/quiz_yaml.py --patch P.yaml  # apply edits: {item id: {lang: ...}}
    .venv/bin/python scripts/quiz_yaml.py             # rewrite every file in the layout below

A patch maps a full item id ("topic/q1") to what changes: per language, `options` and
`why_wrong` entries by option id (merged), or any other field (replaced); `item` replaces
item-level fields (a short answer rewritten: type, difficulty).

Layout: every string double-quoted (JSON escapes are valid YAML), options and why_wrong as
mappings from option id to text, keys in a fixed order, so diffs stay small.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent / "src" / "dltutor" / "course_data"
ITEM_KEYS = ("id", "type", "difficulty", "key")
LANG_KEYS = ("question", "options", "why_wrong", "answer", "accept", "explanation")


def q(s: Any) -> str:
    return json.dumps(str(s), ensure_ascii=False)


def dump(data: dict[str, Any]) -> str:
    out = ["items:"]
    for item in data["items"]:
        first = True
        for k in ITEM_KEYS:
            if k in item:
                v = item[k]
                text = q(v) if k == "key" else str(v)
                out.append(f"  {'- ' if first else '  '}{k}: {text}")
                first = False
        for lang in ("en", "zh"):
            t = item[lang]
            out.append(f"    {lang}:")
            for k in LANG_KEYS:
                if k not in t:
                    continue
                v = t[k]
                if isinstance(v, dict):
                    out.append(f"      {k}:")
                    out.extend(f"        {oid}: {q(text)}" for oid, text in v.items())
                elif isinstance(v, list):
                    out.append(f"      {k}: [{', '.join(q(x) for x in v)}]")
                else:
                    out.append(f"      {k}: {q(v)}")
            extra = set(t) - set(LANG_KEYS)
            if extra:
                raise SystemExit(f"{item['id']}/{lang}: unknown keys {extra}")
        extra = set(item) - set(ITEM_KEYS) - {"en", "zh"}
        if extra:
            raise SystemExit(f"{item['id']}: unknown keys {extra}")
    return "\n".join(out) + "\n"


def migrate(item: dict[str, Any]) -> None:
    """Old layout (options list, answer index per language) -> option ids, one key per item."""
    if item.get("type", "mcq") != "mcq" or isinstance(item["en"].get("options"), dict):
        return
    ids = string.ascii_lowercase[: len(item["en"]["options"])]
    answers = {item[lang]["answer"] for lang in ("en", "zh")}
    assert len(answers) == 1, item["id"]
    item["key"] = ids[answers.pop()]
    for lang in ("en", "zh"):
        t = item[lang]
        t["options"] = dict(zip(ids, t["options"], strict=True))
        t["why_wrong"] = {i: w for i, w in zip(ids, t["why_wrong"], strict=True) if w is not None}
        del t["answer"]


def move_key(item: dict[str, Any], pos: int) -> None:
    """Put the key at file position `pos` (swapping with the option there); ids re-lettered."""
    ids = list(item["en"]["options"])
    k = ids.index(item["key"])
    order = list(range(len(ids)))
    order[k], order[pos] = order[pos], order[k]
    letters = string.ascii_lowercase
    for lang in ("en", "zh"):
        t = item[lang]
        old_opts, old_why = t["options"], t.get("why_wrong") or {}
        t["options"] = {letters[n]: old_opts[ids[o]] for n, o in enumerate(order)}
        t["why_wrong"] = {
            letters[n]: old_why[ids[o]] for n, o in enumerate(order) if ids[o] in old_why
        }
    item["key"] = letters[pos]


def rebalance(files: dict[Path, dict[str, Any]], stages: dict[str, int], seed: int) -> None:
    """Seeded key positions with: no position above 27% overall or 33% in a stage, and no
    topic whose choice items all share one."""
    rng = random.Random(seed)
    for _attempt in range(10_000):
        plan: dict[tuple[Path, int], int] = {}
        for path, data in files.items():
            while True:
                picks = {
                    i: rng.randrange(len(it["en"]["options"]))
                    for i, it in enumerate(data["items"])
                    if it.get("type", "mcq") == "mcq"
                }
                if len(set(picks.values())) > 1:
                    break
            plan.update({(path, i): p for i, p in picks.items()})
        overall = Counter(plan.values())
        if max(overall.values()) > 0.27 * len(plan):
            continue
        by_stage: dict[int, Counter[int]] = {}
        for (path, _i), p in plan.items():
            by_stage.setdefault(stages[path.parent.name], Counter())[p] += 1
        if any(max(c.values()) > 0.33 * sum(c.values()) for c in by_stage.values()):
            continue
        for (path, i), p in plan.items():
            move_key(files[path]["items"][i], p)
        return
    raise SystemExit("no balanced assignment found")


def apply_patch(files: dict[Path, dict[str, Any]], patch: dict[str, Any]) -> None:
    by_id = {f"{p.parent.name}/{it['id']}": it for p, data in files.items() for it in data["items"]}
    for item_id, change in patch.items():
        item = by_id[item_id]
        item.update(change.get("item") or {})
        for lang in ("en", "zh"):
            for k, v in (change.get(lang) or {}).items():
                if k in ("options", "why_wrong"):
                    unknown = set(v) - set(item[lang]["options"])
                    if unknown:
                        raise SystemExit(f"{item_id}/{lang}: no options {unknown}")
                    item[lang].setdefault(k, {}).update(v)
                else:
                    item[lang][k] = v


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--migrate", action="store_true")
    ap.add_argument("--rebalance", action="store_true")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--patch", type=Path, action="append", default=[])
    args = ap.parse_args()
    graph = yaml.safe_load((ROOT / "topics.yaml").read_text(encoding="utf-8"))
    stages = {t["id"]: int(t["stage"]) for t in graph["topics"]}
    files = {
        p: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "topics").glob("*/quiz.yaml"))
    }
    if args.migrate:
        for data in files.values():
            for item in data["items"]:
                migrate(item)
    for patch in args.patch:
        apply_patch(files, yaml.safe_load(patch.read_text(encoding="utf-8")))
    if args.rebalance:
        rebalance(files, stages, args.seed)
    for p, data in files.items():
        p.write_text(dump(data), encoding="utf-8")
    print(f"wrote {len(files)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
