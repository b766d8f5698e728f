from nameko.rpc import rpc
from sqlalchemy import text


class HealthCheck:
    """Mixed into every service: `/health` calls `ping` to prove the service answers on the bus and
    reaches its database. Expects the service's `UnitOfWorkProvider` as `uow`."""

    @rpc
    def ping(self):
        with self.uow as uow:
            uow.session.execute(text("SELECT 1"))
        return "ok"
