"""A mail of the portal: a subject of one line, a plain-text part, and the same as HTML (everything a
partner or employee typed escaped), with one link back to the portal."""

import dataclasses
import html
from collections.abc import Iterable
from typing import Any

SUBJECT_MAX = 250  # names are up to 200 characters each, and a subject may hold several


@dataclasses.dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def link(portal_url: str, page: str) -> str:
    return f"{portal_url.rstrip('/')}/#/{page}"


def compose(
    company_name: str, what: str, facts: Iterable[tuple[str, Any]], url: str, link_text: str, footer: str
) -> Mail:
    """`what` happened (a sentence), `facts` as (label, value) pairs, then the link and a footer."""
    text = (
        "\n".join(
            [f"{what}.", "", *(f"{label}: {value}" for label, value in facts), "", f"{link_text}: {url}", "", footer]
        )
        + "\n"
    )
    rows = "".join(
        f'<tr><th align="left">{html.escape(label)}</th><td>{html.escape(str(value))}</td></tr>'
        for label, value in facts
    )
    body = (
        f"<p><strong>{html.escape(what)}.</strong></p><table>{rows}</table>"
        f'<p><a href="{html.escape(url)}">{html.escape(link_text)}</a></p>'
        f'<p style="color:#666">{html.escape(footer)}</p>'
    )
    subject = " ".join(f"[{company_name}] {what}".split())  # a header of one line, whatever the names hold
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    return Mail(subject, text, f"<!doctype html><html><body>{body}</body></html>")
