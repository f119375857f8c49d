"""Shared fixtures for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.store import Store


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'test.db'}")
