"""Migrations run once (`dltutor db upgrade`), not in every web worker; `serve --workers`
refuses what cannot work with several processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.config import get_settings, reset_settings
from dltutor.store.db import SchemaBehind, revisions
from dltutor.web.app import create_app

runner = CliRunner()


def test_db_upgrade_once_then_workers_only_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/one.db"
    monkeypatch.setenv("DLTUTOR_DATABASE_URL", url)
    reset_settings()
    res = runner.invoke(app, ["db", "upgrade"])
    assert res.exit_code == 0, res.output
    current, heads = revisions(url)
    assert current == heads and "newest" in res.output
    worker = get_settings().model_copy(update={"migrate_on_start": False, "backend": "none"})
    create_app(worker)  # the schema is current: the worker starts without migrating

    fresh = worker.model_copy(update={"database_url": f"sqlite:///{tmp_path}/never.db"})
    with pytest.raises(SchemaBehind, match="dltutor db upgrade"):
        create_app(fresh)  # never migrated: said at start, not by a failing first request
    assert revisions(fresh.db_url())[0] == set()  # and the worker did not migrate it itself


def test_serve_workers_refuses_the_embedded_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLTUTOR_BACKEND", "embedded")
    reset_settings()
    res = runner.invoke(app, ["serve", "--workers", "2", "--port", "1"])
    assert res.exit_code == 2
    assert "model server" in res.output and "模型服务" in res.output
