"""Local file servers on 127.0.0.1 for the firmware and diagnostics transfer tests: an HTTP server in a
thread with a good image, a slow one, a huge one, a missing one, an HTML page and upload endpoints, and an
FTP server (pyftpdlib) in a thread over a temporary directory."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

IMAGE = b"\x7fELF-ocppsim-firmware-image" * 40


@dataclass
class HttpFiles:
    url: str
    uploads: dict[str, bytes] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)  # ends the slow responses


@contextmanager
def http_files() -> Iterator[HttpFiles]:
    files = HttpFiles("")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/octet-stream") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path
            try:
                if path.startswith("/fw/"):
                    self._send(200, IMAGE)
                elif path == "/slow.bin":
                    # Headers, a few bytes, then nothing until the test ends: a read timeout.
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(IMAGE)))
                    self.end_headers()
                    self.wfile.write(IMAGE[:10])
                    self.wfile.flush()
                    files.release.wait(10)
                elif path == "/huge-declared.bin":
                    self.send_response(200)
                    self.send_header("Content-Length", str(1 << 40))
                    self.end_headers()
                    self.wfile.write(b"x" * 1000)
                elif path == "/huge-streamed.bin":
                    # No length: the body just keeps coming (connection close ends it).
                    self.send_response(200)
                    self.end_headers()
                    chunk = b"y" * 65536
                    for _ in range(64):  # 4 MiB, far above the tests' cap
                        self.wfile.write(chunk)
                elif path == "/page.bin":
                    self._send(200, b"<!DOCTYPE html><html><body>Please log in</body></html>", "text/html")
                elif path == "/empty.bin":
                    self._send(200, b"")
                else:
                    self._send(404, b"not found", "text/plain")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up: what a bounded download does

        def do_PUT(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path.startswith("/form/"):
                self._send(405, b"")
            elif self.path.startswith("/upload/"):
                files.uploads[self.path] = body
                self._send(201, b"")
            else:
                self._send(403, b"forbidden", "text/plain")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path.startswith("/form/"):
                files.uploads[self.path] = body
                self._send(200, b"")
            else:
                self._send(405, b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    files.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield files
    finally:
        files.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def ftp_files(root: Path) -> Iterator[str]:
    """An FTP server over `root` (user `sim`, password `pw`); yields its base URL with credentials."""
    with warnings.catch_warnings():
        # pyftpdlib imports asyncore, deprecated in Python 3.11 (the suite runs with warnings as errors).
        warnings.simplefilter("ignore", DeprecationWarning)
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.handlers import FTPHandler
        from pyftpdlib.servers import FTPServer

    authorizer = DummyAuthorizer()
    authorizer.add_user("sim", "pw", str(root), perm="elradfmw")
    handler = type("Handler", (FTPHandler,), {"authorizer": authorizer, "auth_failed_timeout": 0.05})
    server = FTPServer(("127.0.0.1", 0), handler)
    port = server.address[1]
    running = threading.Event()
    running.set()

    def serve() -> None:
        while running.is_set():
            server.serve_forever(timeout=0.02, blocking=False, handle_exit=False)
        server.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"ftp://sim:pw@127.0.0.1:{port}"
    finally:
        running.clear()
        thread.join(5)
