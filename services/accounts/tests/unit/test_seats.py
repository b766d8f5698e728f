"""Why a computer does not fit, in words a partner can act on."""

from accounts.domain.seats import refuse_computer


def test_an_account_with_no_subscription_is_told_to_start_one_not_that_zero_seats_are_taken():
    reason = refuse_computer("workstation", 0, 0, 0, 0)
    assert "no trial or active subscription" in reason and "0 seats" not in reason


def test_a_full_account_is_told_how_many_seats_it_has():
    assert refuse_computer("workstation", 1, 0, 1, 0).startswith("All 1 seat of")
    assert refuse_computer("workstation", 5, 0, 5, 0).startswith("All 5 seats of")
    assert refuse_computer("workstation", 4, 0, 5, 0) is None


def test_a_server_needs_a_server_seat():
    assert "server" in refuse_computer("server", 0, 0, 5, 0)
    assert refuse_computer("server", 0, 0, 5, 1) is None
