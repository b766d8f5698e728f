"""Money is an integer of cents. Division rounds half up, once, at the end."""


def divide_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up to an integer (both non-negative integers)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("divide_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def term_price(annual_price_cents: int, years: int, discount_percent: int) -> int:
    """One unit for a term: annual × years × (100 − discount) / 100, rounded half up to a cent."""
    return divide_half_up(annual_price_cents * years * (100 - discount_percent), 100)
