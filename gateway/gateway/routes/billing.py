"""Catalog, orders, subscriptions, trials, upgrades and add-ons: billing's routes."""

from portal_common import roles
from portal_common.errors import AccountsToBeAsked, NotFound
from portal_common.idempotency_keys import HEADER
from portal_common.schemas import billing as billing_schemas
from portal_common.schemas import unstorable
from portal_common.schemas.billing import ID_MAX
from portal_common.schemas.common import PageQuery, page_of

from gateway import csv_lists
from gateway.http import api, json_body, query_args
from gateway.responses import json_response
from gateway.routes import AUTH, BODY

SPENDS = (409,)  # every spending route: idempotency_key_reused


def idempotency_key(request):
    return request.headers.get(HEADER)


def ordered_accounts(body):
    """The accounts an order's body names (billing checks the rest of it)."""
    items = body.get("items")
    return (
        sorted(
            {item["account_id"] for item in items if isinstance(item, dict) and isinstance(item.get("account_id"), str)}
        )
        if isinstance(items, list)
        else []
    )


class BillingRoutes:
    def _selling(self, caller, account_ids, sell):
        """`sell(found)` as billing answers it from the accounts it knows (no hop to accounts); for
        an account billing has not heard of yet, accounts is asked and billing called again."""
        if any(unstorable(account_id) or len(account_id) > ID_MAX for account_id in account_ids):
            return sell(False)  # no such id is stored anywhere (and billing refuses it with a 400 first)
        try:
            return sell(None)
        except AccountsToBeAsked:
            return sell(self._found(caller, account_ids))

    def _found(self, caller, account_ids):
        """Whether every account is the caller's and live, as accounts answers: billing, which sells
        to them, answers 404 where it should (after a replay or a bad request's 400)."""
        try:
            self.accounts.account_briefs(caller, account_ids)
        except NotFound:
            return False
        return True

    @api(
        "GET",
        "/v1/catalog",
        tag="billing",
        permission=roles.VIEW,
        summary="Products, plans, terms, add-ons.",
        responses={200: billing_schemas.Catalog},
        errors=AUTH,
    )
    def get_catalog(self, request):
        self.guard.caller()
        return json_response(200, self.billing.get_catalog())

    @api(
        "POST",
        "/v1/orders",
        tag="billing",
        permission=roles.PURCHASE,
        idempotent=True,
        summary="Buy subscriptions: to an account (running from now) or into the inventory.",
        body=billing_schemas.OrderRequest,
        responses={201: billing_schemas.Order},
        errors=BODY + AUTH + (404,) + SPENDS,
    )
    def place_order(self, request):
        caller = self.guard.caller()
        body = json_body(request)
        answer = self._selling(
            caller,
            ordered_accounts(body),
            lambda found: self.billing.place_order(caller, body, idempotency_key(request), found),
        )
        return json_response(201, answer)

    @api(
        "GET",
        "/v1/orders",
        tag="billing",
        permission=roles.VIEW,
        summary="The partner's orders.",
        query=PageQuery,
        responses={200: page_of(billing_schemas.Order)},
        errors=(400,) + AUTH,
    )
    def list_orders(self, request):
        return json_response(200, self.billing.list_orders(self.guard.caller(), query_args(request)))

    @api(
        "GET",
        "/v1/orders/<order_id>",
        tag="billing",
        permission=roles.VIEW,
        summary="One order.",
        responses={200: billing_schemas.Order},
        errors=AUTH + (404,),
    )
    def get_order(self, request, order_id):
        return json_response(200, self.billing.get_order(self.guard.caller(), order_id))

    @api(
        "GET",
        "/v1/subscriptions",
        tag="billing",
        permission=roles.VIEW,
        summary="Subscriptions, by status (available is the inventory), account, auto-renew and expiry "
        "(with expires_before, soonest expiry first: the renewals view).",
        query=billing_schemas.SubscriptionQuery,
        responses={200: page_of(billing_schemas.Subscription)},
        errors=(400,) + AUTH,
        csv=True,
    )
    def list_subscriptions(self, request):
        caller = self.guard.caller()
        if csv_lists.wants_csv(request):
            list_page = self.billing.list_subscriptions
            return csv_lists.csv_response(
                "subscriptions",
                billing_schemas.Subscription,
                lambda cursor: list_page(caller, csv_lists.page_query(request, cursor)),
                request,
                self.clock.now(),
            )
        return json_response(200, self.billing.list_subscriptions(caller, query_args(request)))

    @api(
        "GET",
        "/v1/subscriptions/<subscription_id>",
        tag="billing",
        permission=roles.VIEW,
        summary="One subscription.",
        responses={200: billing_schemas.Subscription},
        errors=AUTH + (404,),
    )
    def get_subscription(self, request, subscription_id):
        return json_response(200, self.billing.get_subscription(self.guard.caller(), subscription_id))

    @api(
        "PATCH",
        "/v1/subscriptions/<subscription_id>",
        tag="billing",
        permission=roles.PURCHASE,
        summary="Turn auto-renew on or off.",
        body=billing_schemas.SubscriptionPatch,
        responses={200: billing_schemas.Subscription},
        errors=BODY + AUTH + (404, 409),
    )
    def update_subscription(self, request, subscription_id):
        caller = self.guard.caller()
        return json_response(200, self.billing.update_subscription(caller, subscription_id, json_body(request)))

    @api(
        "POST",
        "/v1/accounts/<account_id>/trials",
        tag="billing",
        permission=roles.PURCHASE,
        summary="Start a trial on an account.",
        body=billing_schemas.TrialRequest,
        responses={201: billing_schemas.Subscription},
        errors=BODY + AUTH + (404, 409),
    )
    def start_trial(self, request, account_id):
        caller = self.guard.caller()
        body = json_body(request)
        answer = self._selling(
            caller, [account_id], lambda found: self.billing.start_trial(caller, account_id, body, found)
        )
        return json_response(201, answer)

    @api(
        "POST",
        "/v1/accounts/<account_id>/trial-upgrade",
        tag="billing",
        permission=roles.PURCHASE,
        idempotent="when buying",
        summary="Turn the trial into a paid subscription, from the inventory or by buying one "
        "(buying needs an Idempotency-Key).",
        body=billing_schemas.TrialUpgradeRequest,
        responses={200: billing_schemas.TrialUpgraded},
        errors=BODY + AUTH + (404,) + SPENDS,
    )
    def upgrade_trial(self, request, account_id):
        caller = self.guard.caller()
        body = json_body(request)
        key = idempotency_key(request)
        answer = self._selling(
            caller, [account_id], lambda found: self.billing.upgrade_trial(caller, account_id, body, key, found)
        )
        return json_response(200, answer)

    @api(
        "GET",
        "/v1/subscriptions/<subscription_id>/upgrade-quote",
        tag="billing",
        permission=roles.VIEW,
        summary="What upgrading to a dearer plan costs now, pro-rated.",
        query=billing_schemas.QuoteQuery,
        responses={200: billing_schemas.Quote},
        errors=(400,) + AUTH + (404, 409),
    )
    def upgrade_quote(self, request, subscription_id):
        caller = self.guard.caller()
        return json_response(200, self.billing.upgrade_quote(caller, subscription_id, query_args(request)))

    @api(
        "POST",
        "/v1/subscriptions/<subscription_id>/upgrade",
        tag="billing",
        permission=roles.PURCHASE,
        idempotent=True,
        summary="Upgrade to a dearer plan, pro-rated; the expiry stays.",
        body=billing_schemas.UpgradeRequest,
        responses={200: billing_schemas.Upgraded},
        errors=BODY + AUTH + (404,) + SPENDS,
    )
    def upgrade(self, request, subscription_id):
        caller = self.guard.caller()
        answer = self.billing.upgrade(caller, subscription_id, json_body(request), idempotency_key(request))
        return json_response(200, answer)

    @api(
        "POST",
        "/v1/subscriptions/<subscription_id>/addons",
        tag="billing",
        permission=roles.PURCHASE,
        idempotent=True,
        summary="Buy an add-on for the rest of the term, pro-rated.",
        body=billing_schemas.AddonRequest,
        responses={201: billing_schemas.AddonBought},
        errors=BODY + AUTH + (404,) + SPENDS,
    )
    def buy_addon(self, request, subscription_id):
        caller = self.guard.caller()
        answer = self.billing.buy_addon(caller, subscription_id, json_body(request), idempotency_key(request))
        return json_response(201, answer)
