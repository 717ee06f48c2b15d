"""Real local receivers for tests: an HTTP server that answers like the DingTalk, WeCom and Feishu
group robots (checking signatures the way the vendors document them), and an SMTP server
(aiosmtpd). Both listen on 127.0.0.1 in a thread of the test process, so a web server or worker
started as a subprocess reaches them too.
"""

import base64
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str):
    """Poll `check` until it returns something truthy; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@dataclass
class Post:
    """One request a robot received, and whether its signature was valid."""

    kind: str  # dingtalk | wecom | feishu (the first path segment)
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    signature_ok: bool | None  # None: this robot was not set up with a secret

    @property
    def text(self) -> str:
        if self.kind == "feishu":
            return self.body["content"]["text"]
        return self.body["text"]["content"]


def dingtalk_signature_ok(secret: str, query: dict[str, str], now_ms: int) -> bool:
    """DingTalk's check: timestamp within an hour, sign = base64(HMAC-SHA256(secret,
    "timestamp\\nsecret"))."""
    timestamp = query.get("timestamp", "")
    if not timestamp.isdigit() or abs(now_ms - int(timestamp)) > 3600 * 1000:
        return False
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    return hmac.compare_digest(expected, query.get("sign", ""))


def feishu_signature_ok(secret: str, body: dict[str, Any], now_s: int) -> bool:
    """Feishu's check: timestamp (seconds) within an hour, sign = base64(HMAC-SHA256(key=
    "timestamp\\nsecret", msg=b""))."""
    timestamp = str(body.get("timestamp", ""))
    if not timestamp.isdigit() or abs(now_s - int(timestamp)) > 3600:
        return False
    expected = base64.b64encode(
        hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    return hmac.compare_digest(expected, str(body.get("sign", "")))


@dataclass
class WebhookReceiver:
    """Group robots at http://127.0.0.1:<port>/<kind>/<name>. `secrets` maps a path to the
    robot's signing secret; `answers` is a queue of (HTTP status, JSON) to give before the
    normal vendor answer (to make a robot fail a few times)."""

    secrets: dict[str, str] = field(default_factory=dict)
    answers: list[tuple[int, dict]] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    # Checking signatures against this clock lets tests that travel in time sign "now".
    clock: Any = time.time

    def __post_init__(self):
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                receiver._handle(self)

            def log_message(self, format, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path: str, **query: str) -> str:
        suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
        return f"http://127.0.0.1:{self.port}{path}{suffix}"

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urllib.parse.urlsplit(request.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"_raw": raw.decode(errors="replace")}
        kind = parts.path.strip("/").split("/")[0]
        secret = self.secrets.get(parts.path)
        now = self.clock()
        signature_ok = None
        if secret is not None and kind == "dingtalk":
            signature_ok = dingtalk_signature_ok(secret, query, int(now * 1000))
        elif secret is not None and kind == "feishu":
            signature_ok = feishu_signature_ok(secret, body, int(now))
        with self._lock:
            self.posts.append(Post(kind, parts.path, query, body, signature_ok))
            answer = self.answers.pop(0) if self.answers else None
        if answer is None:
            answer = (200, self._vendor_answer(kind, signature_ok))
        status, payload = answer
        data = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    @staticmethod
    def _vendor_answer(kind: str, signature_ok: bool | None) -> dict:
        if kind == "feishu":
            if signature_ok is False:
                return {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
            return {"code": 0, "msg": "success", "data": {}}
        if signature_ok is False:
            return {"errcode": 310000, "errmsg": "sign not match"}
        return {"errcode": 0, "errmsg": "ok"}

    def posts_to(self, path: str) -> list[Post]:
        with self._lock:
            return [p for p in self.posts if p.path == path]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class SmtpReceiver:
    """An SMTP server on 127.0.0.1 that keeps every message it is given."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()
        self.port = free_port()
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.original_content, policy=email_policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [
                m
                for m, (_sender, rcpts) in zip(self.messages, self.envelopes, strict=True)
                if address in rcpts
            ]

    def stop(self) -> None:
        self.controller.stop()


def body_text(message: EmailMessage) -> str:
    """The plain-text body with the wire's CRLF line ends back to "\n"."""
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
