"""The web server's CPU per streamed chat: dltutor's chat vs Open WebUI's API path, side by side
in one run, on one fake model (64 tokens, 20 ms each), at 1, 10 and 50 chats at once, the
levels of issue 17's comparison. See dltutor/bench/openwebui.py for what each chat is.

Open WebUI lives in its own virtualenv (its dependencies are not the project's; ~7 GB, ~5 min):
    python3 -m venv /tmp/owvenv && /tmp/owvenv/bin/pip install open-webui==0.12.4
Without it the script says so and exits 0.

    .venv/bin/python bench/openwebui_compare.py [--openwebui /tmp/owvenv/bin/open-webui]
        [--rounds 3] [--per-token]     # --per-token: 64- vs 256-token answers, 10 at once
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os

from dltutor.bench.openwebui import DEFAULT_OPENWEBUI, compare
from dltutor.bench.web_cpu import LEVELS, TOKENS

LONG = 256


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--openwebui", default=DEFAULT_OPENWEBUI, help="the open-webui command")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--per-token", action="store_true", help="CPU per relayed token instead")
    a = ap.parse_args()
    if not os.access(a.openwebui, os.X_OK):
        print(f"no Open WebUI at {a.openwebui}: see this script's docstring to install it")
        return
    if a.per_token:
        short = asyncio.run(compare(a.openwebui, [(10, 100)], 1, TOKENS))
        long = asyncio.run(compare(a.openwebui, [(10, 100)], 1, LONG))
        out = {}
        for name in ("openwebui", "dltutor"):
            s, l_ = (r[f"{name}_cpu_ms_per_chat"]["10"] for r in (short, long))
            out[name] = {
                f"cpu_ms_per_chat_{TOKENS}_tokens": s,
                f"cpu_ms_per_chat_{LONG}_tokens": l_,
                "cpu_ms_per_token": round((l_ - s) / (LONG - TOKENS), 3),
            }
        print(json.dumps(out))
        return
    r = asyncio.run(compare(a.openwebui, LEVELS, a.rounds, TOKENS))
    ow, dl = r["openwebui_cpu_ms_per_chat"], r["dltutor_cpu_ms_per_chat"]
    print(f"{'chats at once':>14} {'Open WebUI ms':>14} {'dltutor ms':>11} {'ratio':>6}")
    for c in r["levels"]:
        k = str(c)
        print(f"{c:>14} {ow[k]:>14} {dl[k]:>11} {dl[k] / ow[k]:>6.2f}")
    r["ratio_dltutor_to_openwebui"] = {k: round(dl[k] / ow[k], 2) for k in ow}
    print(json.dumps(r))


if __name__ == "__main__":
    main()
