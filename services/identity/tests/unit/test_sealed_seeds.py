"""Second-factor seeds are sealed at rest, and the keys rotate."""

import sqlite3

import pytest
from cryptography.fernet import Fernet

from portal_common import migrate

from identity.adapters import sealed
from identity.adapters.orm import Employee, Partner
from identity.rotate_seed_keys import rotate

IDENTITY_DIR = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_keys_come_from_the_config_or_its_file_and_there_must_be_one(tmp_path):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    assert sealed.keys_from({"TOTP_KEYS": f"{first}, {second}"}) == [first, second]
    key_file = tmp_path / "totp.key"
    key_file.write_text(f"{second}\n{first}\n")
    assert sealed.keys_from({"TOTP_KEY_FILE": str(key_file)}) == [second, first]
    with pytest.raises(sealed.NoKeys):
        sealed.keys_from({"TOTP_KEYS": None, "TOTP_KEY_FILE": str(tmp_path / "none")})


def test_a_seed_is_stored_sealed_and_read_back_and_rotates_to_a_new_key(tmp_path):
    from sqlalchemy.orm import Session

    from portal_common.clock import utc_now
    from portal_common.db import make_engine

    uri = f"sqlite:///{tmp_path / 'identity.db'}"
    migrate.upgrade(IDENTITY_DIR, uri)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed.use_keys([old])
    engine = make_engine(uri)
    with Session(engine) as session, session.begin():
        session.add(Partner(id="p1", name="P", created_at=utc_now()))
        session.flush()
        session.add(
            Employee(
                id="e1",
                partner_id="p1",
                email="a@b.test",
                email_key="a@b.test",
                name="A",
                role="owner",
                active=True,
                version=1,
                password_hash="x",
                created_at=utc_now(),
                totp_secret="JBSWY3DPEHPK3PXP",
            )
        )
    stored = sqlite3.connect(tmp_path / "identity.db").execute("SELECT totp_secret FROM employees").fetchone()[0]
    assert "JBSWY3DPEHPK3PXP" not in stored and Fernet(old).decrypt(stored.encode()) == b"JBSWY3DPEHPK3PXP"

    assert rotate(uri, [new, old]) == 1
    stored = sqlite3.connect(tmp_path / "identity.db").execute("SELECT totp_secret FROM employees").fetchone()[0]
    assert Fernet(new).decrypt(stored.encode()) == b"JBSWY3DPEHPK3PXP"
    sealed.use_keys([new])  # the old key gone from the configuration
    with Session(engine) as session:
        assert session.get(Employee, "e1").totp_secret == "JBSWY3DPEHPK3PXP"
    engine.dispose()
