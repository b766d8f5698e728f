"""Webhook signatures as the Standard Webhooks reference library checks them, retries, switching an
endpoint off, and the addresses a webhook may not be posted to."""

import base64
import time

import pytest
from standardwebhooks import Webhook

from notifications.adapters.webhook_http import UrlRefused, target
from notifications.domain import webhooks as rules


def test_a_secret_is_whsec_and_at_least_24_random_bytes_each_time_new():
    first, second = rules.new_secret(), rules.new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first[len("whsec_") :])) >= 24


def test_the_reference_library_verifies_what_we_sign():
    secret, body, now = rules.new_secret(), b'{"type":"webhook.test","data":{"n":1}}', int(time.time())
    headers = rules.headers(secret, "msg_01", now, body)
    assert Webhook(secret).verify(body, headers) == {"type": "webhook.test", "data": {"n": 1}}
    with pytest.raises(Exception):  # noqa: B017 - the library's own error type
        Webhook(rules.new_secret()).verify(body, headers)
    with pytest.raises(Exception):  # noqa: B017
        Webhook(secret).verify(body + b" ", headers)


def test_retries_follow_the_delays_then_the_delivery_has_failed():
    delays = (5, 300, 1800)
    assert [rules.next_delay(n, delays) for n in (1, 2, 3, 4)] == [5, 300, 1800, None]
    assert rules.delivered(200) and rules.delivered(204) and not rules.delivered(302) and not rules.delivered(None)


def test_an_endpoint_is_switched_off_only_when_its_last_twenty_events_all_failed():
    assert rules.should_disable([False] * 20)
    assert not rules.should_disable([False] * 19)
    assert not rules.should_disable([False] * 19 + [True])
    assert rules.should_disable([False] * 20 + [True])  # older successes do not count


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://224.0.0.1/hook",
        "https://0.0.0.0/hook",
        "https://100.64.0.1/hook",
        "https://localhost/hook",
        "https://[2002:7f00:1::]/hook",
        "https://[fec0::1]/hook",
    ],
)
def test_addresses_inside_a_network_are_refused(url):
    with pytest.raises(UrlRefused, match="loopback, private"):
        target(url, allow_private=False)
    assert target(url.replace("https://", "http://"), allow_private=True)[0] == "http"


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://203.0.113.9/hook", "https://"),
        ("ftp://example.com/", "https://"),
        ("https://u:p@8.8.8.8/", "user"),
        ("https:///nohost", "host"),
        ("https://" + "a" * 2050, "2048"),
        ("https://8.8.8.8:99999/", "Not a URL"),
        ("https://no-such-host.invalid/", "resolve"),
        ("https://8.8.8.8/a b", "spaces"),
        ("https://8.8.8.8/\x7f", "control"),
        ("https://8.8.8.8:0/", "Port 0"),
    ],
)
def test_urls_that_are_not_a_public_https_endpoint_are_refused(url, reason):
    with pytest.raises(UrlRefused, match=reason):
        target(url, allow_private=False)


def test_a_public_address_is_posted_to_the_address_that_was_checked():
    assert target("https://8.8.8.8:8443/in?x=1", allow_private=False) == (
        "https",
        "8.8.8.8",
        8443,
        "/in?x=1",
        "8.8.8.8",
    )
