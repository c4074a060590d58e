"""Spotting a reply that has fallen into a loop, so the stream can be stopped there.

Small models (the embedded 135M one above all) fall into loops: one sentence, repeated until the
answer cap. Sampling penalties make that rarer; this catches what is left. A loop is the tail of
the text made of `copies` back-to-back copies of one piece at least `min_period` characters long
(shorter periods are ordinary text: "0, 0, 0," or a row of dashes).
"""

from __future__ import annotations

MIN_PERIOD = 10
MAX_PERIOD = 300


def loop_at(text: str, copies: int = 3, min_period: int = MIN_PERIOD) -> int | None:
    """Where the repeated copies begin, if `text` ends in a loop, else None. The first copy is
    kept by a caller that trims: it is the part that was said once.

    Runs on every read of a streamed answer, so a period is ruled out before any slice is made:
    copies of a piece of `p` >= `min_period` characters all end in the text's last `min_period`
    characters, so the copy before the last must end in them too (`startswith` at an offset
    compares in place). Slicing every period up to 300 was a tenth of the web server's CPU
    for a long answer."""
    n = len(text)
    if n < min_period * copies:
        return None
    tail = text[n - min_period :]
    for p in range(min_period, min(MAX_PERIOD, n // copies) + 1):
        if not text.startswith(tail, n - min_period - p):
            continue
        piece = text[n - p :]
        if not piece.strip():
            continue
        if all(text[n - (k + 1) * p : n - k * p] == piece for k in range(1, copies)):
            return n - (copies - 1) * p
    return None


def has_loop(text: str, copies: int = 3, min_period: int = MIN_PERIOD) -> bool:
    """Whether any prefix of `text` ends in a loop (for measuring finished answers)."""
    step = max(1, min_period // 2)
    return any(
        loop_at(text[:end], copies, min_period) is not None
        for end in range(min_period * copies, len(text) + 1, step)
    )
