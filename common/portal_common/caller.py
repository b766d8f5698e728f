"""Who asks: the signed-in employee the gateway hands each use case that acts for one (the system,
acting by itself, names only the partner)."""

from typing import Required, TypedDict


class Caller(TypedDict, total=False):
    partner_id: Required[str]
    employee_id: str
    role: str
    session_id: str
