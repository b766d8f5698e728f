"""How many sign-ins (and sign-ups) a gateway takes: per client address, and in all.

Each costs identity a 64 MiB argon2id hash, for any email, known or not: a flood of them would
slow every real sign-in. Past either bound the gateway answers 429 with Retry-After itself, before
identity hashes anything. The client's address is the connection's, unless the connection comes
from a proxy named in `TRUSTED_PROXIES`: then the nearest address in `X-Forwarded-For` that is not
a trusted proxy (anything a client writes there itself is further left, and never counts).
"""

import ipaddress
import math
import time

from cachetools import TTLCache
from nameko.extensions import DependencyProvider

from portal_common.errors import RateLimited

PER_ADDRESS_PER_MINUTE = 20
PER_SECOND = 50  # in all, per gateway
ADDRESSES_REMEMBERED = 100_000
PER_ADDRESS_CONFIG_KEY = "SIGN_IN_PER_ADDRESS_PER_MINUTE"
PER_SECOND_CONFIG_KEY = "SIGN_IN_PER_SECOND"
PROXIES_CONFIG_KEY = "TRUSTED_PROXIES"


class Bucket:
    """A token bucket: `size` at once, refilled at `rate` a second."""

    def __init__(self, size, rate, now):
        self.size, self.rate, self.tokens, self.at = size, rate, float(size), now

    def take(self, now):
        """0 when a token was taken, else the seconds until one is there."""
        self.tokens = min(self.size, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return max(1, math.ceil((1 - self.tokens) / self.rate))


class SignInLimits:
    def __init__(self, per_address_per_minute, per_second, trusted_proxies, timer=time.monotonic):
        self.per_address, self.per_second, self.timer = per_address_per_minute, per_second, timer
        self.trusted = [ipaddress.ip_network(proxy.strip(), strict=False) for proxy in trusted_proxies if proxy.strip()]
        self.addresses = TTLCache(ADDRESSES_REMEMBERED, 60, timer)  # a bucket refills in a minute
        self.all = Bucket(per_second, per_second, timer())

    def admit(self, request):
        """Take one sign-in of the request's client, or raise 429."""
        now = self.timer()
        address = self.client_address(request)
        bucket = self.addresses.get(address) or Bucket(self.per_address, self.per_address / 60, now)
        self.addresses[address] = bucket
        wait = bucket.take(now)
        if wait:
            raise RateLimited.retry_after(wait, "Too many sign-ins from your address: try again later.")
        wait = self.all.take(now)
        if wait:
            raise RateLimited.retry_after(wait, "Too many sign-ins at the moment: try again shortly.")

    def client_address(self, request):
        peer = request.remote_addr or ""
        if not self._trusted(peer):
            return peer
        forwarded = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
        for hop in reversed(forwarded):
            if not self._trusted(hop):
                return hop
        return peer

    def _trusted(self, address):
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)


class SignInLimiter(DependencyProvider):
    def setup(self):
        config = self.container.config
        proxies = config.get(PROXIES_CONFIG_KEY) or ""
        self.limits = SignInLimits(
            int(config.get(PER_ADDRESS_CONFIG_KEY, PER_ADDRESS_PER_MINUTE)),
            int(config.get(PER_SECOND_CONFIG_KEY, PER_SECOND)),
            proxies.split(",") if isinstance(proxies, str) else list(proxies),
        )

    def get_dependency(self, worker_ctx):
        return self.limits
