"""Mails with a single-use link for one employee: an invitation, a password reset."""

from collections.abc import Mapping
from typing import Any

from notifications.domain import mails


def invitation(company_name: str, event: Mapping[str, Any], portal_url: str) -> mails.Mail:
    inviter = event["invited_by"] or "A colleague"
    return mails.compose(
        company_name,
        f"{inviter} invited you to {company_name} on Partner Portal",
        [("Your sign-in", event["email"]), ("The link works until", event["expires_at"])],
        mails.link(portal_url, f"accept-invitation?token={event['token']}"),
        "Choose your password",
        f"Hello {event['name']}: the link works once. If you did not expect this mail, ignore it.",
    )


def password_reset(company_name: str, event: Mapping[str, Any], portal_url: str) -> mails.Mail:
    return mails.compose(
        company_name,
        "Reset your Partner Portal password",
        [("Your sign-in", event["email"]), ("The link works until", event["expires_at"])],
        mails.link(portal_url, f"reset-password?token={event['token']}"),
        "Choose a new password",
        f"Hello {event['name']}: someone, most likely you, asked for this link; it works once. If it was not "
        f"you, ignore this mail: your password stays as it is.",
    )
