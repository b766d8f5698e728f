"""Mail leaves as an `.eml` file, or over SMTP to a real server (aiosmtpd, in this process)."""
import datetime as dt
import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from tests.harness import free_port

from notifications.adapters.mailer import MailDrop, SmtpSender, message_of, transport

MAIL = {"id": "01m8v2qxeq806ejxpgf5wy2qvf", "recipients": ["ann@acme.test", "ops@acme.test"],
        "subject": "[Acme] FILESRV has stopped backing up", "text": "Plain words.\n",
        "html": "<p>Rich words.</p>", "created_at": dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.timezone.utc)}


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content, session.authenticated))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"portal", b"s3cret/pass"))

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticate,
                            auth_require_tls=False)
    controller.start()
    yield controller, inbox, logins
    controller.stop()


def test_a_message_has_a_plain_and_an_html_part_and_the_usual_headers():
    message = message_of(MAIL, "Partner Portal <portal@localhost>")
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    assert parsed["To"] == "ann@acme.test, ops@acme.test" and parsed["From"] == "Partner Portal <portal@localhost>"
    assert parsed["Date"] == "Wed, 02 Dec 2026 09:30:00 +0000" and parsed["Message-ID"]
    assert parsed.get_body(("plain",)).get_content() == "Plain words.\n"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Rich words.</p>"


def test_without_an_smtp_url_each_mail_is_one_eml_file(tmp_path):
    drop = transport({"MAIL_DIR": str(tmp_path / "mail")})
    assert isinstance(drop, MailDrop)
    drop.send(MAIL, message_of(MAIL, "portal@localhost"))
    [path] = (tmp_path / "mail").iterdir()
    assert path.name == "20261202T093000-01m8v2qxeq806ejxpgf5wy2qvf.eml"
    assert email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["Subject"] == MAIL["subject"]


def test_over_smtp_with_credentials(smtp_server):
    controller, inbox, logins = smtp_server
    sender = transport({"SMTP_URL": f"smtp://portal:s3cret%2Fpass@127.0.0.1:{controller.port}"})
    sender.send(MAIL, message_of(MAIL, "portal@acme.test"))
    [(mail_from, rcpt_tos, content, authenticated)] = inbox.received
    assert mail_from == "portal@acme.test" and rcpt_tos == MAIL["recipients"] and authenticated
    assert logins == [(b"portal", b"s3cret/pass")]
    assert b"Subject: [Acme] FILESRV has stopped backing up" in content


def test_a_server_that_is_not_there_is_an_error_at_once_the_sender_tries_again_later():
    with pytest.raises(OSError):
        SmtpSender(f"smtp://127.0.0.1:{free_port()}").send(MAIL, message_of(MAIL, "portal@acme.test"))


@pytest.mark.parametrize("url, scheme, port", [
    ("smtp://mail.example", "smtp", 25), ("smtp+starttls://u:p@mail.example", "smtp+starttls", 587),
    ("smtps://mail.example:2465", "smtps", 2465)])
def test_the_url_says_how_to_reach_the_server(url, scheme, port):
    sender = SmtpSender(url)
    assert (sender.scheme, sender.host, sender.port) == (scheme, "mail.example", port)


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25"])
def test_an_smtp_url_that_is_not_one_stops_the_service_at_start(url):
    with pytest.raises(ValueError):
        SmtpSender(url)
