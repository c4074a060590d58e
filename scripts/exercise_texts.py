"""Rewrite the hints, worked example or statement of exercise.yaml files from a patch.

    .venv/bin/python scripts/exercise_texts.py PATCH.yaml

PATCH maps an exercise id to any of `hints` (a list of {zh, en}), `example` ({zh, en}) and
`statement` ({zh, en}). Only those blocks of the file are rewritten; the rest stays as it is.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent / "src" / "dltutor" / "course_data" / "exercises"
TOP_KEY = re.compile(r"^[a-z_]+:", re.M)


def _block(key: str, value: Any) -> str:
    if key == "hints":
        lines = ["hints:"]
        for h in value:
            lines.append(f"  - zh: {json.dumps(h['zh'], ensure_ascii=False)}")
            lines.append(f"    en: {json.dumps(h['en'], ensure_ascii=False)}")
        return "\n".join(lines) + "\n"
    lines = [f"{key}:"]
    for lang in ("zh", "en"):
        lines.append(f"  {lang}: |")
        lines.extend(f"    {line}" if line else "" for line in value[lang].strip().splitlines())
    return "\n".join(lines) + "\n"


def _replace(text: str, key: str, block: str) -> str:
    m = re.search(rf"^{key}:.*?(?=^[a-z_]+:|\Z)", text, re.M | re.S)
    if m is None:  # a new block: after the hints
        h = re.search(r"^hints:.*?(?=^[a-z_]+:|\Z)", text, re.M | re.S)
        assert h is not None
        return text[: h.end()] + block + text[h.end() :]
    return text[: m.start()] + block + text[m.end() :]


def main() -> None:
    patch = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8"))
    for ex_id, change in patch.items():
        path = ROOT / ex_id / "exercise.yaml"
        text = path.read_text(encoding="utf-8")
        for key in ("statement", "hints", "example"):
            if key in change:
                text = _replace(text, key, _block(key, change[key]))
        assert yaml.safe_load(text)["id"] == ex_id
        path.write_text(text, encoding="utf-8")
    print(f"rewrote {len(patch)} exercises", file=sys.stderr)


if __name__ == "__main__":
    main()
