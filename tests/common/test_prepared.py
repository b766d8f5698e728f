"""`portal_common.prepared`: statements run on the session's DB-API connection read and write what
SQLAlchemy's own execution would, on SQLite and on PostgreSQL, inside the session's transaction."""

import datetime as dt

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.exc import IntegrityError

from portal_common.db import UtcDateTime
from portal_common.prepared import Prepared, insert_rows
from tests.databases import sessions_of

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("kind", String(16)),
    Column("at", UtcDateTime, nullable=True),
    Column("answer", JSON, nullable=True),
    Column("flag", Boolean, default=True),
    Column("count", Integer, server_default="5"),
)
c = things.c
PARIS = dt.timezone(dt.timedelta(hours=1))
AT = dt.datetime(2026, 12, 3, 16, 0, 0, 123456, tzinfo=PARIS)
ONE = {"id": "t1", "kind": "a", "at": AT, "answer": {"lines": [1, 2], "ok": True}, "flag": False}

THING = Prepared(select(c.kind, c.at, c.answer, c.flag, c.count).where(c.id == bindparam("id")))
AT_TIME = Prepared(select(c.id).where(c.at == bindparam("at")))
OF_KINDS_A_B = Prepared(select(c.id).where(c.kind.in_(("a", "b")), c.flag == bindparam("flag")).order_by(c.id))
COUNTED = Prepared(update(things).where(c.id == bindparam("thing")).values(count=c.count + 1).returning(c.count))


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request, tmp_path):
    with sessions_of(request.param, metadata, tmp_path) as factory:
        yield factory


def test_values_are_written_and_read_as_sqlalchemy_converts_them(sessions):
    with sessions() as session:
        insert_rows(session, things, [ONE])
        session.commit()
    with sessions() as session:
        by_sqlalchemy = session.execute(select(c.kind, c.at, c.answer, c.flag, c.count)).one()
        [prepared] = THING.rows(session, id="t1")
    expected = ("a", AT.astimezone(dt.timezone.utc), {"lines": [1, 2], "ok": True}, False, 5)
    assert tuple(by_sqlalchemy) == expected
    assert prepared == expected
    assert prepared[1].tzinfo == dt.timezone.utc


def test_parameters_are_converted_for_the_database(sessions):
    with sessions() as session:
        insert_rows(session, things, [ONE])
        assert AT_TIME.rows(session, at=AT) == [("t1",)]  # an aware datetime, stored as naive UTC
        assert AT_TIME.rows(session, at=AT.astimezone(dt.timezone.utc)) == [("t1",)]


def test_a_fixed_list_is_compiled_into_the_statement(sessions):
    with sessions() as session:
        insert_rows(
            session,
            things,
            [
                {"id": f"t{n}", "kind": kind, "flag": flag}
                for n, (kind, flag) in enumerate([("a", True), ("b", True), ("c", True), ("a", False)])
            ],
        )
        assert OF_KINDS_A_B.rows(session, flag=True) == [("t0",), ("t1",)]


def test_an_update_answers_what_it_returns(sessions):
    with sessions() as session:
        insert_rows(session, things, [{"id": "t1", "kind": "a"}])
        assert COUNTED.rows(session, thing="t1") == [(6,)]
        assert COUNTED.rows(session, thing="nobody") == []


def test_columns_left_out_take_the_python_default_else_the_databases(sessions):
    with sessions() as session:
        insert_rows(session, things, [{"id": "t1", "kind": "a"}, {"id": "t2", "kind": "b"}])
        assert [row[3:] for row in (THING.rows(session, id="t1") + THING.rows(session, id="t2"))] == [
            (True, 5),
            (True, 5),
        ]


def test_statements_run_in_the_sessions_transaction(sessions):
    with sessions() as session:
        insert_rows(session, things, [ONE])
        session.rollback()
        assert THING.rows(session, id="t1") == []
        insert_rows(session, things, [ONE])
        session.commit()
    with sessions() as session:
        assert len(THING.rows(session, id="t1")) == 1


def test_a_broken_constraint_is_sqlalchemys_integrity_error(sessions):
    with sessions() as session:
        insert_rows(session, things, [ONE])
        with pytest.raises(IntegrityError):
            insert_rows(session, things, [ONE])


def test_a_missing_parameter_is_named(sessions):
    with sessions() as session, pytest.raises(ValueError, match="'id'"):
        THING.rows(session)


def test_a_list_given_as_a_parameter_is_not_prepared(sessions):
    listed = Prepared(select(c.id).where(c.id.in_(bindparam("ids", expanding=True))))
    with sessions() as session, pytest.raises(ValueError, match="list"):
        listed.rows(session, ids=["t1", "t2"])


def test_rows_inserted_together_set_the_same_columns(sessions):
    with sessions() as session, pytest.raises(ValueError, match="same columns"):
        insert_rows(session, things, [{"id": "t1", "kind": "a"}, {"id": "t2"}])


def test_a_default_computed_at_insert_is_not_prepared(sessions):
    stamped = Table(
        "stamped", MetaData(), Column("id", String(26), primary_key=True), Column("n", Integer, default=len)
    )
    with sessions() as session, pytest.raises(ValueError, match="stamped.n"):
        insert_rows(session, stamped, [{"id": "s1"}])


def test_none_is_written_as_sqlalchemy_writes_it(sessions):
    """JSON's None is the JSON text `null`, not SQL NULL, when SQLAlchemy writes it: the same here."""
    with sessions() as session:
        session.execute(insert(things), {"id": "t1", "kind": "a", "answer": None, "at": None})
        insert_rows(session, things, [{"id": "t2", "kind": "a", "answer": None, "at": None}])
        stored = session.execute(select(things.c.answer.is_(None), things.c.at.is_(None)).order_by(c.id)).all()
    assert stored[0] == stored[1]


def test_no_rows_write_nothing(sessions):
    with sessions() as session:
        insert_rows(session, things, [])
        assert session.execute(select(c.id)).all() == []


def test_a_column_read_back_as_numeric_is_not_prepared(sessions):
    with sessions() as session, pytest.raises(ValueError, match="Numeric"):
        Prepared(select(sql_cast(c.count, Numeric(10, 2)))).rows(session)


def test_a_parameter_name_the_driver_escapes_is_refused(sessions):
    odd = Prepared(select(c.id).where(c.id == bindparam("the id")))
    with sessions() as session, pytest.raises(ValueError, match="escapes"):
        odd.rows(session, **{"the id": "t1"})
