"""Billing's part of the contract: catalog, orders, subscriptions, trials, upgrades, add-ons."""

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from portal_common.schemas.common import PageQuery
from portal_common.schemas.fields import StrictBoolean, StrictInteger, UtcDateTime

ID_MAX = 64
MAX_ORDER_ITEMS = 50
MAX_QUANTITY = 1000
SUBSCRIPTION_STATUSES = ("available", "trial", "active", "expired")


def _id(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=ID_MAX), **kwargs)


def _count(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_QUANTITY), **kwargs)


# --- catalog ------------------------------------------------------------------------------------


class Priced(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    annual_price_cents = fields.Integer(required=True)
    computers_included = fields.Integer(required=True)
    servers_included = fields.Integer(required=True)


class CatalogProduct(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    plans = fields.List(fields.Nested(Priced), required=True)


class Term(Schema):
    years = fields.Integer(required=True)
    discount_percent = fields.Integer(required=True)


class Catalog(Schema):
    currency = fields.String(required=True)
    terms = fields.List(fields.Nested(Term), required=True)
    trial_days = fields.Integer(required=True)
    products = fields.List(fields.Nested(CatalogProduct), required=True)
    addons = fields.List(fields.Nested(Priced), required=True)


# --- requests -----------------------------------------------------------------------------------


class OrderItem(Schema):
    product = _id(required=True)
    plan = _id(required=True)
    term_years = StrictInteger(required=True)
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))
    account_id = _id(load_default=None, allow_none=True)


class OrderRequest(Schema):
    items = fields.List(fields.Nested(OrderItem), required=True, validate=validate.Length(min=1, max=MAX_ORDER_ITEMS))


class TrialRequest(Schema):
    product = _id(required=True)
    plan = _id(required=True)


class TrialUpgradeRequest(Schema):
    """Either apply an inventory subscription, or buy a new one for a term."""

    subscription_id = _id()
    term_years = StrictInteger()
    plan = _id()
    product = _id()

    @validates_schema
    def one_way(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("subscription_id" in data) == ("term_years" in data):
            raise ValidationError("Give either subscription_id, or term_years (and maybe plan).", "_schema")
        if "subscription_id" in data and ("plan" in data or "product" in data):
            raise ValidationError("An inventory subscription brings its own product and plan.", "_schema")


class UpgradeRequest(Schema):
    plan = _id(required=True)


class QuoteQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    plan = _id(required=True)


class AddonRequest(Schema):
    addon = _id(required=True)
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY))


class SubscriptionPatch(Schema):
    auto_renew = StrictBoolean(required=True)


class SubscriptionQuery(PageQuery):
    """With `expires_before` (the renewals view), soonest expiry first; else in id order."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=validate.OneOf(SUBSCRIPTION_STATUSES))
    account_id = _id()
    expires_before = UtcDateTime(metadata={"description": "Only those expiring before then, soonest expiry first."})
    auto_renew = fields.Boolean(
        truthy={"true"},
        falsy={"false"},
        error_messages={"invalid": "Use true or false."},
        metadata={"description": "`true` or `false`."},
    )


# --- answers ------------------------------------------------------------------------------------


class OrderLine(Schema):
    product = fields.String(required=True)
    plan = fields.String(required=True)
    addon = fields.String(allow_none=True)
    term_years = fields.Integer(required=True)
    quantity = fields.Integer(required=True)
    unit_price_cents = fields.Integer(required=True)
    amount_cents = fields.Integer(required=True)
    account_id = fields.String(allow_none=True, required=True)
    subscription_id = fields.String(required=True)


class Order(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("purchase", "renewal", "upgrade", "addon")))
    created_at = UtcDateTime(required=True)
    currency = fields.String(required=True)
    total_cents = fields.Integer(required=True)
    lines = fields.List(fields.Nested(OrderLine), required=True)


class SubscriptionAddon(Schema):
    id = fields.String(required=True)
    addon = fields.String(required=True)
    quantity = fields.Integer(required=True)
    starts_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(allow_none=True, required=True)


class Subscription(Schema):
    id = fields.String(required=True)
    product = fields.String(required=True)
    plan = fields.String(required=True)
    term_years = fields.Integer(allow_none=True, required=True)
    quantity = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(SUBSCRIPTION_STATUSES))
    account_id = fields.String(allow_none=True, required=True)
    starts_at = UtcDateTime(allow_none=True, required=True)
    expires_at = UtcDateTime(allow_none=True, required=True)
    auto_renew = fields.Boolean(required=True)
    # An expired trial that was upgraded: the paid subscription it became (null otherwise).
    converted_to = fields.String(allow_none=True, required=True)
    addons = fields.List(fields.Nested(SubscriptionAddon), required=True)


class TrialUpgraded(Schema):
    subscription = fields.Nested(Subscription, required=True)
    order = fields.Nested(Order, allow_none=True)


class Quote(Schema):
    from_plan = fields.String(required=True)
    to_plan = fields.String(required=True)
    remaining_days = fields.Integer(required=True)
    term_days = fields.Integer(required=True)
    amount_cents = fields.Integer(required=True)
    currency = fields.String(required=True)


class Upgraded(Quote):
    order = fields.Nested(Order, required=True)
    subscription = fields.Nested(Subscription, required=True)


class AddonBought(Schema):
    order = fields.Nested(Order, required=True)
    subscription = fields.Nested(Subscription, required=True)
