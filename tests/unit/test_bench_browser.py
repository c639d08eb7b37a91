"""The benchmark's static server: a browser that leaves with fetches still running is no error."""

from __future__ import annotations

import functools
import http.server
import socket
import struct
import threading
import time
from pathlib import Path

import pytest

from bench.browser import _QuietHandler


def test_a_client_that_leaves_mid_response_prints_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "big.json").write_bytes(b"x" * 20_000_000)
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for _ in range(3):
            client = socket.create_connection(server.server_address)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
            client.sendall(b"GET /big.json HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1024)
            client.close()
        time.sleep(0.5)
    finally:
        server.shutdown()
        server.server_close()
    assert capfd.readouterr().err == ""
