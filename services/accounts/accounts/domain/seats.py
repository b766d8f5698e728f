"""Seats: the account's trial and active subscriptions give `quantity × computers_included` seats
(plus seat add-ons); every computer takes one, and a server also needs a plan or add-on that
includes servers."""


def refuse_computer(kind, computers, servers, seats, server_seats):
    """Why one more computer of `kind` does not fit, or None."""
    if computers >= seats:
        return f"All {seats} seats of the account's subscriptions are taken: buy more, or start a trial."
    if kind == "server" and servers >= server_seats:
        return "A server needs a plan or add-on that includes servers."
    return None
