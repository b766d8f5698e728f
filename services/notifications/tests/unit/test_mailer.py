"""Mail leaves as an `.eml` file, or over SMTP to a real server (aiosmtpd, in this process)."""

import datetime as dt
import email
import email.policy
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller

from tests.harness import free_port

from notifications.adapters.mailer import MailDrop, SmtpSender, message_of, transport

MAIL = {
    "id": "01m8v2qxeq806ejxpgf5wy2qvf",
    "recipients": ["ann@acme.test", "ops@acme.test"],
    "subject": "[Acme] FILESRV has stopped backing up",
    "text": "Plain words.\n",
    "html": "<p>Rich words.</p>",
    "created_at": dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.timezone.utc),
}


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content, session.authenticated))
        return "250 OK"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A key and a self-signed certificate for 127.0.0.1, and a client context that trusts it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    client = ssl.create_default_context(cafile=str(folder / "cert.pem"))
    return server, client


@pytest.fixture
def smtp_server(certificate):
    """A real SMTP server that takes a login only after STARTTLS."""
    inbox = Inbox()
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"portal", b"s3cret/pass"))

    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticate,
        tls_context=certificate[0],
        require_starttls=True,
    )
    controller.start()
    yield controller, inbox, logins
    controller.stop()


def test_a_message_has_a_plain_and_an_html_part_and_the_usual_headers():
    message = message_of(MAIL, "Partner Portal <portal@localhost>")
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    assert parsed["To"] == "ann@acme.test, ops@acme.test" and parsed["From"] == "Partner Portal <portal@localhost>"
    assert parsed["Date"] == "Wed, 02 Dec 2026 09:30:00 +0000" and parsed["Message-ID"]
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Plain words.\n"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Rich words.</p>"


def test_without_an_smtp_url_each_mail_is_one_eml_file(tmp_path):
    drop = transport({"MAIL_DIR": str(tmp_path / "mail")})
    assert isinstance(drop, MailDrop)
    drop.send(MAIL, message_of(MAIL, "portal@localhost"))
    [path] = (tmp_path / "mail").iterdir()
    assert path.name == "20261202T093000-01m8v2qxeq806ejxpgf5wy2qvf.eml"
    assert email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["Subject"] == MAIL["subject"]


def test_over_smtp_with_starttls_and_credentials(smtp_server, certificate):
    controller, inbox, logins = smtp_server
    sender = SmtpSender(f"smtp+starttls://portal:s3cret%2Fpass@127.0.0.1:{controller.port}", tls=certificate[1])
    sender.send(MAIL, message_of(MAIL, "portal@acme.test"))
    [(mail_from, rcpt_tos, content, authenticated)] = inbox.received
    assert mail_from == "portal@acme.test" and rcpt_tos == MAIL["recipients"] and authenticated
    assert logins == [(b"portal", b"s3cret/pass")]
    assert b"Subject: [Acme] FILESRV has stopped backing up" in content


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(smtp_server):
    controller, inbox, _ = smtp_server
    with pytest.raises(ssl.SSLError):
        SmtpSender(f"smtp+starttls://portal:s3cret%2Fpass@127.0.0.1:{controller.port}").send(
            MAIL, message_of(MAIL, "portal@acme.test")
        )
    assert inbox.received == []


def test_credentials_never_travel_in_clear():
    with pytest.raises(ValueError, match="only over"):
        SmtpSender("smtp://portal:secret@mail.example")


def test_a_server_that_is_not_there_is_an_error_at_once_the_sender_tries_again_later():
    with pytest.raises(OSError):
        SmtpSender(f"smtp://127.0.0.1:{free_port()}").send(MAIL, message_of(MAIL, "portal@acme.test"))


@pytest.mark.parametrize(
    "url, scheme, port",
    [
        ("smtp://mail.example", "smtp", 25),
        ("smtp+starttls://u:p@mail.example", "smtp+starttls", 587),
        ("smtps://mail.example:2465", "smtps", 2465),
    ],
)
def test_the_url_says_how_to_reach_the_server(url, scheme, port):
    sender = SmtpSender(url)
    assert (sender.scheme, sender.host, sender.port) == (scheme, "mail.example", port)


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25"])
def test_an_smtp_url_that_is_not_one_stops_the_service_at_start(url):
    with pytest.raises(ValueError):
        SmtpSender(url)
