"""deploy/ read against the code it deploys. No Docker engine runs where the tests run, so the
compose file, the Dockerfile and nginx.conf are never started here (the same topology runs as
processes in tests/scale/); what can drift from the code is checked instead: every command a
container runs parses with the real CLI, every DLTUTOR_ variable is a setting, the proxy is the
one trusted, and the timeouts nginx and dltutor keep are in the order that loses no request."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from dltutor.cli import app
from dltutor.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def compose() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return doc


def argv(command: list[str]) -> list[str]:
    """A container's command as dltutor's arguments, `${VAR:-default}` taken at its default."""
    if command[:2] == ["sh", "-c"]:
        command = shlex.split(command[2].removeprefix("exec "))
    words = [re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", w) for w in command]
    assert words[0] == "dltutor", command
    return words[1:]


def dltutor_commands() -> list[tuple[str, list[str]]]:
    out = [
        (name, argv(s["command"]))
        for name, s in compose()["services"].items()
        if "command" in s and "dltutor" in " ".join(s["command"])
    ]
    cmd = re.search(r"^CMD (\[.*\])$", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert cmd, "the Dockerfile has no CMD"
    return out + [("Dockerfile CMD", argv(yaml.safe_load(cmd.group(1))))]


def test_every_container_command_parses_with_the_cli() -> None:
    commands = dltutor_commands()
    assert {name for name, _ in commands} >= {"migrate", "web", "grader", "Dockerfile CMD"}
    cli = typer.main.get_command(app)
    for name, args in commands:
        # down the command groups to the command, whose options click then parses as a run
        # would (an unknown option or a bad value fails here), without running it
        cmd: Any = cli
        rest, parent = list(args), None
        while hasattr(cmd, "resolve_command"):  # a group (typer brings its own click)
            parent = cmd.context_class(cmd, info_name="dltutor", parent=parent)
            _, found, rest = cmd.resolve_command(parent, rest)
            assert found is not None, f"{name}: {args}"
            cmd = found
        with cmd.make_context(cmd.name, rest, parent=parent) as ctx:
            assert ctx.command is cmd


def test_every_dltutor_variable_is_a_setting() -> None:
    fields = {f"DLTUTOR_{k.upper()}" for k in Settings.model_fields}
    env = compose()["x-dltutor"]["environment"]
    named = set(env) | set(
        re.findall(r"^(DLTUTOR_\w+)=", (DEPLOY / "env.example").read_text(), re.M)
    )
    named |= set(re.findall(r"\b(DLTUTOR_\w+)=", (DEPLOY / "Dockerfile").read_text()))
    assert named and named <= fields, named - fields


def test_the_proxy_is_the_address_the_web_trusts() -> None:
    services = compose()["services"]
    proxy = services["proxy"]["networks"]["dltutor"]["ipv4_address"]
    trusted = compose()["x-dltutor"]["environment"]["DLTUTOR_TRUSTED_PROXIES"]
    assert trusted == proxy


def test_nginx_closes_idle_upstream_connections_before_dltutor_does() -> None:
    """Otherwise a question posted on a connection dltutor is closing gets nginx's 502."""
    conf = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"upstream dltutor \{(.*?)\}", conf, re.S)
    assert upstream and "keepalive " in upstream.group(1)
    m = re.search(r"keepalive_timeout (\d+)s;", upstream.group(1))
    nginx_s = int(m.group(1)) if m else 60  # nginx's default
    assert nginx_s < Settings().keep_alive_s


@pytest.mark.parametrize("extra", ["postgres"])
def test_the_image_installs_extras_that_exist(extra: str) -> None:
    project = tomllib.loads((DEPLOY.parent / "pyproject.toml").read_text())["project"]
    assert f'"/src[{extra}]"' in (DEPLOY / "Dockerfile").read_text()
    assert extra in project["optional-dependencies"]
