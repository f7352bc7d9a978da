"""Helpers the test modules import (conftest files are for fixtures; importing them by name is fragile)."""

from __future__ import annotations

import os
import socket

import pytest


def require_system_dependency(what: str) -> None:
    """Skip the calling test because ``what`` is missing — or fail it where CI requires it."""
    message = f"{what} is not available"
    if os.environ.get("POLICYKG_REQUIRE_SYSTEM_DEPS") == "1":
        pytest.fail(message + " (POLICYKG_REQUIRE_SYSTEM_DEPS=1)")
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
