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
BODY_READ_SECONDS = 1  # after the status: the answer's body matters little
DEFAULT_PORTS = {"https": 443, "http": 80}


class UrlRefused(ValueError):
    """Why a URL may not be a webhook's (a sentence for the partner)."""


def _public(address):
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6:
        if ip.is_site_local:
            return False
        # An IPv4 address inside an IPv6 one (mapped, 6to4, Teredo) is judged as itself.
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            ip = inner
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def target(url, allow_private):
    """(scheme, host, port, path, address) of a URL a webhook may be posted to; else UrlRefused."""
    if len(url) > URL_MAX:
        raise UrlRefused(f"At most {URL_MAX} characters.")
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise UrlRefused("No spaces or control characters: encode them.")
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
    if port == 0:
        raise UrlRefused("Port 0 is no port.")
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


_TLS = ssl.create_default_context()  # the system's trusted authorities; the name checked is the URL's host


class _PinnedTlsConnection(_PinnedConnection):
    def connect(self):
        super().connect()
        self.sock = _TLS.wrap_socket(self.sock, server_hostname=self.host)


def post(url, body, headers, allow_private):
    """POST `body` (bytes) within `TIMEOUT_SECONDS` from the lookup to the answer's status line and
    headers: answers (status or None, error text or None). The answer's body is read, at most
    `RESPONSE_KEPT_BYTES` of it, only while the deadline lasts: a 2xx in time is delivered."""
    connection = None
    try:
        with eventlet.Timeout(TIMEOUT_SECONDS, TimeoutError):
            scheme, host, port, path, address = target(url, allow_private)
            kind = _PinnedTlsConnection if scheme == "https" else _PinnedConnection
            connection = kind(host, port, address, TIMEOUT_SECONDS)
            connection.request("POST", path, body=body, headers={**headers, "User-Agent": "PartnerPortal-Webhooks/1"})
            response = connection.getresponse()
        with eventlet.Timeout(BODY_READ_SECONDS, False):
            response.read(RESPONSE_KEPT_BYTES)
        return response.status, None
    except UrlRefused as refused:
        return None, f"refused: {refused}"
    except (OSError, http.client.HTTPException, TimeoutError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    finally:
        if connection is not None:
            connection.close()
