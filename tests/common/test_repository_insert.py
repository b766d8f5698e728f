"""`Repository.insert`: new rows written at once by a plain INSERT, with the values they were made
with and the columns' defaults for the rest, left outside the session."""

import pytest
from sqlalchemy import Integer, String, create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from portal_common.repository import Repository


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "things"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    label: Mapped[str] = mapped_column("name", String(64))  # an attribute named unlike its column
    size: Mapped[int] = mapped_column(Integer, default=7)


class Things(Repository):
    model = Thing


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with sessionmaker(bind=engine)() as session:
        yield session


def stored(session):
    return session.execute(select(Thing.__table__)).all()


def test_rows_are_written_at_once_with_their_values_and_the_defaults_of_the_rest(session):
    first, second = Thing(id="t1", label="one"), Thing(id="t2", label="two")
    Things(session).insert(first, second)
    assert stored(session) == [("t1", "one", 7), ("t2", "two", 7)]
    assert first not in session  # outside the session: a change now is not written
    first.label = "changed"
    session.flush()
    assert stored(session)[0] == ("t1", "one", 7)
    Things(session).insert()  # nothing to write
    assert len(stored(session)) == 2


def test_a_row_that_breaks_a_constraint_raises_at_once(session):
    Things(session).insert(Thing(id="t1", label="one"))
    with pytest.raises(IntegrityError):
        Things(session).insert(Thing(id="t1", label="again"))


def test_rows_written_together_set_the_same_columns(session):
    with pytest.raises(ValueError):
        Things(session).insert(Thing(id="t1", label="one"), Thing(id="t2", label="two", size=3))
    assert stored(session) == []
