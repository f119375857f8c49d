"""Shared fixtures for the tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from parallax.store import Store

if TYPE_CHECKING:
    from tests.web import LiveServer


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'test.db'}")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus analysed once (the CLI, in this process) for the web tests; copy it before writing."""
    from typer.testing import CliRunner

    from parallax.cli import app
    from tests.pages import EXAMPLES

    db = tmp_path_factory.mktemp("web") / "demo.db"
    result = CliRunner().invoke(app, ["analyze", str(EXAMPLES), "--db", str(db), "--quiet", "--workers", "0"])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def live_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`parallax serve`'s app over a copy of the demo store, in a thread on a free loopback port, with a write
    token (reads open to loopback clients, the default)."""
    from tests.web import LiveServer, start_server

    db = tmp_path_factory.mktemp("live") / "live.db"
    shutil.copy(demo_db, db)
    server = start_server(db, token=LiveServer.TOKEN)
    yield server
    server.stop()
