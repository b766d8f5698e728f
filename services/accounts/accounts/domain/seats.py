"""Seats: the account's trial and active subscriptions give `quantity × computers_included` seats
(plus seat add-ons); every computer takes one, and a server also needs a plan or add-on that
includes servers."""


def refuse_computer(kind: str, computers: int, servers: int, seats: int, server_seats: int) -> str | None:
    """Why one more computer of `kind` does not fit, or None."""
    if seats == 0:
        return "The account has no trial or active subscription: start a trial or buy one first."
    if computers >= seats:
        seat_word = "seat" if seats == 1 else "seats"
        return f"All {seats} {seat_word} of the account's subscriptions are taken: buy more, or upgrade the plan."
    if kind == "server" and servers >= server_seats:
        return "A server needs a plan or add-on that includes servers."
    return None
