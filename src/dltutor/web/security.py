"""Transport security: the session cookie's `Secure` flag by the request's real scheme, a
reverse proxy's X-Forwarded-Proto believed only from a configured proxy, a loud warning when
accounts go over plain HTTP, and the security headers every response carries."""

from __future__ import annotations

import logging
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dltutor.config import Settings

log = logging.getLogger("dltutor.web")

# No inline script or style attribute anywhere (scripts are static files; JSON data sits in
# <script type="application/json">, which is not run), no framing, no plugins.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP response (a route may set its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in HEADERS.items():
                    headers.setdefault(k, v)
            await send(message)

        await self.app(scope, receive, with_headers)


class Sessions:
    """Starlette's signed-cookie sessions, with `Secure` when the request came over HTTPS.

    It used to be `Secure` whenever the server did not listen on loopback, so on a class
    install at http://tutor.lan the browser dropped the cookie and nobody could sign in (403,
    CSRF token missing). A cookie set over HTTPS is always `Secure`; over plain HTTP it cannot
    be, and `plain_http_warning` says so at start."""

    def __init__(self, app: ASGIApp, *, secret_key: str, session_cookie: str, max_age: int) -> None:
        options: dict[str, Any] = {
            "secret_key": secret_key,
            "session_cookie": session_cookie,
            "max_age": max_age,
            "same_site": "lax",
        }
        self.secure = SessionMiddleware(app, https_only=True, **options)
        self.plain = SessionMiddleware(app, https_only=False, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        https = scope.get("scheme") in ("https", "wss")
        await (self.secure if https else self.plain)(scope, receive, send)


def trusted_proxies(settings: Settings) -> list[str]:
    return [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]


def plain_http_warning(settings: Settings, *, tls: bool = False) -> str | None:
    """The warning for accounts served over plain HTTP, or None (loopback, TLS, a proxy)."""
    from dltutor.web.deps import single_user

    if single_user(settings) or tls or trusted_proxies(settings):
        return None
    if settings.host in ("127.0.0.1", "localhost", "::1"):
        return None
    return (
        f"WARNING: accounts are served over plain HTTP on {settings.host}:{settings.port}: "
        "passwords and session cookies cross the network unencrypted. Put a TLS proxy in "
        "front (README, 'TLS': Caddy or nginx) and set DLTUTOR_TRUSTED_PROXIES to its address. "
        "| 警告：账号通过未加密的 HTTP 提供，密码和会话 cookie 在网络上明文传输。"
        "请在前面加一个 TLS 反向代理（见 README 的 TLS 一节），并设置 DLTUTOR_TRUSTED_PROXIES。"
    )
