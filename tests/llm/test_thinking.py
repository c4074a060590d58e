from __future__ import annotations

import pytest

from dltutor.llm.thinking import ThinkSplitter


def split(chunks: list[str], assume_open: bool = False) -> tuple[str, str]:
    s = ThinkSplitter(assume_open)
    out = [d for c in chunks for d in s.feed(c)] + s.flush()
    return (
        "".join(d.text for d in out if d.kind == "thinking"),
        "".join(d.text for d in out if d.kind == "answer"),
    )


@pytest.mark.parametrize(
    "chunks",
    [
        ["<think>plan</think>\n\nAnswer."],
        ["<thi", "nk>pl", "an</th", "ink>", "\n\nAns", "wer."],
        list("<think>plan</think>\n\nAnswer."),  # one character at a time
    ],
)
def test_tags_split_across_chunks(chunks: list[str]) -> None:
    assert split(chunks) == ("plan", "Answer.")


def test_no_tags_is_all_answer() -> None:
    assert split(["a < b", " and b > c"]) == ("", "a < b and b > c")


def test_lone_partial_tag_at_end_is_kept_as_text() -> None:
    assert split(["x <thi"]) == ("", "x <thi")


def test_missing_open_tag_when_model_starts_thinking() -> None:
    assert split(["reasoning…</think>Done"], assume_open=True) == ("reasoning…", "Done")
