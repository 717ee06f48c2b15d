"""The wire formats of the delivery channels and the sending itself.

Group robots (custom robots of a chat group, each vendor's documented text message):

- DingTalk (钉钉自定义机器人): POST {"msgtype": "text", "text": {"content": ...}, "at": {...}}.
  With signing ("加签") the URL gets `timestamp` (milliseconds) and
  `sign` = base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}")). Answer {"errcode": 0}.
- WeCom (企业微信群机器人): POST {"msgtype": "text", "text": {"content": ...,
  "mentioned_mobile_list": [...]}}; the key is in the URL, there is no signing. Answer {"errcode": 0}.
- Feishu (飞书自定义机器人): POST {"msg_type": "text", "content": {"text": ...}}; with signature
  checking ("签名校验") the body also carries `timestamp` (seconds, as a string) and
  `sign` = base64(HMAC-SHA256(key="{timestamp}\\n{secret}", msg=b"")). Answer {"code": 0}
  (older robots: {"StatusCode": 0}).

E-mail goes through Django's e-mail backend (SMTP at EMAIL_HOST:EMAIL_PORT by default).
"""

import base64
import hashlib
import hmac
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

TIMEOUT = 10  # seconds, for one HTTP request or SMTP conversation
WECOM_TEXT_BYTES = 2048  # WeCom's limit for a text message
TEXT_BYTES = 4000  # a notice is short; DingTalk and Feishu take more than this
MOBILE = re.compile(r"1\d{10}")


class DeliveryError(Exception):
    """The channel refused the message or could not be reached; the delivery is retried."""


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def truncate(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, never inside a character."""
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 3].decode(errors="ignore") + "..."


def with_query(url: str, **params: Any) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, str(v)) for k, v in params.items()]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def webhook_request(
    kind: str, url: str, secret: str, text: str, *, mobiles: list[str], at: datetime
) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body to POST to a group robot of `kind` (see the module docstring).
    `mobiles` are the people to @-mention where the vendor supports it by phone number."""
    mobiles = [m for m in mobiles if MOBILE.fullmatch(m)]
    if kind == "dingtalk":
        # A mention shows only when the text contains "@<mobile>" as well.
        content = text + "".join(f" @{m}" for m in mobiles)
        body: dict[str, Any] = {
            "msgtype": "text",
            "text": {"content": truncate(content, TEXT_BYTES)},
            "at": {"atMobiles": mobiles, "isAtAll": False},
        }
        if secret:
            timestamp = int(at.timestamp() * 1000)
            url = with_query(url, timestamp=timestamp, sign=dingtalk_sign(secret, timestamp))
        return url, body
    if kind == "wecom":
        message: dict[str, Any] = {"content": truncate(text, WECOM_TEXT_BYTES)}
        if mobiles:
            message["mentioned_mobile_list"] = mobiles
        return url, {"msgtype": "text", "text": message}
    if kind == "feishu":
        body = {"msg_type": "text", "content": {"text": truncate(text, TEXT_BYTES)}}
        if secret:
            timestamp = int(at.timestamp())
            body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **body}
        return url, body
    raise ValueError(f"not a group robot: {kind}")


def post_json(url: str, body: dict[str, Any]) -> None:
    """POST `body` to a robot; raises DeliveryError unless it answers 2xx with error code 0."""
    if not url.startswith(("https://", "http://")):
        raise DeliveryError(f"not an http(s) address: {redact_url(url)}")
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}: {exc.read(500).decode(errors='replace')}") from exc
    except (urllib.error.URLError, OSError) as exc:  # refused, DNS, timeout, TLS
        raise DeliveryError(f"{redact_url(url)}: {getattr(exc, 'reason', exc)}") from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return  # 2xx without JSON: nothing says it failed
    if isinstance(answer, dict):
        code = next(
            (answer[k] for k in ("errcode", "code", "StatusCode") if answer.get(k) is not None), 0
        )
        if code != 0:
            message = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage")
            raise DeliveryError(f"error {code}: {message}")


def send_email(to: list[str], *, subject: str, body: str) -> None:
    """One message through Django's e-mail backend; raises DeliveryError when it fails."""
    subject = " ".join(subject.split())[:200]  # no line breaks in a header
    try:
        connection = get_connection(timeout=TIMEOUT)
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, connection=connection).send()
    except (OSError, ValueError) as exc:  # smtplib.SMTPException is an OSError
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


def redact_url(url: str) -> str:
    """A webhook address without its credential (the token in the query or the last path
    segment), for logs and the audit trail: scheme, host and a short fingerprint."""
    if not url:
        return ""
    parts = urllib.parse.urlsplit(url)
    fingerprint = hashlib.sha256(url.encode()).hexdigest()[:8]
    return f"{parts.scheme}://{parts.netloc}/… ({fingerprint})"
