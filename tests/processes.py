"""Waiting for forked test processes without hanging the suite."""

from __future__ import annotations

import os
import signal
import time

import pytest


def wait_for(pid: int, timeout: float = 60) -> int:
    """Return a forked process's exit code; kill it and fail the test if it takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail(f"process {pid} did not finish in {timeout} s")
