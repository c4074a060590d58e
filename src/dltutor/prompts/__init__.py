"""Prompt templates, one file per language, shipped as package data."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load(name: str, lang: str) -> str:
    lang = lang if lang in ("zh", "en") else "en"
    return (resources.files(__package__) / f"{name}.{lang}.md").read_text(encoding="utf-8").strip()
