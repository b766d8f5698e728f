"""Outgoing mail: over SMTP to `SMTP_URL`, or, without one, each message kept as an RFC 5322 file
`<time>-<id>.eml` in `MAIL_DIR` (what `make run` and the tests do).

`SMTP_URL` is `smtp://` (plain), `smtp+starttls://` (STARTTLS on connect) or `smtps://` (TLS from
the start), with optional `user:password@` (percent-encoded; only over TLS) and port (25, 587 and 465
by default).
"""

import email.policy
import email.utils
import os
import pathlib
import smtplib
import ssl
import urllib.parse
from email.message import EmailMessage

SMTP_URL_CONFIG_KEY = "SMTP_URL"
MAIL_DIR_CONFIG_KEY = "MAIL_DIR"
MAIL_FROM_CONFIG_KEY = "MAIL_FROM"
DEFAULT_MAIL_DIR = "data/mail"
DEFAULT_MAIL_FROM = "Partner Portal <portal@localhost>"
SMTP_TIMEOUT_SECONDS = 10
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
# CRLF line ends, and headers folded only past RFC 5322's hard limit: Python folds a subject longer
# than 78 characters right after "Subject:", which some readers show with a leading space.
WIRE_POLICY = email.policy.SMTP.clone(max_line_length=998)


def message_of(mail, sender):
    """The RFC 5322 message of a stored mail: a plain-text part and an HTML alternative."""
    message = EmailMessage(policy=WIRE_POLICY)
    message["From"] = sender
    message["To"] = ", ".join(mail["recipients"])
    message["Subject"] = mail["subject"]
    message["Date"] = email.utils.format_datetime(mail["created_at"])
    message["Message-ID"] = email.utils.make_msgid(idstring=mail["id"], domain="partner-portal")
    message.set_content(mail["text"])
    message.add_alternative(mail["html"], subtype="html")
    return message


class MailDrop:
    """Each message a file in `folder`: written whole under a temporary name, then renamed."""

    def __init__(self, folder):
        self.folder = pathlib.Path(folder)

    def send(self, mail, message):
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{mail['created_at']:%Y%m%dT%H%M%S}-{mail['id']}.eml"
        partial = self.folder / (name + ".part")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, self.folder / name)


class SmtpSender:
    def __init__(self, url, tls=None):
        self.tls = tls or ssl.create_default_context()  # the system's trusted authorities
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"{SMTP_URL_CONFIG_KEY} must be smtp://, smtp+starttls:// or smtps://host[:port]")
        self.scheme, self.host = parts.scheme, parts.hostname
        self.port = parts.port or DEFAULT_PORTS[parts.scheme]
        self.username = urllib.parse.unquote(parts.username) if parts.username else None
        self.password = urllib.parse.unquote(parts.password or "")
        if self.username and self.scheme == "smtp":
            raise ValueError(
                f"{SMTP_URL_CONFIG_KEY}: a user and password travel only over smtp+starttls:// or smtps://"
            )

    def send(self, mail, message):
        tls = self.tls
        if self.scheme == "smtps":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=tls)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        try:
            if self.scheme == "smtp+starttls":
                client.starttls(context=tls)
            if self.username:
                client.login(self.username, self.password)
            client.send_message(message)
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):  # sent already: a failed goodbye must not send it twice
                client.close()


def transport(config):
    url = config.get(SMTP_URL_CONFIG_KEY) or ""
    return SmtpSender(url) if url else MailDrop(config.get(MAIL_DIR_CONFIG_KEY) or DEFAULT_MAIL_DIR)
