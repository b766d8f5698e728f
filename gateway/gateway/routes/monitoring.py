"""Agents' reports and the partner's monitoring views."""

from nameko.events import BROADCAST, event_handler

from portal_common import roles
from portal_common.errors import NotAdministrator, NotFound, ValidationFailed
from portal_common.events import COMPUTER_REMOVED, iso
from portal_common.idempotency_keys import HEADER, checked_key
from portal_common.ids import derived_id, new_id
from portal_common.schemas import load
from portal_common.schemas import monitoring as monitoring_schemas
from portal_common.schemas.common import PageQuery, page_of

from gateway import agents, csv_lists
from gateway.http import OptionalKey, api, json_body, query_args, request_id
from gateway.responses import compact_json, json_response, kept_json_response
from gateway.routes import AUTH, BODY


class MonitoringRoutes:
    @api(
        "POST",
        "/v1/agent/reports",
        tag="monitoring",
        summary="A backup agent reports a backup.",
        body=monitoring_schemas.ReportRequest,
        responses={202: monitoring_schemas.Accepted},
        errors=BODY + (401,),
        agent=True,
        idempotent=OptionalKey("a report sent again with the same key keeps its first id and is stored once"),
    )
    def agent_report(self, request):
        """With an Idempotency-Key, the report's id comes from the computer and the key: an agent
        that sends it again (after a 503, or an answer lost) gets the same id, stored once."""
        identity = agents.identify(self.known_agents, self.accounts, request)
        key = checked_key(request.headers.get(HEADER), required=False)
        now = self.clock.now()
        body = json_body(request)
        data = monitoring_schemas.plainly_valid_report(body) or load(monitoring_schemas.ReportRequest, body)
        if monitoring_schemas.from_the_future(data["finished_at"], now):
            raise ValidationFailed(
                "The report finishes in the future: check the computer's clock.",
                {"finished_at": ["More than 5 minutes in the future."]},
            )
        report_id = derived_id(identity["computer_id"], key) if key else new_id()
        # What monitoring reads (`monitoring.adapters.report_messages`).
        message = {
            **data,
            "started_at": iso(data["started_at"]),
            "finished_at": iso(data["finished_at"]),
            "id": report_id,
            "computer_id": identity["computer_id"],
            "partner_id": identity["partner_id"],
            "received_at": iso(now),
            "request_id": request_id(request),  # on the log lines and events of monitoring's work on it
        }
        self.reports.publish(message)
        return json_response(202, {"id": report_id, "status": "accepted"})

    @event_handler(COMPUTER_REMOVED.producer, COMPUTER_REMOVED.name, handler_type=BROADCAST, reliable_delivery=False)
    def forget_removed_agent(self, event):
        """Every gateway instance drops the removed computer's key from its memory at once."""
        self.known_agents.forget(event["agent_key_hash"])

    @api(
        "GET",
        "/v1/monitoring/settings",
        tag="monitoring",
        permission=roles.VIEW,
        summary="The threshold for not backing up.",
        responses={200: monitoring_schemas.Settings},
        errors=AUTH,
    )
    def get_monitoring_settings(self, request):
        return json_response(200, self.monitoring.get_settings(self.guard.caller()))

    @api(
        "PATCH",
        "/v1/monitoring/settings",
        tag="monitoring",
        permission=roles.EDIT_COMPANY,
        summary="Change the threshold (1–720 hours).",
        body=monitoring_schemas.Settings,
        responses={200: monitoring_schemas.Settings},
        errors=BODY + AUTH,
    )
    def update_monitoring_settings(self, request):
        caller = self.guard.caller()
        return json_response(200, self.monitoring.update_settings(caller, json_body(request)))

    @api(
        "GET",
        "/v1/monitoring/overview",
        tag="monitoring",
        permission=roles.VIEW,
        summary="Totals over the accounts you administer.",
        responses={200: monitoring_schemas.Overview},
        errors=AUTH,
        kept=True,
    )
    def monitoring_overview(self, request):
        caller = self.guard.caller()
        body, etag = self.reads.answer(
            caller["partner_id"],
            ("overview",),
            lambda: compact_json(self.monitoring.overview(caller)),
        )
        return kept_json_response(request, body, etag)

    @api(
        "GET",
        "/v1/monitoring/computers",
        tag="monitoring",
        permission=roles.VIEW,
        summary="Computers by state and account.",
        query=monitoring_schemas.ComputerQuery,
        responses={200: page_of(monitoring_schemas.ComputerState)},
        errors=(400,) + AUTH,
        csv=True,
    )
    def monitoring_computers(self, request):
        caller = self.guard.caller()
        if csv_lists.wants_csv(request):
            list_page = self.monitoring.list_computers
            return csv_lists.csv_response(
                "computers",
                monitoring_schemas.ComputerState,
                lambda cursor: list_page(caller, csv_lists.page_query(request, cursor)),
                request,
                self.clock.now(),
            )
        return json_response(200, self.monitoring.list_computers(caller, query_args(request)))

    @api(
        "GET",
        "/v1/monitoring/computers/<computer_id>/reports",
        tag="monitoring",
        permission=roles.VIEW,
        summary="A computer's backup history, newest first.",
        query=PageQuery,
        responses={200: page_of(monitoring_schemas.Report)},
        errors=(400,) + AUTH + (404,),
    )
    def computer_reports(self, request, computer_id):
        """A computer added a moment ago may not have reached monitoring's copy yet; accounts, which
        owns computers, has it, and no report of it can have been stored before monitoring has it."""
        caller = self.guard.caller()
        try:
            return json_response(200, self.monitoring.reports(caller, computer_id, query_args(request)))
        except NotFound:
            if not self.accounts.computer_monitored(caller, computer_id):
                raise
        return json_response(200, {"items": [], "next_cursor": None})

    @api(
        "GET",
        "/v1/accounts/<account_id>/backup-status",
        tag="monitoring",
        permission=roles.VIEW,
        summary="An administered account's backups.",
        responses={200: monitoring_schemas.BackupStatus},
        errors=AUTH + (404,),
    )
    def backup_status(self, request, account_id):
        caller = self.guard.caller()
        if not self.accounts.account_briefs(caller, [account_id])[0]["administered"]:
            raise NotAdministrator()
        return json_response(200, self.monitoring.account_backup_status(caller, account_id))
