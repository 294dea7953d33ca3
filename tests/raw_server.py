"""A loopback HTTP/1.1 server for what the sandbox cannot do: record the exact bytes a client sent, and answer with
exact bytes (a gzip body, a Set-Cookie, a header in Latin-1). Keep-alive as httpcore expects it."""

from __future__ import annotations

import re
import socket
import threading
from typing import Callable

LENGTH = re.compile(rb"(?im)^content-length:\s*(\d+)\s*$")


def reply(status: int = 200, reason: bytes = b"OK", headers: list[tuple[bytes, bytes]] = (), body: bytes = b"{}",
          ) -> bytes:
    head = [b"HTTP/1.1 %d %s" % (status, reason), *(name + b": " + value for name, value in headers),
            b"Content-Length: %d" % len(body)]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class RawServer:
    """`answer(raw_request) -> raw_response`; every request's raw bytes are kept in `received`, in order."""

    def __init__(self, answer: Callable[[bytes], bytes] = lambda request: reply()):
        self.answer = answer
        self.received: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:  # closed
                return
            self._connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        buffer = b""
        with connection:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = self._recv(connection)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, rest = buffer.partition(b"\r\n\r\n")
                length = LENGTH.search(head)
                size = int(length.group(1)) if length else 0
                while len(rest) < size:
                    chunk = self._recv(connection)
                    if not chunk:
                        return
                    rest += chunk
                request, buffer = head + b"\r\n\r\n" + rest[:size], rest[size:]
                self.received.append(request)
                try:
                    connection.sendall(self.answer(request))
                except OSError:  # the client gave up waiting (a timeout test): nothing to answer
                    return

    @staticmethod
    def _recv(connection: socket.socket) -> bytes:
        try:
            return connection.recv(65536)
        except OSError:
            return b""

    def close(self) -> None:
        self._listener.close()
        for connection in self._connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
