"""The audit log: what was changed, by whom, and every sign-in and sign-out (owners and admins)."""

from portal_common import roles
from portal_common.schemas import audit as schemas
from portal_common.schemas.common import page_of

from gateway import csv_lists
from gateway.http import api, query_args
from gateway.responses import json_response
from gateway.routes import AUTH


class AuditRoutes:
    @api(
        "GET",
        "/v1/audit-events",
        tag="audit",
        permission=roles.VIEW_AUDIT_LOG,
        summary="The audit log, newest first, filtered (owner, admin).",
        query=schemas.AuditQuery,
        responses={200: page_of(schemas.AuditEvent)},
        errors=(400,) + AUTH,
        csv=True,
    )
    def list_audit_events(self, request):
        caller = self.guard.caller()
        if csv_lists.wants_csv(request):
            list_page = self.audit.list_entries
            return csv_lists.csv_response(
                "audit-events",
                schemas.AuditEvent,
                lambda cursor: list_page(caller, csv_lists.page_query(request, cursor)),
                request,
                self.clock.now(),
            )
        return json_response(200, self.audit.list_entries(caller, query_args(request)))
