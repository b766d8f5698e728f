"""The mail a test system sent: `.eml` files in its data folder (no SMTP_URL), as `make run` keeps them."""

import email
import email.policy
import re
import time


def mails_to(system, address):
    folder = system.data_dir / "mail"
    found = (
        [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]
        if folder.exists()
        else []
    )
    return [mail for mail in found if address.lower() in mail["To"].lower()]


def text_of(mail):
    return mail.get_body(("plain",)).get_content()


def wait_for_mails(system, address, count, seconds=10):
    deadline = time.monotonic() + seconds
    while len(mails_to(system, address)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    mails = mails_to(system, address)
    assert len(mails) >= count, f"{len(mails)} mails to {address}, not {count}"
    return mails


def link_token(mail, page):
    """The token of the mail's link to `page` (accept-invitation, reset-password)."""
    found = re.search(rf"/#/{page}\?token=([A-Za-z0-9_-]+)", text_of(mail))
    assert found, text_of(mail)
    return found.group(1)
