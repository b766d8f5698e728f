"""Who is calling, and may they: the bearer token checked by identity, the role by the table."""
from portal_common.errors import Forbidden, Unauthenticated
from portal_common.roles import allows

from portal_common.rpc import ServiceRpc


def bearer_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send Authorization: Bearer <token> from POST /v1/sessions.")
    return token.strip()


class Guard:
    def __init__(self, identity, worker_ctx):
        self._identity = identity
        self._worker_ctx = worker_ctx
        self.me = None

    def caller(self):
        """The caller passed to every service, once the route's permission is checked."""
        request = self._worker_ctx.args[0]
        permission = self._worker_ctx.entrypoint.permission
        me = self._identity.authenticate(bearer_token(request))
        if not allows(me["role"], permission):
            raise Forbidden()
        self.me = {key: value for key, value in me.items() if key != "session_id"}
        return {
            "partner_id": me["partner_id"],
            "employee_id": me["id"],
            "role": me["role"],
            "session_id": me["session_id"],
        }


class Authenticator(ServiceRpc):
    def __init__(self):
        super().__init__("identity")

    def get_dependency(self, worker_ctx):
        return Guard(super().get_dependency(worker_ctx), worker_ctx)
