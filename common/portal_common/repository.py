"""What every repository of a service shares: it reads and writes one kind of row through the
session its unit of work opened (`portal_common.unit_of_work`), scoped as its methods say."""

from typing import Any, ClassVar

from sqlalchemy.orm import Session


class Repository:
    model: ClassVar[type[Any]]  # the mapped class of the rows it holds

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    def get(self, key: Any, for_update: bool = False) -> Any:
        """The row with this primary key, or None; `for_update` locks it (PostgreSQL)."""
        return self.session.get(self.model, key, with_for_update=for_update)
