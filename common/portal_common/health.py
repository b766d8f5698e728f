from typing import Any

from sqlalchemy import text

from portal_common.rpc import rpc


class HealthCheck:
    """Mixed into every service: `/health` calls `ping` to prove the service answers on the bus and
    reaches its database. Expects the service's `UnitOfWorkProvider` as `uow`."""

    uow: Any  # the service's UnitOfWorkProvider: nameko hands each worker a UnitOfWork

    @rpc
    def ping(self) -> str:
        with self.uow as uow:
            uow.session.execute(text("SELECT 1"))
        return "ok"
