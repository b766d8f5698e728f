"""The monolith a user would pick instead: the same authenticated accounts read, done in one process.

`python -m bench.monolith PORT IDENTITY_DB_URI ACCOUNTS_DB_URI` serves `GET /v1/accounts` from a plain
WSGI app on eventlet's server (the one nameko's gateway runs on): the token checked by identity's
use case on identity's database, the list by accounts' use case on accounts' database (the page
as that use case answers it, ready JSON). No bus, no second process: what is left is the cost of the bus.
"""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402

from eventlet import wsgi  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402
from werkzeug.wrappers import Request, Response  # noqa: E402

from portal_common.clock import utc_now  # noqa: E402
from portal_common.db import make_engine  # noqa: E402
from portal_common.errors import PortalError  # noqa: E402
from portal_common.schemas import accounts as api  # noqa: E402
from portal_common.schemas import load  # noqa: E402

from accounts.adapters.unit_of_work import AccountsUnitOfWork  # noqa: E402
from accounts.usecases import accounts as accounts_usecases  # noqa: E402
from gateway.auth import bearer_token  # noqa: E402
from identity.adapters.unit_of_work import IdentityUnitOfWork  # noqa: E402
from identity.usecases import sessions  # noqa: E402


def app_for(identity_uri, accounts_uri):
    identity_sessions = sessionmaker(bind=make_engine(identity_uri), expire_on_commit=False)
    accounts_sessions = sessionmaker(bind=make_engine(accounts_uri), expire_on_commit=False)

    def app(environ, start_response):
        request = Request(environ)
        try:
            me = sessions.authenticate(IdentityUnitOfWork(identity_sessions), utc_now(), bearer_token(request))
            caller = {"partner_id": me["partner_id"], "employee_id": me["id"], "role": me["role"]}
            query = load(api.AccountQuery, request.args.to_dict())
            page = accounts_usecases.list_accounts(AccountsUnitOfWork(accounts_sessions), caller, query)
            response = Response(page, status=200, mimetype="application/json")
        except PortalError as error:
            response = Response(
                json.dumps({"code": error.code, "message": str(error)}),
                status=error.status,
                mimetype="application/json",
            )
        return response(environ, start_response)

    return app


def main(port, identity_uri, accounts_uri):
    wsgi.server(eventlet.listen(("127.0.0.1", int(port))), app_for(identity_uri, accounts_uri), log_output=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
