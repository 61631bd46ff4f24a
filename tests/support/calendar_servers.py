"""Calendar servers on 127.0.0.1 for the watched-calendar tests: one that answers, one that
trickles, one that never answers. Each stops by itself within a bounded time."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta


def calendar(*events: str) -> bytes:
    """An iCalendar file holding these VEVENT bodies (property lines without BEGIN/END)."""
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n{body}"
            "END:VCALENDAR\r\n").encode()


def event(uid: str, start: datetime, *, hours: int = 2, extra: str = "") -> str:
    """A VEVENT's lines, starting at `start` (UTC)."""
    end = start + timedelta(hours=hours)
    return (f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{start:%Y%m%dT%H%M%SZ}\r\n"
            f"DTEND:{end:%Y%m%dT%H%M%SZ}\r\nSUMMARY:{uid}\r\n{extra}")


@dataclass
class Server:
    """What a test server saw: connections, request heads, and when each connection ended."""

    port: int
    requests: list[bytes] = field(default_factory=list)
    opened: threading.Event = field(default_factory=threading.Event)
    closed: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str = "/calendar.ics", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@contextmanager
def serving(answer: str, body: bytes = b"", *, pause: float = 0.5, limit: float = 10.0,
            tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    """A server on 127.0.0.1 (HTTPS with `tls`) that, to each connection, either
    - "calendar": answers 200 with `body` at once;
    - "trickle": sends its status line and headers one byte every `pause` seconds, then
      the body the same way (a server that is never silent long enough to time out);
    - "trickle-body": sends the headers at once and the body one byte every `pause` s;
    - "silent": reads the request and says nothing.
    Every connection ends after `limit` seconds at most, and the server with the block."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    server = Server(listener.getsockname()[1])
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        server.opened.set()
        ends = time.monotonic() + limit
        try:
            conn.settimeout(limit)
            if tls is not None:
                conn = tls.wrap_socket(conn, server_side=True)
            server.requests.append(conn.recv(4096))
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
            if answer == "calendar":
                conn.sendall(head + body)
            elif answer.startswith("trickle"):
                if answer == "trickle-body":
                    conn.sendall(head)
                for byte in head + body if answer == "trickle" else body:
                    if stop.is_set() or time.monotonic() > ends:
                        break
                    conn.sendall(bytes([byte]))
                    time.sleep(pause)
            else:
                stop.wait(max(0.0, ends - time.monotonic()))
        except OSError:
            pass  # the client hung up: what a deadline does
        finally:
            conn.close()
            server.closed.set()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        stop.set()
        acceptor.join(2)
        listener.close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port
