"""Wire formats, signatures and sending, against real local receivers (no mocks)."""

import base64
import hashlib
import hmac
import urllib.parse
from datetime import UTC, datetime

import pytest

from notifications import channels
from notifications.channels import DeliveryError
from notifications.tests.receivers import SmtpReceiver, WebhookReceiver, body_text, free_port

AT = datetime(2026, 11, 3, 1, 0, 5, 250000, tzinfo=UTC)  # 09:00:05.25 in Shanghai
AT_MS = 1793667605250
SECRET = "SEC0123456789abcdef"


@pytest.fixture
def robots():
    receiver = WebhookReceiver(
        secrets={"/dingtalk/a": SECRET, "/feishu/a": SECRET}, clock=lambda: AT.timestamp()
    )
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp(settings):
    receiver = SmtpReceiver()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", receiver.port
    settings.DEFAULT_FROM_EMAIL = "crewdesk@example.cn"
    yield receiver
    receiver.stop()


def test_the_timestamps_are_what_the_vendors_expect():
    assert int(AT.timestamp() * 1000) == AT_MS


def test_dingtalk_signs_timestamp_and_secret_with_the_secret():
    # DingTalk: stringToSign = timestamp + "\n" + secret; HmacSHA256 keyed with the secret; Base64.
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{AT_MS}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert channels.dingtalk_sign(SECRET, AT_MS) == expected
    assert (
        channels.dingtalk_sign(SECRET, AT_MS) == "PvIun2k4IthEZr47ty4fIm1A1Hhfme7Ybp2uaXgri0Y="
    )  # by openssl dgst -hmac


def test_feishu_signs_an_empty_message_keyed_with_timestamp_and_secret():
    # Feishu: key = timestamp + "\n" + secret, HmacSHA256 over empty data, Base64.
    ts = AT_MS // 1000
    expected = base64.b64encode(
        hmac.new(f"{ts}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert channels.feishu_sign(SECRET, ts) == expected
    assert (
        channels.feishu_sign(SECRET, ts) == "o+WLZuXFfyEil/L04H07ZZov9c7FBpJJ8NCtFXIo3uQ="
    )  # by openssl dgst -hmac


def test_dingtalk_text_with_signature_in_the_query_and_a_mention():
    url, body = channels.webhook_request(
        "dingtalk",
        "https://oapi.dingtalk.com/robot/send?access_token=abc",
        SECRET,
        "工单 WO1 客户未联系",
        mobiles=["13512341203", "0755-1234567"],
        at=AT,
    )
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query == {
        "access_token": "abc",
        "timestamp": str(AT_MS),
        "sign": channels.dingtalk_sign(SECRET, AT_MS),
    }
    assert "sign=" + urllib.parse.quote_plus(query["sign"]) in url  # '+' and '/' are escaped
    assert body == {
        "msgtype": "text",
        "text": {"content": "工单 WO1 客户未联系 @13512341203"},
        "at": {"atMobiles": ["13512341203"], "isAtAll": False},
    }


def test_dingtalk_without_secret_keeps_the_url():
    url, _body = channels.webhook_request(
        "dingtalk", "https://x.example/robot/send?access_token=t", "", "hi", mobiles=[], at=AT
    )
    assert url == "https://x.example/robot/send?access_token=t"


def test_wecom_text_mentions_by_mobile_and_is_cut_to_2048_bytes():
    url, body = channels.webhook_request(
        "wecom",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "",
        "超时" * 2000,
        mobiles=["13512341203"],
        at=AT,
    )
    assert url == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    assert body["msgtype"] == "text"
    assert body["text"]["mentioned_mobile_list"] == ["13512341203"]
    assert len(body["text"]["content"].encode()) <= 2048
    assert body["text"]["content"].endswith("超...")


def test_feishu_text_carries_timestamp_and_sign_in_the_body():
    url, body = channels.webhook_request(
        "feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/x", SECRET, "hi", mobiles=[], at=AT
    )
    ts = AT_MS // 1000
    assert url == "https://open.feishu.cn/open-apis/bot/v2/hook/x"
    assert body == {
        "timestamp": str(ts),
        "sign": channels.feishu_sign(SECRET, ts),
        "msg_type": "text",
        "content": {"text": "hi"},
    }


def test_feishu_without_secret_has_no_signature():
    _url, body = channels.webhook_request("feishu", "https://f/x", "", "hi", mobiles=[], at=AT)
    assert body == {"msg_type": "text", "content": {"text": "hi"}}


@pytest.mark.parametrize("kind", ["dingtalk", "feishu"])
def test_a_signed_post_is_accepted_by_the_robot(robots, kind):
    url, body = channels.webhook_request(
        kind, robots.url(f"/{kind}/a"), SECRET, "签名测试", mobiles=[], at=AT
    )
    channels.post_json(url, body)
    [post] = robots.posts_to(f"/{kind}/a")
    assert post.signature_ok is True and post.text == "签名测试"


@pytest.mark.parametrize("kind", ["dingtalk", "feishu"])
def test_a_wrong_secret_is_refused_by_the_robot(robots, kind):
    url, body = channels.webhook_request(
        kind, robots.url(f"/{kind}/a"), "wrong", "x", mobiles=[], at=AT
    )
    with pytest.raises(DeliveryError, match="error (310000|19021)"):
        channels.post_json(url, body)


def test_http_errors_and_unreachable_robots_raise(robots):
    robots.answers.append((500, {"error": "busy"}))
    with pytest.raises(DeliveryError, match="HTTP 500"):
        channels.post_json(robots.url("/wecom/a"), {"msgtype": "text"})
    robots.answers.append((200, {"errcode": 45009, "errmsg": "api freq out of limit"}))
    with pytest.raises(DeliveryError, match="45009: api freq out of limit"):
        channels.post_json(robots.url("/wecom/a"), {"msgtype": "text"})
    with pytest.raises(DeliveryError, match="127.0.0.1"):
        channels.post_json(f"http://127.0.0.1:{free_port()}/wecom/x", {})
    with pytest.raises(DeliveryError, match="not an http"):
        channels.post_json("file:///etc/passwd", {})


def test_an_old_style_feishu_answer_counts_as_success(robots):
    robots.answers.append((200, {"Extra": None, "StatusCode": 0, "StatusMessage": "success"}))
    channels.post_json(robots.url("/feishu/b"), {"msg_type": "text"})


def test_mail_goes_over_smtp_in_utf8(smtp):
    channels.send_email(
        ["a@example.cn", "b@example.cn"], subject="工单\n超时", body="请尽快联系客户"
    )
    [message] = smtp.messages
    assert smtp.envelopes == [("crewdesk@example.cn", ["a@example.cn", "b@example.cn"])]
    assert message["Subject"] == "工单 超时"
    assert body_text(message).strip() == "请尽快联系客户"


def test_an_unreachable_mail_server_raises(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    with pytest.raises(DeliveryError, match="ConnectionRefusedError"):
        channels.send_email(["a@example.cn"], subject="s", body="b")


def test_redacted_urls_keep_no_token():
    redacted = channels.redact_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET")
    assert "SECRET" not in redacted and redacted.startswith("https://qyapi.weixin.qq.com/")
