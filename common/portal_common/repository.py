"""What every repository of a service shares: it reads and writes one kind of row through the
session its unit of work opened (`portal_common.unit_of_work`), scoped as its methods say."""

from typing import Any, ClassVar, cast

from sqlalchemy import CursorResult, Update, delete, inspect
from sqlalchemy.orm import Session

from portal_common.prepared import insert_rows

_column_names_of: dict[Any, dict[str, str]] = {}


def _column_names(model: Any) -> dict[str, str]:
    """The mapped class's column attributes, by name: the name of each one's column."""
    if model not in _column_names_of:
        attributes = inspect(model).column_attrs
        _column_names_of[model] = {attribute.key: attribute.columns[0].name for attribute in attributes}
    return _column_names_of[model]


class Repository:
    model: ClassVar[type[Any]]  # the mapped class of the rows it holds

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    def insert(self, *rows: Any) -> None:
        """Write new rows at once, with a prepared INSERT of the values they were made with (columns
        left unset take their defaults): several times cheaper than the session's flush of them. The
        rows stay outside the session: a change made to one afterwards is not written."""
        if not rows:
            return
        columns = _column_names(self.model)
        values = [{columns[key]: value for key, value in vars(row).items() if key in columns} for row in rows]
        insert_rows(self.session, self.model.__table__, values)

    def get(self, key: Any, for_update: bool = False) -> Any:
        """The row with this primary key, or None; `for_update` locks it (PostgreSQL)."""
        return self.session.get(self.model, key, with_for_update=for_update)

    def remove(self, row: Any) -> None:
        self.session.delete(row)

    def _delete_where(self, *conditions: Any) -> None:
        self.session.execute(delete(self.model).where(*conditions))

    def _changed_one(self, statement: Update) -> bool:
        """Run a conditional UPDATE of one row, leaving the session's copies as they are; whether the
        row still met the condition (and so was changed by this transaction, not another)."""
        result = self.session.execute(statement.execution_options(synchronize_session=False))
        return cast(CursorResult[Any], result).rowcount == 1
