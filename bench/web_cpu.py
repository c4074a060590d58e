"""The web server's CPU per streamed chat: an earlier commit (before) against this checkout
(after), side by side in one run, at 1, 10 and 50 chats at once on the fake model (64 tokens),
the levels of the Open WebUI comparison in the README. See dltutor/bench/web_cpu.py.

    .venv/bin/python bench/web_cpu.py [--before 724211a] [--rounds 2]
    .venv/bin/python bench/web_cpu.py --per-token   # relaying: 64- vs 256-token answers
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from dltutor.bench.web_cpu import BEFORE, LEVELS, compare, per_token, tree_at

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default=BEFORE, help="the commit to compare with ('' : none)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--per-token", action="store_true", help="CPU per relayed token instead")
    a = ap.parse_args()
    if a.per_token:
        print(json.dumps(asyncio.run(per_token())))
        return
    if a.before:
        with tree_at(a.before, ROOT) as src:
            r = asyncio.run(compare(src, LEVELS, a.rounds))
    else:
        r = asyncio.run(compare(None, LEVELS, a.rounds))
    r["before_ref"] = a.before or None
    print(f"{'chats at once':>14} {'before ms':>10} {'after ms':>10}")
    for c in r["levels"]:
        before = r.get("before_cpu_ms_per_chat", {}).get(str(c), "-")
        print(f"{c:>14} {before:>10} {r['after_cpu_ms_per_chat'][str(c)]:>10}")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
