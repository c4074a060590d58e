"""The web app: server-rendered pages (Jinja2), a JSON API, SSE streaming; nothing from a CDN."""
