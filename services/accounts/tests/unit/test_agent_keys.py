import hashlib

from accounts.domain import agent_keys


def test_keys_are_random_long_and_stored_as_sha256():
    key = agent_keys.new_agent_key()
    assert key != agent_keys.new_agent_key()
    assert key.startswith(agent_keys.PREFIX) and len(key) >= len(agent_keys.PREFIX) + 43
    assert agent_keys.digest(key) == hashlib.sha256(key.encode()).hexdigest()
