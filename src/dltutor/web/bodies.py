"""Request bodies: a size cap per route, JSON that Python accepts but JSON does not, and
validation errors that never echo what was sent.

- A body over its route's cap is refused with 413 before it is read to the end (a 10 MB
  "question" was read whole, validated, and then echoed back whole in the 422).
- `NaN`, `Infinity` and lone UTF-16 surrogates (`"\\ud800"`) are valid to Python's json
  module but not JSON: they made FastAPI's 422 handler (which renders the input back) or the
  database fail with a 500. They are a 422 here, with a message that says what is wrong.
- A 422 says where and what (type, location, message), never the input itself.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
DEFAULT_MAX_BODY = 64 * KIB  # the longest form or JSON field (8,000 characters) fits, escaped
# Routes that take more: (method, path pattern, bytes).
MAX_BODY: list[tuple[str, re.Pattern[str], int]] = [
    ("POST", re.compile(r"^/api/exercises/[^/]+/submissions$"), 1024 * KIB),  # code: 100,000
]


def max_body(method: str, path: str) -> int:
    for m, pattern, limit in MAX_BODY:
        if m == method and pattern.match(path):
            return limit
    return DEFAULT_MAX_BODY


class BodyGuard:
    """ASGI middleware: caps the body, then checks a JSON body before the app parses it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        limit = max_body(scope["method"], scope["path"])
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, _too_large(limit))
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await _refuse(send, 413, _too_large(limit))
                return
        if headers.get(b"content-type", b"").split(b";")[0].strip() == b"application/json":
            problem = _json_problem(bytes(body))
            if problem:
                detail = [{"type": "json_invalid", "loc": ["body"], "msg": problem}]
                await _refuse(send, 422, {"detail": detail})
                return
        await self.app(scope, _replay(bytes(body), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: only a disconnect

    return again


def _too_large(limit: int) -> dict[str, Any]:
    kib = limit // KIB
    return {
        "detail": f"request body too large: at most {kib} KiB here "
        f"| 提交的内容太大：这里最多 {kib} KiB"
    }


async def _refuse(send: Send, status: int, content: dict[str, Any]) -> None:
    # Connection: close, so that a client still sending the rest is not read any further.
    response = JSONResponse(content, status_code=status, headers={"Connection": "close"})
    await send({"type": "http.response.start", "status": status, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number | {name} 不是 JSON 数字")


def _json_problem(body: bytes) -> str | None:
    """What makes a JSON body unacceptable, or None (malformed JSON is left to FastAPI)."""
    try:
        value = json.loads(body, parse_constant=_not_json)
    except ValueError as e:
        return str(e) if "JSON number" in str(e) else None
    if _has_lone_surrogate(value):
        return (
            "text contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not a character "
            "| 文本中有单独的 UTF-16 代理项（\\ud800-\\udfff），它不是字符"
        )
    return None


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 with where and what, without the input (which may be megabytes, NaN, or text that
    cannot be encoded)."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = [
        {
            "type": str(e.get("type", "")),
            "loc": [_short(part) for part in e.get("loc", ())],
            "msg": _short(e.get("msg", ""), 300),
        }
        for e in errors[:20]
    ]
    return JSONResponse({"detail": detail}, status_code=422)


def _short(value: Any, limit: int = 100) -> str | int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[:limit] + "…"
