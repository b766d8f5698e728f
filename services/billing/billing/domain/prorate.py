"""Pro-rating of what is bought during a term (plan upgrades, add-ons).

    term_days      = whole days from starts_at to expires_at
    remaining_days = days from now to expires_at, a started day counting whole
    amount_cents   = full × remaining_days / term_days, rounded half up to a cent

where `full` is what the change costs for the whole term.
"""

import datetime as dt
from dataclasses import dataclass

from billing.domain.money import divide_half_up
from billing.domain.terms import days_left, whole_days


@dataclass(frozen=True)
class Proration:
    term_days: int
    remaining_days: int
    full_cents: int
    amount_cents: int


def prorate(full_cents: int, starts_at: dt.datetime, expires_at: dt.datetime, now: dt.datetime) -> Proration:
    term_days = whole_days(starts_at, expires_at)
    remaining = min(days_left(now, expires_at), term_days)
    amount = divide_half_up(full_cents * remaining, term_days) if term_days > 0 else 0
    return Proration(term_days=term_days, remaining_days=remaining, full_cents=full_cents, amount_cents=amount)


def upgrade_full_cents(old_term_price: int, new_term_price: int, quantity: int) -> int:
    return (new_term_price - old_term_price) * quantity
