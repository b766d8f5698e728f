import datetime as dt

import pyotp

from identity.domain import totp

SECRET = pyotp.random_base32()
NOW = dt.datetime(2026, 11, 26, 4, 23, 31, tzinfo=dt.timezone.utc)


def code_at(when):
    return pyotp.TOTP(SECRET).at(when)


def test_the_current_code_is_accepted_for_the_current_step():
    assert totp.accepted_step(SECRET, code_at(NOW), NOW, None) == totp.step_at(NOW)


def test_one_step_of_drift_either_way_is_accepted():
    step = totp.step_at(NOW)
    assert totp.accepted_step(SECRET, code_at(NOW - dt.timedelta(seconds=30)), NOW, None) == step - 1
    assert totp.accepted_step(SECRET, code_at(NOW + dt.timedelta(seconds=30)), NOW, None) == step + 1


def test_two_steps_away_is_refused():
    assert totp.accepted_step(SECRET, code_at(NOW - dt.timedelta(seconds=60)), NOW, None) is None
    assert totp.accepted_step(SECRET, code_at(NOW + dt.timedelta(seconds=60)), NOW, None) is None


def test_a_step_already_accepted_or_an_earlier_one_is_refused():
    step = totp.step_at(NOW)
    assert totp.accepted_step(SECRET, code_at(NOW), NOW, last_step=step) is None
    assert totp.accepted_step(SECRET, code_at(NOW - dt.timedelta(seconds=30)), NOW, last_step=step) is None
    assert totp.accepted_step(SECRET, code_at(NOW + dt.timedelta(seconds=30)), NOW, last_step=step) == step + 1


def test_codes_that_are_not_six_digits_are_refused_without_computing():
    for code in ("", "12345", "1234567", "abcdef", "１２３４５６", " 123456"):
        assert totp.accepted_step(SECRET, code, NOW, None) is None


def test_matches_rfc_6238_sha1_test_vector():
    # RFC 6238 appendix B: secret "12345678901234567890", T=59s -> 94287082 (8 digits); 6 digits: 287082
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    when = dt.datetime.fromtimestamp(59, tz=dt.timezone.utc)
    assert totp.accepted_step(secret, "287082", when, None) == 1


def test_provisioning_uri_names_issuer_and_account():
    uri = totp.provisioning_uri(SECRET, "ann@example.com")
    assert uri.startswith("otpauth://totp/")
    assert f"secret={SECRET}" in uri and "issuer=Partner%20Portal" in uri
