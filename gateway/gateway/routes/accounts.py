"""The company, its logo, and the customer accounts with their users and computers."""

import base64
import json
import logging

from eventlet.greenpool import GreenPile
from werkzeug.wrappers import Response

from portal_common import roles
from portal_common.errors import UnsupportedMediaType
from portal_common.schemas import accounts as account_schemas
from portal_common.schemas.common import page_of

from gateway import csv_lists
from gateway.http import api, json_body, query_args
from gateway.responses import SECURITY_HEADERS, json_response, kept_json_response, no_content
from gateway.routes import AUTH, BODY

log = logging.getLogger(__name__)
LOGO_BODY_LIMIT = 1024 * 1024
LOGO_TYPES = ("image/png", "image/jpeg", "image/gif")


class AccountsRoutes:
    @api(
        "GET",
        "/v1/company",
        tag="accounts",
        permission=roles.VIEW,
        summary="Your company's profile.",
        responses={200: account_schemas.Company},
        errors=AUTH,
    )
    def get_company(self, request):
        return json_response(200, self.accounts.get_company(self.guard.caller()))

    @api(
        "PATCH",
        "/v1/company",
        tag="accounts",
        permission=roles.EDIT_COMPANY,
        summary="Edit name, address, location or primary contact.",
        body=account_schemas.CompanyUpdateRequest,
        responses={200: account_schemas.Company},
        errors=BODY + AUTH,
    )
    def update_company(self, request):
        return json_response(200, self.accounts.update_company(self.guard.caller(), json_body(request)))

    @api(
        "PUT",
        "/v1/company/logo",
        tag="accounts",
        permission=roles.EDIT_COMPANY,
        body_limit=LOGO_BODY_LIMIT,
        raw_body=LOGO_TYPES,
        summary="Upload the logo: raw PNG, JPEG or GIF bytes, at most 1 MiB.",
        responses={200: account_schemas.LogoUrl},
        errors=AUTH + (413, 415),
    )
    def put_logo(self, request):
        caller = self.guard.caller()
        if request.mimetype not in LOGO_TYPES:
            raise UnsupportedMediaType("Send the logo as image/png, image/jpeg or image/gif.")
        data = base64.b64encode(request.get_data()).decode()
        return json_response(200, self.accounts.put_logo(caller, request.mimetype, data))

    @api(
        "GET",
        "/v1/company/logo",
        tag="accounts",
        permission=roles.VIEW,
        summary="The logo's bytes.",
        raw_response=LOGO_TYPES,
        responses={200: None},
        errors=AUTH + (404,),
    )
    def get_logo(self, request):
        logo = self.accounts.get_logo(self.guard.caller())
        response = Response(base64.b64decode(logo["data_base64"]), status=200, mimetype=logo["content_type"])
        response.headers.update(SECURITY_HEADERS)
        return response

    @api(
        "DELETE",
        "/v1/company/logo",
        tag="accounts",
        permission=roles.EDIT_COMPANY,
        summary="Remove the logo.",
        responses={204: None},
        errors=AUTH,
    )
    def delete_logo(self, request):
        self.accounts.delete_logo(self.guard.caller())
        return no_content()

    # --- customer accounts ------------------------------------------------------------------------

    @api(
        "POST",
        "/v1/accounts",
        tag="accounts",
        permission=roles.MANAGE_ACCOUNTS,
        summary="Open a customer account.",
        body=account_schemas.AccountCreateRequest,
        responses={201: account_schemas.AccountItem},
        errors=BODY + AUTH,
    )
    def create_account(self, request):
        return json_response(201, self.accounts.create_account(self.guard.caller(), json_body(request)))

    @api(
        "GET",
        "/v1/accounts",
        tag="accounts",
        permission=roles.VIEW,
        summary="The customer accounts, filtered by status and a search of name or contact email.",
        query=account_schemas.AccountQuery,
        responses={200: page_of(account_schemas.AccountItem)},
        errors=(400,) + AUTH,
        csv=True,
        kept=True,
    )
    def list_accounts(self, request):
        caller = self.guard.caller()
        if csv_lists.wants_csv(request):
            list_page = self.accounts.list_accounts  # the page as JSON text
            return csv_lists.csv_response(
                "accounts",
                account_schemas.AccountItem,
                lambda cursor: json.loads(list_page(caller, csv_lists.page_query(request, cursor))),
                request,
                self.clock.now(),
            )
        query = query_args(request)
        body, etag = self.reads.answer(
            caller["partner_id"],
            ("accounts", tuple(sorted(query.items()))),  # what the service is asked, nothing else
            lambda: self.accounts.list_accounts(caller, query),
        )
        return kept_json_response(request, body, etag)

    @api(
        "GET",
        "/v1/accounts/<account_id>",
        tag="accounts",
        permission=roles.VIEW,
        summary="One account with its users, computers and subscriptions.",
        responses={200: account_schemas.AccountDetail},
        errors=AUTH + (404,),
    )
    def get_account(self, request, account_id):
        """Accounts' part and billing's, asked at once (billing answers only the caller's)."""
        caller = self.guard.caller()
        pile = GreenPile(2)
        pile.spawn(self.accounts.get_account, caller, account_id)
        pile.spawn(self.billing.account_subscriptions, caller, account_id)
        account, subscriptions = pile
        return json_response(200, {**account, "subscriptions": subscriptions})

    @api(
        "POST",
        "/v1/accounts/<account_id>/release",
        tag="accounts",
        permission=roles.RELEASE_ACCOUNTS,
        summary="Release the customer: it keeps its data and renews on its own.",
        responses={200: account_schemas.Released},
        errors=AUTH + (404,),
    )
    def release_account(self, request, account_id):
        """Billing first asks accounts before selling to the account (it sells to the accounts it
        knows without asking), then accounts releases it, then billing stops renewing it, so that
        its subscriptions cannot be changed from the next request on. Whatever becomes of that last
        step, the release stands: billing stops renewing from accounts' `account_released` too."""
        caller = self.guard.caller()
        self.billing.account_releasing(caller, account_id)
        answer = self.accounts.release_account(caller, account_id)
        try:
            self.billing_follow_up.account_released(caller, account_id)
        except Exception:  # noqa: BLE001 - released already; the event carries it to billing
            log.warning("billing hears of the release of %s from account_released", account_id, exc_info=True)
        return json_response(200, answer)

    @api(
        "POST",
        "/v1/accounts/<account_id>/users",
        tag="accounts",
        permission=roles.MANAGE_ACCOUNTS,
        summary="Add a user to an account you administer.",
        body=account_schemas.UserCreateRequest,
        responses={201: account_schemas.User},
        errors=BODY + AUTH + (404, 409),
    )
    def add_user(self, request, account_id):
        caller = self.guard.caller()
        return json_response(201, self.accounts.add_user(caller, account_id, json_body(request)))

    @api(
        "DELETE",
        "/v1/accounts/<account_id>/users/<user_id>",
        tag="accounts",
        permission=roles.MANAGE_ACCOUNTS,
        summary="Remove a user.",
        responses={204: None},
        errors=AUTH + (404,),
    )
    def remove_user(self, request, account_id, user_id):
        self.accounts.remove_user(self.guard.caller(), account_id, user_id)
        return no_content()

    @api(
        "POST",
        "/v1/accounts/<account_id>/computers",
        tag="accounts",
        permission=roles.MANAGE_ACCOUNTS,
        summary="Add a computer; its agent key is shown only in this answer.",
        body=account_schemas.ComputerCreateRequest,
        responses={201: account_schemas.ComputerCreated},
        errors=BODY + AUTH + (404, 409),
    )
    def add_computer(self, request, account_id):
        """Billing's seats for the account, asked now, so that seats bought a moment ago count."""
        caller = self.guard.caller()
        body = json_body(request)
        seats = self.billing.account_seats(caller, account_id)
        return json_response(201, self.accounts.add_computer(caller, account_id, body, seats))

    @api(
        "DELETE",
        "/v1/accounts/<account_id>/computers/<computer_id>",
        tag="accounts",
        permission=roles.MANAGE_ACCOUNTS,
        summary="Remove a computer: its key stops working, its history stays.",
        responses={204: None},
        errors=AUTH + (404,),
    )
    def remove_computer(self, request, account_id, computer_id):
        """The key stops working from the next request on: this gateway forgets it at once, the
        others when `computer_removed` reaches them."""
        try:
            self.accounts.remove_computer(self.guard.caller(), account_id, computer_id)
        finally:  # a call that failed may still have removed it
            self.known_agents.forget_computer(computer_id)
        return no_content()
