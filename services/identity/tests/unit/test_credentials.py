from identity.domain import credentials


def test_ten_distinct_recovery_codes_of_about_sixty_bits():
    codes = credentials.new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    for code in codes:
        assert len(credentials.normalize_recovery_code(code)) == 12


def test_recovery_codes_match_however_they_are_typed():
    code = credentials.new_recovery_codes(1)[0]
    typed = code.upper().replace("-", " ")
    assert credentials.recovery_code_digest(typed) == credentials.recovery_code_digest(code)


def test_tokens_are_random_and_stored_only_as_a_digest():
    token = credentials.new_token()
    assert token != credentials.new_token()
    assert len(token) >= 43  # 256 bits
    assert credentials.digest(token) != token and len(credentials.digest(token)) == 64
