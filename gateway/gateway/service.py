"""The gateway: the contract's routes, each mapped to one service call."""
import base64

import eventlet
from eventlet.greenpool import GreenPile
from nameko.events import BROADCAST, EventDispatcher, event_handler
from werkzeug.wrappers import Response

from portal_common import roles
from portal_common.clock import Clock
from portal_common.errors import NotAdministrator, UnsupportedMediaType, ValidationFailed
from portal_common.ids import new_id
from portal_common.schemas import accounts as account_schemas
from portal_common.schemas import billing as billing_schemas
from portal_common.schemas import dump, load
from portal_common.schemas import monitoring as monitoring_schemas
from portal_common.schemas import identity as schemas
from portal_common.schemas.common import PageQuery, page_of

from gateway import agents
from gateway.auth import Authenticator
from gateway.http import api, json_body, query_args
from gateway.openapi import openapi_document
from gateway.responses import SECURITY_HEADERS, json_response, no_content
from portal_common.rpc import ServiceRpc
from gateway.schemas import Health, Livez

# The services `/health` asks, each with a round trip over the bus.
BACKING_SERVICES = ("identity", "accounts", "billing", "monitoring")
HEALTH_TIMEOUT_SECONDS = 3.0

BODY = (400, 413, 415)
AUTH = (401, 403)
LOGO_BODY_LIMIT = 1024 * 1024
LOGO_TYPES = ("image/png", "image/jpeg", "image/gif")
SPENDS = (409,)  # every spending route: idempotency_key_reused


def idempotency_key(request):
    return request.headers.get("Idempotency-Key")


class GatewayService:
    name = "gateway"

    identity = ServiceRpc("identity")
    accounts = ServiceRpc("accounts")
    billing = ServiceRpc("billing")
    monitoring = ServiceRpc("monitoring")
    guard = Authenticator()
    clock = Clock()
    known_agents = agents.AgentKeys()
    # Confirmed and mandatory: 202 only once the broker holds the report in monitoring's queue.
    dispatch = EventDispatcher(mandatory=True)

    # --- operations -------------------------------------------------------------------------------

    @api("GET", "/livez", tag="operations", summary="Liveness: the gateway alone, no bus.",
         responses={200: Livez})
    def livez(self, request):
        return json_response(200, {"status": "ok"})

    @api("GET", "/health", tag="operations", summary="Readiness: a round trip to each service.",
         responses={200: Health, 503: Health})
    def health(self, request):
        pile = GreenPile(len(BACKING_SERVICES))
        for service in BACKING_SERVICES:
            pile.spawn(self._ping, service)
        services = dict(zip(BACKING_SERVICES, pile))
        healthy = all(state == "ok" for state in services.values())
        return json_response(200 if healthy else 503, {"status": "ok" if healthy else "degraded", "services": services})

    def _ping(self, service):
        try:
            with eventlet.Timeout(HEALTH_TIMEOUT_SECONDS):
                return getattr(self, service).ping()
        except (eventlet.Timeout, Exception):  # one dead service must not fail the whole answer
            return "unavailable"

    @api("GET", "/openapi.json", tag="operations", summary="This API as an OpenAPI 3 document.",
         responses={200: None})
    def openapi(self, request):
        return json_response(200, openapi_document())

    # --- sign-up and sessions ---------------------------------------------------------------------

    @api("POST", "/v1/signup", tag="identity", summary="Create a partner and its owner.",
         body=schemas.SignupRequest, responses={201: schemas.SignupResponse}, errors=BODY + (409,))
    def sign_up(self, request):
        return json_response(201, self.identity.sign_up(json_body(request)))

    @api("POST", "/v1/sessions", tag="identity", summary="Sign in; 202 when a second factor is due.",
         body=schemas.SignInRequest, responses={201: schemas.SessionCreated, 202: schemas.TwoFactorRequired},
         errors=BODY + (401, 429))
    def sign_in(self, request):
        answer = self.identity.sign_in(json_body(request))
        return json_response(202 if answer.get("two_factor_required") else 201, answer)

    @api("POST", "/v1/sessions/verify", tag="identity", summary="Answer the two-step challenge.",
         body=schemas.VerifyRequest, responses={201: schemas.SessionCreated}, errors=BODY + (401,))
    def verify(self, request):
        answer = self.identity.verify(json_body(request), request.headers.get("User-Agent"))
        return json_response(201, answer)

    @api("DELETE", "/v1/sessions/current", tag="identity", permission=roles.SELF, summary="Sign out.",
         responses={204: None}, errors=AUTH)
    def sign_out(self, request):
        self.identity.sign_out(self.guard.caller())
        return no_content()

    # --- the employee's own security --------------------------------------------------------------

    @api("GET", "/v1/me", tag="identity", permission=roles.SELF, summary="The signed-in employee.",
         responses={200: schemas.Me}, errors=AUTH)
    def me(self, request):
        self.guard.caller()
        return json_response(200, self.guard.me)

    @api("POST", "/v1/me/password", tag="identity", permission=roles.SELF, summary="Change your password.",
         body=schemas.PasswordChangeRequest, responses={204: None}, errors=BODY + AUTH + (429,))
    def change_password(self, request):
        self.identity.change_password(self.guard.caller(), json_body(request))
        return no_content()

    @api("POST", "/v1/me/2fa/setup", tag="identity", permission=roles.SELF,
         summary="Start setting up two-step verification.", responses={200: schemas.TwoFactorSetup},
         errors=AUTH + (409,))
    def set_up_two_factor(self, request):
        return json_response(200, self.identity.set_up_two_factor(self.guard.caller()))

    @api("POST", "/v1/me/2fa/confirm", tag="identity", permission=roles.SELF,
         summary="Confirm with a code; answers the recovery codes.", body=schemas.TwoFactorConfirmRequest,
         responses={200: schemas.RecoveryCodes}, errors=BODY + AUTH + (409,))
    def confirm_two_factor(self, request):
        return json_response(200, self.identity.confirm_two_factor(self.guard.caller(), json_body(request)))

    @api("DELETE", "/v1/me/2fa", tag="identity", permission=roles.SELF,
         summary="Turn two-step verification off.", body=schemas.TwoFactorDisableRequest,
         responses={204: None}, errors=BODY + AUTH + (409, 429))
    def disable_two_factor(self, request):
        self.identity.disable_two_factor(self.guard.caller(), json_body(request))
        return no_content()

    @api("GET", "/v1/me/devices", tag="identity", permission=roles.SELF, summary="Your trusted devices.",
         query=PageQuery, responses={200: page_of(schemas.Device)}, errors=(400,) + AUTH)
    def list_devices(self, request):
        return json_response(200, self.identity.list_devices(self.guard.caller(), query_args(request)))

    @api("DELETE", "/v1/me/devices/<device_id>", tag="identity", permission=roles.SELF,
         summary="Stop trusting a device.", responses={204: None}, errors=AUTH + (404,))
    def revoke_device(self, request, device_id):
        self.identity.revoke_device(self.guard.caller(), device_id)
        return no_content()

    # --- employees --------------------------------------------------------------------------------

    @api("GET", "/v1/employees", tag="identity", permission=roles.VIEW, summary="The partner's employees.",
         query=PageQuery, responses={200: page_of(schemas.Employee)}, errors=(400,) + AUTH)
    def list_employees(self, request):
        return json_response(200, self.identity.list_employees(self.guard.caller(), query_args(request)))

    @api("POST", "/v1/employees", tag="identity", permission=roles.MANAGE_EMPLOYEES,
         summary="Add an employee.", body=schemas.EmployeeCreateRequest,
         responses={201: schemas.Employee}, errors=BODY + AUTH + (409,))
    def create_employee(self, request):
        return json_response(201, self.identity.create_employee(self.guard.caller(), json_body(request)))

    @api("GET", "/v1/employees/<employee_id>", tag="identity", permission=roles.VIEW,
         summary="One employee.", responses={200: schemas.Employee}, errors=AUTH + (404,))
    def get_employee(self, request, employee_id):
        return json_response(200, self.identity.get_employee(self.guard.caller(), employee_id))

    @api("PATCH", "/v1/employees/<employee_id>", tag="identity", permission=roles.MANAGE_EMPLOYEES,
         summary="Change an employee's role or deactivate them.", body=schemas.EmployeeUpdateRequest,
         responses={200: schemas.Employee}, errors=BODY + AUTH + (404, 409))
    def update_employee(self, request, employee_id):
        caller = self.guard.caller()
        return json_response(200, self.identity.update_employee(caller, employee_id, json_body(request)))

    @api("DELETE", "/v1/employees/<employee_id>", tag="identity", permission=roles.MANAGE_EMPLOYEES,
         summary="Remove an employee.", responses={204: None}, errors=AUTH + (404, 409))
    def delete_employee(self, request, employee_id):
        self.identity.delete_employee(self.guard.caller(), employee_id)
        return no_content()

    # --- the company ------------------------------------------------------------------------------

    @api("GET", "/v1/company", tag="accounts", permission=roles.VIEW, summary="Your company's profile.",
         responses={200: account_schemas.Company}, errors=AUTH)
    def get_company(self, request):
        return json_response(200, self.accounts.get_company(self.guard.caller()))

    @api("PATCH", "/v1/company", tag="accounts", permission=roles.EDIT_COMPANY,
         summary="Edit name, address, location or primary contact.", body=account_schemas.CompanyUpdateRequest,
         responses={200: account_schemas.Company}, errors=BODY + AUTH)
    def update_company(self, request):
        return json_response(200, self.accounts.update_company(self.guard.caller(), json_body(request)))

    @api("PUT", "/v1/company/logo", tag="accounts", permission=roles.EDIT_COMPANY, body_limit=LOGO_BODY_LIMIT,
         raw_body=LOGO_TYPES,
         summary="Upload the logo: raw PNG, JPEG or GIF bytes, at most 1 MiB.",
         responses={200: account_schemas.LogoUrl}, errors=AUTH + (413, 415))
    def put_logo(self, request):
        caller = self.guard.caller()
        if request.mimetype not in LOGO_TYPES:
            raise UnsupportedMediaType("Send the logo as image/png, image/jpeg or image/gif.")
        data = base64.b64encode(request.get_data()).decode()
        return json_response(200, self.accounts.put_logo(caller, request.mimetype, data))

    @api("GET", "/v1/company/logo", tag="accounts", permission=roles.VIEW, summary="The logo's bytes.",
         raw_response=LOGO_TYPES,
         responses={200: None}, errors=AUTH + (404,))
    def get_logo(self, request):
        logo = self.accounts.get_logo(self.guard.caller())
        response = Response(base64.b64decode(logo["data_base64"]), status=200, mimetype=logo["content_type"])
        response.headers.update(SECURITY_HEADERS)
        return response

    @api("DELETE", "/v1/company/logo", tag="accounts", permission=roles.EDIT_COMPANY, summary="Remove the logo.",
         responses={204: None}, errors=AUTH)
    def delete_logo(self, request):
        self.accounts.delete_logo(self.guard.caller())
        return no_content()

    # --- customer accounts ------------------------------------------------------------------------

    @api("POST", "/v1/accounts", tag="accounts", permission=roles.MANAGE_ACCOUNTS,
         summary="Open a customer account.", body=account_schemas.AccountCreateRequest,
         responses={201: account_schemas.AccountItem}, errors=BODY + AUTH)
    def create_account(self, request):
        return json_response(201, self.accounts.create_account(self.guard.caller(), json_body(request)))

    @api("GET", "/v1/accounts", tag="accounts", permission=roles.VIEW,
         summary="The customer accounts, filtered by status and a search of name or contact email.",
         query=account_schemas.AccountQuery, responses={200: page_of(account_schemas.AccountItem)},
         errors=(400,) + AUTH)
    def list_accounts(self, request):
        return json_response(200, self.accounts.list_accounts(self.guard.caller(), query_args(request)))

    @api("GET", "/v1/accounts/<account_id>", tag="accounts", permission=roles.VIEW,
         summary="One account with its users, computers and subscriptions.",
         responses={200: account_schemas.AccountDetail}, errors=AUTH + (404,))
    def get_account(self, request, account_id):
        return json_response(200, self.accounts.get_account(self.guard.caller(), account_id))

    @api("POST", "/v1/accounts/<account_id>/release", tag="accounts", permission=roles.RELEASE_ACCOUNTS,
         summary="Release the customer: it keeps its data and renews on its own.",
         responses={200: account_schemas.Released}, errors=AUTH + (404,))
    def release_account(self, request, account_id):
        return json_response(200, self.accounts.release_account(self.guard.caller(), account_id))

    @api("POST", "/v1/accounts/<account_id>/users", tag="accounts", permission=roles.MANAGE_ACCOUNTS,
         summary="Add a user to an account you administer.", body=account_schemas.UserCreateRequest,
         responses={201: account_schemas.User}, errors=BODY + AUTH + (404, 409))
    def add_user(self, request, account_id):
        caller = self.guard.caller()
        return json_response(201, self.accounts.add_user(caller, account_id, json_body(request)))

    @api("DELETE", "/v1/accounts/<account_id>/users/<user_id>", tag="accounts",
         permission=roles.MANAGE_ACCOUNTS, summary="Remove a user.", responses={204: None}, errors=AUTH + (404,))
    def remove_user(self, request, account_id, user_id):
        self.accounts.remove_user(self.guard.caller(), account_id, user_id)
        return no_content()

    @api("POST", "/v1/accounts/<account_id>/computers", tag="accounts", permission=roles.MANAGE_ACCOUNTS,
         summary="Add a computer; its agent key is shown only in this answer.",
         body=account_schemas.ComputerCreateRequest, responses={201: account_schemas.ComputerCreated},
         errors=BODY + AUTH + (404, 409))
    def add_computer(self, request, account_id):
        caller = self.guard.caller()
        return json_response(201, self.accounts.add_computer(caller, account_id, json_body(request)))

    @api("DELETE", "/v1/accounts/<account_id>/computers/<computer_id>", tag="accounts",
         permission=roles.MANAGE_ACCOUNTS, summary="Remove a computer: its key stops working, its history stays.",
         responses={204: None}, errors=AUTH + (404,))
    def remove_computer(self, request, account_id, computer_id):
        self.accounts.remove_computer(self.guard.caller(), account_id, computer_id)
        return no_content()

    # --- billing ----------------------------------------------------------------------------------

    @api("GET", "/v1/catalog", tag="billing", permission=roles.VIEW, summary="Products, plans, terms, add-ons.",
         responses={200: billing_schemas.Catalog}, errors=AUTH)
    def get_catalog(self, request):
        self.guard.caller()
        return json_response(200, self.billing.get_catalog())

    @api("POST", "/v1/orders", tag="billing", permission=roles.PURCHASE, idempotent=True,
         summary="Buy subscriptions: to an account (running from now) or into the inventory.",
         body=billing_schemas.OrderRequest, responses={201: billing_schemas.Order}, errors=BODY + AUTH + (404,) + SPENDS)
    def place_order(self, request):
        caller = self.guard.caller()
        return json_response(201, self.billing.place_order(caller, json_body(request), idempotency_key(request)))

    @api("GET", "/v1/orders", tag="billing", permission=roles.VIEW, summary="The partner's orders.",
         query=PageQuery, responses={200: page_of(billing_schemas.Order)}, errors=(400,) + AUTH)
    def list_orders(self, request):
        return json_response(200, self.billing.list_orders(self.guard.caller(), query_args(request)))

    @api("GET", "/v1/orders/<order_id>", tag="billing", permission=roles.VIEW, summary="One order.",
         responses={200: billing_schemas.Order}, errors=AUTH + (404,))
    def get_order(self, request, order_id):
        return json_response(200, self.billing.get_order(self.guard.caller(), order_id))

    @api("GET", "/v1/subscriptions", tag="billing", permission=roles.VIEW,
         summary="Subscriptions, by status (available is the inventory) and account.",
         query=billing_schemas.SubscriptionQuery, responses={200: page_of(billing_schemas.Subscription)},
         errors=(400,) + AUTH)
    def list_subscriptions(self, request):
        return json_response(200, self.billing.list_subscriptions(self.guard.caller(), query_args(request)))

    @api("GET", "/v1/subscriptions/<subscription_id>", tag="billing", permission=roles.VIEW,
         summary="One subscription.", responses={200: billing_schemas.Subscription}, errors=AUTH + (404,))
    def get_subscription(self, request, subscription_id):
        return json_response(200, self.billing.get_subscription(self.guard.caller(), subscription_id))

    @api("PATCH", "/v1/subscriptions/<subscription_id>", tag="billing", permission=roles.PURCHASE,
         summary="Turn auto-renew on or off.", body=billing_schemas.SubscriptionPatch,
         responses={200: billing_schemas.Subscription}, errors=BODY + AUTH + (404, 409))
    def update_subscription(self, request, subscription_id):
        caller = self.guard.caller()
        return json_response(200, self.billing.update_subscription(caller, subscription_id, json_body(request)))

    @api("POST", "/v1/accounts/<account_id>/trials", tag="billing", permission=roles.PURCHASE,
         summary="Start a trial on an account.", body=billing_schemas.TrialRequest,
         responses={201: billing_schemas.Subscription}, errors=BODY + AUTH + (404, 409))
    def start_trial(self, request, account_id):
        caller = self.guard.caller()
        return json_response(201, self.billing.start_trial(caller, account_id, json_body(request)))

    @api("POST", "/v1/accounts/<account_id>/trial-upgrade", tag="billing", permission=roles.PURCHASE,
         idempotent="when buying", summary="Turn the trial into a paid subscription, from the inventory or by buying one "
         "(buying needs an Idempotency-Key).", body=billing_schemas.TrialUpgradeRequest,
         responses={200: billing_schemas.TrialUpgraded}, errors=BODY + AUTH + (404,) + SPENDS)
    def upgrade_trial(self, request, account_id):
        caller = self.guard.caller()
        answer = self.billing.upgrade_trial(caller, account_id, json_body(request), idempotency_key(request))
        return json_response(200, answer)

    @api("GET", "/v1/subscriptions/<subscription_id>/upgrade-quote", tag="billing", permission=roles.VIEW,
         summary="What upgrading to a dearer plan costs now, pro-rated.", query=billing_schemas.QuoteQuery,
         responses={200: billing_schemas.Quote}, errors=(400,) + AUTH + (404, 409))
    def upgrade_quote(self, request, subscription_id):
        caller = self.guard.caller()
        return json_response(200, self.billing.upgrade_quote(caller, subscription_id, query_args(request)))

    @api("POST", "/v1/subscriptions/<subscription_id>/upgrade", tag="billing", permission=roles.PURCHASE,
         idempotent=True, summary="Upgrade to a dearer plan, pro-rated; the expiry stays.",
         body=billing_schemas.UpgradeRequest, responses={200: billing_schemas.Upgraded},
         errors=BODY + AUTH + (404,) + SPENDS)
    def upgrade(self, request, subscription_id):
        caller = self.guard.caller()
        answer = self.billing.upgrade(caller, subscription_id, json_body(request), idempotency_key(request))
        return json_response(200, answer)

    @api("POST", "/v1/subscriptions/<subscription_id>/addons", tag="billing", permission=roles.PURCHASE,
         idempotent=True, summary="Buy an add-on for the rest of the term, pro-rated.",
         body=billing_schemas.AddonRequest, responses={201: billing_schemas.AddonBought},
         errors=BODY + AUTH + (404,) + SPENDS)
    def buy_addon(self, request, subscription_id):
        caller = self.guard.caller()
        answer = self.billing.buy_addon(caller, subscription_id, json_body(request), idempotency_key(request))
        return json_response(201, answer)

    # --- monitoring -------------------------------------------------------------------------------

    @api("POST", "/v1/agent/reports", tag="monitoring", summary="A backup agent reports a backup.",
         body=monitoring_schemas.ReportRequest, responses={202: monitoring_schemas.Accepted},
         errors=BODY + (401,), agent=True)
    def agent_report(self, request):
        identity = agents.identify(self.known_agents, self.monitoring, request)
        now = self.clock.now()
        data = load(monitoring_schemas.ReportRequest, json_body(request))
        if monitoring_schemas.from_the_future(data["finished_at"], now):
            raise ValidationFailed("The report finishes in the future: check the computer's clock.",
                                   {"finished_at": ["More than 5 minutes in the future."]})
        report_id = new_id()
        message = dump(monitoring_schemas.ReportMessage, {
            **data, "id": report_id, "computer_id": identity["computer_id"], "partner_id": identity["partner_id"],
            "received_at": now,
        })
        agents.hand_on(self.dispatch, message)
        return json_response(202, {"id": report_id, "status": "accepted"})

    @event_handler("accounts", "computer_removed", handler_type=BROADCAST, reliable_delivery=False)
    def forget_removed_agent(self, event):
        """Every gateway instance drops the removed computer's key from its memory at once."""
        self.known_agents.forget(event["agent_key_hash"])

    @api("GET", "/v1/monitoring/settings", tag="monitoring", permission=roles.VIEW,
         summary="The threshold for not backing up.", responses={200: monitoring_schemas.Settings}, errors=AUTH)
    def get_monitoring_settings(self, request):
        return json_response(200, self.monitoring.get_settings(self.guard.caller()))

    @api("PATCH", "/v1/monitoring/settings", tag="monitoring", permission=roles.EDIT_COMPANY,
         summary="Change the threshold (1–720 hours).", body=monitoring_schemas.Settings,
         responses={200: monitoring_schemas.Settings}, errors=BODY + AUTH)
    def update_monitoring_settings(self, request):
        caller = self.guard.caller()
        return json_response(200, self.monitoring.update_settings(caller, json_body(request)))

    @api("GET", "/v1/monitoring/overview", tag="monitoring", permission=roles.VIEW,
         summary="Totals over the accounts you administer.", responses={200: monitoring_schemas.Overview},
         errors=AUTH)
    def monitoring_overview(self, request):
        return json_response(200, self.monitoring.overview(self.guard.caller()))

    @api("GET", "/v1/monitoring/computers", tag="monitoring", permission=roles.VIEW,
         summary="Computers by state and account.", query=monitoring_schemas.ComputerQuery,
         responses={200: page_of(monitoring_schemas.ComputerState)}, errors=(400,) + AUTH)
    def monitoring_computers(self, request):
        return json_response(200, self.monitoring.list_computers(self.guard.caller(), query_args(request)))

    @api("GET", "/v1/monitoring/computers/<computer_id>/reports", tag="monitoring", permission=roles.VIEW,
         summary="A computer's backup history, newest first.", query=PageQuery,
         responses={200: page_of(monitoring_schemas.Report)}, errors=(400,) + AUTH + (404,))
    def computer_reports(self, request, computer_id):
        caller = self.guard.caller()
        return json_response(200, self.monitoring.reports(caller, computer_id, query_args(request)))

    @api("GET", "/v1/accounts/<account_id>/backup-status", tag="monitoring", permission=roles.VIEW,
         summary="An administered account's backups.", responses={200: monitoring_schemas.BackupStatus},
         errors=AUTH + (404,))
    def backup_status(self, request, account_id):
        caller = self.guard.caller()
        if not self.accounts.account_brief(caller, account_id)["administered"]:
            raise NotAdministrator()
        return json_response(200, self.monitoring.account_backup_status(caller, account_id))
