"""Sign-ins a gateway takes: per client address (behind trusted proxies only, the forwarded one),
and in all."""

import pytest

from portal_common.errors import RateLimited

from gateway.limits import SignInLimits


class Request:
    def __init__(self, peer, forwarded=None):
        self.remote_addr = peer
        self.headers = {"X-Forwarded-For": forwarded} if forwarded else {}


def limits(per_address=3, per_second=100, proxies=("10.0.0.0/8",)):
    clock = [1000.0]
    return SignInLimits(per_address, per_second, proxies, timer=lambda: clock[0]), clock


def test_an_address_gets_its_share_a_minute_and_no_more():
    limiter, clock = limits()
    for _ in range(3):
        limiter.admit(Request("203.0.113.5"))
    with pytest.raises(RateLimited) as refused:
        limiter.admit(Request("203.0.113.5"))
    assert 1 <= refused.value.retry_after_seconds <= 20
    limiter.admit(Request("203.0.113.6"))  # another address is not held back
    clock[0] += 20  # a minute's share refills in a minute
    limiter.admit(Request("203.0.113.5"))


def test_behind_a_trusted_proxy_the_forwarded_client_counts_and_what_a_client_forged_does_not():
    limiter, _ = limits(proxies=("10.0.0.0/8", "192.0.2.1"))
    assert limiter.client_address(Request("10.1.2.3", "198.51.100.7")) == "198.51.100.7"
    # The client wrote an address itself; the proxies appended the one they saw.
    assert limiter.client_address(Request("10.1.2.3", "1.2.3.4, 198.51.100.7, 192.0.2.1")) == "198.51.100.7"
    # Not from a trusted proxy: the header is the client's own words, and ignored.
    assert limiter.client_address(Request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"
    assert limiter.client_address(Request("10.1.2.3", "not an address")) == "not an address"


def test_in_all_a_gateway_takes_its_share_a_second():
    limiter, clock = limits(per_address=100, per_second=5)
    for n in range(5):
        limiter.admit(Request(f"203.0.113.{n}"))
    with pytest.raises(RateLimited):
        limiter.admit(Request("203.0.113.99"))
    clock[0] += 1
    limiter.admit(Request("203.0.113.99"))
