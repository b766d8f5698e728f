"""Posting a webhook without becoming a way into the deployment's own network (server-side request
forgery): the host is resolved once and every address it has must be public (not loopback, private,
link-local, multicast, reserved) unless private networks are allowed; the connection goes to the
address that was checked (no second lookup a DNS rebinding could change); redirects are not
followed; at most `RESPONSE_KEPT_BYTES` of the answer are read; the whole exchange has a deadline."""
import http.client
import ipaddress
import socket
import ssl
import urllib.parse

import eventlet

URL_MAX = 2048
TIMEOUT_SECONDS = 10
RESPONSE_KEPT_BYTES = 1024
DEFAULT_PORTS = {"https": 443, "http": 80}


class UrlRefused(ValueError):
    """Why a URL may not be a webhook's (a sentence for the partner)."""


def _public(address):
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def target(url, allow_private):
    """(scheme, host, port, path, address) of a URL a webhook may be posted to; else UrlRefused."""
    if len(url) > URL_MAX:
        raise UrlRefused(f"At most {URL_MAX} characters.")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused("Not a URL.") from None
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise UrlRefused("Must start with https://." if not allow_private else "Must be http:// or https://.")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise UrlRefused("Must name a host, and no user or password.")
    port = port or DEFAULT_PORTS[parts.scheme]
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UrlRefused("Its host does not resolve.") from None
    addresses = [info[4][0] for info in found]
    if not allow_private and not all(_public(address) for address in addresses):
        raise UrlRefused("Its host resolves to a loopback, private, link-local or multicast address.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path, addresses[0]


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP to the address that was checked, whatever the host's name resolves to now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTlsConnection(_PinnedConnection):
    def connect(self):
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def post(url, body, headers, allow_private):
    """POST `body` (bytes): answers (status or None, error text or None)."""
    try:
        scheme, host, port, path, address = target(url, allow_private)
    except UrlRefused as refused:
        return None, f"refused: {refused}"
    kind = _PinnedTlsConnection if scheme == "https" else _PinnedConnection
    connection = kind(host, port, address, TIMEOUT_SECONDS)
    try:
        with eventlet.Timeout(TIMEOUT_SECONDS, TimeoutError):
            connection.request("POST", path, body=body, headers={**headers, "User-Agent": "PartnerPortal-Webhooks/1"})
            response = connection.getresponse()
            response.read(RESPONSE_KEPT_BYTES)
            return response.status, None
    except (OSError, http.client.HTTPException, TimeoutError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    finally:
        connection.close()
