"""Run the emulator: in the foreground (`gu1lint emulator`) or in a thread (tests)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from gu1lint.emulator.state import SCOPES, EmulatorState
from gu1lint.errors import UsageError

DEFAULT_ORG = "default"


def parse_tokens(values: list[str]) -> dict[str, tuple[str, frozenset[str]]]:
    """`TOKEN`, `TOKEN@ORG`, or `TOKEN@ORG=scope,scope` (an empty list gets 403 everywhere)."""
    tokens: dict[str, tuple[str, frozenset[str]]] = {}
    for raw in values:
        spec, has_scopes, scope_text = raw.partition("=")
        token, _, org = spec.partition("@")
        if not token.strip():
            raise UsageError("--token needs a value (TOKEN, TOKEN@ORG or TOKEN@ORG=scope,...)")
        scopes = frozenset(s.strip() for s in scope_text.split(",") if s.strip())
        unknown = scopes - SCOPES
        if unknown:
            raise UsageError(
                f"unknown scope {sorted(unknown)[0]!r} (known: {', '.join(sorted(SCOPES))})"
            )
        tokens[token.strip()] = (org.strip() or DEFAULT_ORG, scopes if has_scopes else SCOPES)
    return tokens


def _server(state: EmulatorState, host: str, port: int, access_log: bool) -> Any:
    import uvicorn

    from gu1lint.emulator.app import build_app

    config = uvicorn.Config(
        build_app(state),
        host=host,
        port=port,
        access_log=access_log,
        log_level="warning" if not access_log else "info",
        lifespan="off",
    )
    return uvicorn.Server(config)


def serve(state: EmulatorState, host: str, port: int) -> None:
    """Serve until interrupted."""
    _server(state, host, port, access_log=True).run()


class EmulatorThread:
    """The emulator on a free loopback port in a background thread; a context manager."""

    def __init__(self, state: EmulatorState, start_timeout: float = 10.0) -> None:
        self.state, self.start_timeout = state, start_timeout
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = _server(state, "127.0.0.1", self.port, access_log=False)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> EmulatorThread:
        self.thread.start()
        deadline = time.monotonic() + self.start_timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                self.stop()
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Ask uvicorn to exit and wait a bounded time for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
