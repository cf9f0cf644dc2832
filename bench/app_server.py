"""Run the review app in this process on a free port (for the browser tests and the
benchmark), as `tracker serve` runs it: uvicorn over tracker.app.server.create_app."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_app(root: Path) -> Iterator[str]:
    """Serve the project at root on 127.0.0.1 and yield the app's address."""
    import uvicorn

    from tracker.app.server import create_app

    port = free_port()
    config = uvicorn.Config(create_app(root), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the review app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
