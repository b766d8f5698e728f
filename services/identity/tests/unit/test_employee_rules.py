from types import SimpleNamespace

from identity.domain import employees as rules


def person(id, role):
    return SimpleNamespace(id=id, role=role)


def test_the_owner_cannot_be_demoted_or_deactivated():
    owner = person("o", "owner")
    assert rules.refuse_change("a", owner, role="admin")
    assert rules.refuse_change("a", owner, active=False)
    assert rules.refuse_change("a", owner, active=True) is None


def test_nobody_deactivates_themselves_but_others_may_be():
    admin = person("a", "admin")
    assert rules.refuse_change("a", admin, active=False)
    assert rules.refuse_change("o", admin, active=False) is None
    assert rules.refuse_change("o", admin, role="viewer") is None


def test_the_owner_the_primary_contact_and_oneself_cannot_be_removed():
    assert rules.refuse_removal("a", person("o", "owner"))
    assert rules.refuse_removal("a", person("s", "sales"), primary_contact_id="s")
    assert rules.refuse_removal("s", person("s", "sales"))
    assert rules.refuse_removal("a", person("s", "sales"), primary_contact_id="o") is None
