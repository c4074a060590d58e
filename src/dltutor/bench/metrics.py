"""Figures from request records: percentiles, throughput, goodput under SLOs, errors by kind."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from dltutor.bench.runner import RequestRecord

PCTS = (50, 90, 99)
_UNITS = {"ms": 1e-3, "s": 1.0, "": 1.0}


def parse_slo(text: str | None) -> dict[str, float]:
    """`ttft=2s,tpot=100ms,e2e=30s` -> {"ttft": 2.0, "tpot": 0.1, "e2e": 30.0} (seconds)."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        m = re.fullmatch(r"(ttft|tpot|itl|e2e)\s*[=<]=?\s*([0-9.]+)\s*(ms|s)?", part)
        if not m:
            raise ValueError(f"bad SLO {part!r}: use e.g. ttft=2s,tpot=100ms,e2e=30s")
        out[m.group(1)] = float(m.group(2)) * _UNITS[m.group(3) or ""]
    return out


def percentiles(values: Iterable[float | None]) -> dict[str, float | None]:
    xs = np.array([v for v in values if v is not None], dtype=float)
    if xs.size == 0:
        empty: dict[str, float | None] = {f"p{p}": None for p in PCTS}
        return empty | {"mean": None}
    out: dict[str, float | None] = {f"p{p}": float(np.percentile(xs, p)) for p in PCTS}
    out["mean"] = float(xs.mean())
    return out


def meets(r: RequestRecord, slo: dict[str, float]) -> bool:
    if not r.ok:
        return False
    checks = {
        "ttft": r.ttft_s,
        "tpot": r.tpot_s,
        "e2e": r.e2e_s,
        "itl": max(r.itl_s) if r.itl_s else None,
    }
    return all(checks[k] is not None and checks[k] <= limit for k, limit in slo.items())  # type: ignore[operator]


def summarize(records: list[RequestRecord], slo: dict[str, float] | None = None) -> dict[str, Any]:
    """Summary of the measured (non-warm-up) requests of one level."""
    slo = slo or {}
    rs = [r for r in records if r.phase == "measure"]
    if not rs:
        return {"requests": 0}
    start = min(r.start_s for r in rs)
    end = max(r.start_s + r.e2e_s for r in rs)
    span = max(end - start, 1e-9)
    ok = [r for r in rs if r.ok]
    out_tokens = sum(r.output_tokens or 0 for r in ok)
    good = [r for r in rs if meets(r, slo)]
    return {
        "level": rs[0].level,
        "requests": len(rs),
        "completed": len(ok),
        "truncated": sum(r.status == "truncated" for r in rs),
        "failed": len(rs) - len(ok),
        "errors": dict(Counter(r.error_kind for r in rs if not r.ok)),
        "duration_s": span,
        "request_throughput": len(ok) / span,
        "output_token_throughput": out_tokens / span,
        "output_tokens": out_tokens,
        "input_tokens": sum(r.input_tokens or 0 for r in ok),
        "reasoning_tokens": sum(r.reasoning_tokens or 0 for r in ok),
        "tokens_source": sorted({r.tokens_source for r in ok}),
        "ttft_s": percentiles(r.ttft_s for r in ok),
        "ttft_answer_s": percentiles(r.ttft_answer_s for r in ok),
        "ttft_server_s": percentiles(r.ttft_server_s for r in ok),
        "tpot_s": percentiles(r.tpot_s for r in ok),
        "itl_s": percentiles(x for r in ok for x in r.itl_s),
        "e2e_s": percentiles(r.e2e_s for r in ok),
        "queue_s": percentiles(r.queue_s for r in rs),
        "generation_s": percentiles(r.generation_s for r in ok),
        "slo": slo,
        "goodput": len(good) / span,
        "goodput_fraction": len(good) / len(rs),
    }


# ---- SLOs at a quantile (the capacity search) ---------------------------------------------------


def slo_value(r: RequestRecord, metric: str) -> float | None:
    """A request's figure for an SLO metric; +inf when it failed (it never got its answer), None
    when the figure does not exist for it (TPOT of a one-token answer)."""
    if not r.ok:
        return math.inf
    if metric == "itl":
        return max(r.itl_s) if r.itl_s else None
    value: float | None = {"ttft": r.ttft_s, "tpot": r.tpot_s, "e2e": r.e2e_s}[metric]
    return value


def quantile(values: list[float], q: float) -> float | None:
    """The smallest value with at least q of the values at or below it (numpy's inverted_cdf),
    so that "the q-quantile meets the limit" means "at least q of the requests meet it"."""
    if not values:
        return None
    return float(np.quantile(np.array(values), q, method="inverted_cdf"))


def verdict(records: list[RequestRecord], slo: dict[str, float], q: float) -> dict[str, Any]:
    """Whether the q-quantile of every SLO metric is within its limit, over measured requests.
    `margin` is the worst quantile / limit - 1 (<= 0: met)."""
    rs = [r for r in records if r.phase == "measure"]
    out: dict[str, Any] = {"quantile": q, "requests": len(rs), "metrics": {}}
    worst = -math.inf
    for metric, limit in slo.items():
        values = [v for v in (slo_value(r, metric) for r in rs) if v is not None]
        value = quantile(values, q)
        met = sum(v <= limit for v in values)
        margin = math.inf if value is None else value / limit - 1 if limit > 0 else math.inf
        worst = max(worst, margin)
        out["metrics"][metric] = {
            "limit": limit,
            "value": None if value is None or math.isinf(value) else value,
            "met_fraction": met / len(values) if values else None,
            "margin": None if math.isinf(margin) else margin,
        }
    out["ok"] = bool(rs) and worst <= 0
    out["margin"] = None if math.isinf(worst) else worst
    return out


def lost(records: list[RequestRecord], slo: dict[str, float], q: float, planned: int) -> bool:
    """True once a level of `planned` measured requests can no longer meet the SLO: more than
    (1 - q) x planned of them have already missed a limit (so the search can stop it early)."""
    allowed = (1 - q) * planned
    rs = [r for r in records if r.phase == "measure"]
    for metric, limit in slo.items():
        missed = sum(1 for r in rs if (v := slo_value(r, metric)) is not None and v > limit)
        if missed > allowed:
            return True
    return False
