"""Every event on the bus, declared once: its name, the service that publishes it, its payload's
schema and version, and who consumes it. Producers emit through `EventType.envelope`, consumers
subscribe by the `EventType` itself, and tests validate what was published with `problems`.

Every payload is one envelope (`event_id`, `occurred_at`, the entity's `id` and `version`, the
acting employee's id or null for the system, the request id or null) with the event's own fields
beside it, flat. Consumers keep only what is newer than what they have (`version`), so an event may
arrive twice or late.
"""

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any, overload

from marshmallow import RAISE, Schema, fields, validate

from portal_common.ids import new_id
from portal_common.schemas.fields import utc_text

OUTSIDE = "published for outside consumers"
# Consumers whose handlers are broadcasts to each running instance, on queues that go with it.
BROADCAST_CONSUMERS = ("gateway",)


def iso(when: dt.datetime | None) -> str | None:
    """A time as events (and the contract) write it: `2026-11-26T04:23:31Z`."""
    return None if when is None else utc_text(when)


@overload
def from_iso(text: str) -> dt.datetime: ...
@overload
def from_iso(text: None) -> None: ...
def from_iso(text: str | None) -> dt.datetime | None:
    """The time an event wrote with `iso` (None stays None)."""
    return None if text is None else dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class Envelope(Schema):
    class Meta:
        unknown = RAISE

    event_id = fields.String(required=True, validate=validate.Length(equal=26))
    occurred_at = fields.String(required=True)
    id = fields.String(required=True)
    version = fields.Integer(required=True, strict=True)
    actor = fields.String(required=True, allow_none=True)
    request_id = fields.String(required=True, allow_none=True)


@dataclasses.dataclass(frozen=True)
class EventType:
    name: str
    producer: str
    schema: type
    consumers: tuple
    schema_version: int = 1

    def envelope(
        self,
        entity_id: str,
        version: int,
        occurred_at: dt.datetime,
        actor: str | None = None,
        request_id: str | None = None,
        **data: Any,
    ) -> dict[str, Any]:
        return {
            "event_id": new_id(),
            "occurred_at": iso(occurred_at),
            "id": entity_id,
            "version": version,
            "actor": actor,
            "request_id": request_id,
            **data,
        }

    @property
    def queues(self) -> tuple[str, ...]:
        """The durable queue of each service of this system that handles the event, as nameko names
        a handler's queue: its handler is `on_<event name>`. The producer declares them too, so an
        event published before its consumer's first start waits for it."""
        return tuple(
            f"evt-{self.producer}-{self.name}--{consumer}.on_{self.name}"
            for consumer in self.consumers
            if consumer not in (OUTSIDE, *BROADCAST_CONSUMERS)
        )

    def problems(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """What is wrong with `payload` for this event (marshmallow's messages); empty when nothing."""
        return _schema(self.schema).validate(payload)


_schemas: dict[type[Schema], Schema] = {}


def _schema(schema_class: type[Schema]) -> Schema:
    if schema_class not in _schemas:
        _schemas[schema_class] = schema_class()
    return _schemas[schema_class]


class InvalidEvent(ValueError):
    pass


# --- identity -------------------------------------------------------------------------------------


class _Person(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)


class PartnerSignedUp(Envelope):
    name = fields.String(required=True)
    owner = fields.Nested(_Person, required=True)


class EmployeeChanged(Envelope):
    partner_id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    active = fields.Boolean(required=True)


class _EmployeeLink(Envelope):
    """A single-use link for the employee (the entity) to be mailed: the token travels only here, to
    notifications, which puts it in the mail and keeps no copy once it is sent."""

    partner_id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    token = fields.String(required=True)
    expires_at = fields.String(required=True)


class EmployeeInvited(_EmployeeLink):
    invited_by = fields.String(required=True, allow_none=True)  # the inviter's name


class PasswordResetRequested(_EmployeeLink):
    pass


class AccessChanged(Envelope):
    """The entity is the employee whose sessions a gateway may have remembered."""


# --- accounts -------------------------------------------------------------------------------------


class AccountChanged(Envelope):
    partner_id = fields.String(required=True)
    name = fields.String(required=True)
    administered = fields.Boolean(required=True)
    released = fields.Boolean(required=True)
    item = fields.Dict(required=True)  # the account as the contract's list shows it (webhooks' data)


class CompanyChanged(Envelope):
    """The entity is the partner: its company's name and primary contact, as they are now."""

    name = fields.String(required=True)
    primary_contact_email = fields.String(required=True)
    primary_contact_name = fields.String(required=True)


class ComputerChanged(Envelope):
    account_id = fields.String(required=True)
    partner_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    agent_key_hash = fields.String(required=True)
    created_at = fields.String(required=True)
    removed = fields.Boolean(required=True)


# --- billing --------------------------------------------------------------------------------------


class SubscriptionChanged(Envelope):
    """The entity is the account: what its subscriptions add up to now."""

    partner_id = fields.String(required=True)
    status = fields.String(required=True)
    product = fields.String(required=True, allow_none=True)
    plan = fields.String(required=True, allow_none=True)
    expires_at = fields.String(required=True, allow_none=True)
    seats = fields.Integer(required=True, strict=True)
    server_seats = fields.Integer(required=True, strict=True)


class OrderPlaced(Envelope):
    """The entity is the order: `order` as the contract shows it."""

    partner_id = fields.String(required=True)
    order = fields.Dict(required=True)


class SubscriptionRenewed(Envelope):
    """The entity is the subscription: `subscription` as the contract shows it, renewed."""

    partner_id = fields.String(required=True)
    account_id = fields.String(required=True, allow_none=True)
    subscription = fields.Dict(required=True)


class SubscriptionEnding(Envelope):
    """The entity is the subscription; `subscription` is its item as the contract shows it."""

    partner_id = fields.String(required=True)
    account_id = fields.String(required=True, allow_none=True)
    subscription = fields.Dict(required=True)
    days = fields.Integer(required=True, strict=True)  # the warning's mark: 30, 7 or 3 days before


# --- monitoring -----------------------------------------------------------------------------------


class AccountBackupChanged(Envelope):
    partner_id = fields.String(required=True)
    bytes_backed_up = fields.Integer(required=True, strict=True)
    computers_not_backing_up = fields.Integer(required=True, strict=True)


class _ComputerAlert(Envelope):
    """What an alert about a computer says of it (monitoring's copy, at the moment of the change)."""

    account_id = fields.String(required=True)
    partner_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    account_name = fields.String(required=True)
    administered = fields.Boolean(required=True)  # of an account the partner administers now
    status = fields.String(required=True)
    last_success_at = fields.String(required=True, allow_none=True)
    last_status = fields.String(required=True, allow_none=True)


class ComputerStatusChanged(_ComputerAlert):
    previous_status = fields.String(required=True)


class ComputerBackupFailed(_ComputerAlert):
    """The entity is the failed report (each is told once, when stored); the computer is `computer_id`."""

    computer_id = fields.String(required=True)
    finished_at = fields.String(required=True)
    error = fields.String(required=True, allow_none=True)


# --- every service: the audit log ---------------------------------------------------------------

ACTIVITY_TYPES = (
    "employee.invited",
    "employee.created",
    "employee.updated",
    "employee.removed",
    "session.created",
    "session.refused",
    "session.ended",
    "password.changed",
    "password.reset",
    "two_factor.enabled",
    "two_factor.disabled",
    "device.revoked",
    "company.updated",
    "company.logo_changed",
    "account.created",
    "account.released",
    "account_user.added",
    "account_user.removed",
    "computer.added",
    "computer.removed",
    "order.placed",
    "trial.started",
    "trial.upgraded",
    "subscription.upgraded",
    "subscription.addon_added",
    "subscription.auto_renew_changed",
    "subscription.renewed",
    "subscription.expired",
    "monitoring.settings_changed",
    "webhook.created",
    "webhook.updated",
    "webhook.deleted",
    "notifications.settings_changed",
)


class ActivityRecorded(Envelope):
    """One entry of the audit log (`portal_common.activity`). The entity is the target; the actor
    (null: the system) and the request id are the envelope's."""

    partner_id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ACTIVITY_TYPES))
    target_kind = fields.String(required=True)
    target_name = fields.String(required=True, allow_none=True)
    summary = fields.String(required=True)


# --- the gateway ----------------------------------------------------------------------------------


class AgentReportsReceived(Envelope):
    """The entity is the batch. Each report was checked by the gateway against the contract and
    carries its id, computer, partner and time of arrival (`monitoring.adapters.report_messages`)."""

    reports = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1))


PARTNER_SIGNED_UP = EventType("partner_signed_up", "identity", PartnerSignedUp, ("accounts",))
EMPLOYEE_CREATED = EventType("employee_created", "identity", EmployeeChanged, ("audit",))
EMPLOYEE_UPDATED = EventType("employee_updated", "identity", EmployeeChanged, ("audit",))
EMPLOYEE_DEACTIVATED = EventType("employee_deactivated", "identity", EmployeeChanged, ("audit",))
EMPLOYEE_REMOVED = EventType("employee_removed", "identity", EmployeeChanged, ("audit",))
EMPLOYEE_INVITED = EventType("employee_invited", "identity", EmployeeInvited, ("notifications",))
PASSWORD_RESET_REQUESTED = EventType("password_reset_requested", "identity", PasswordResetRequested, ("notifications",))
ACCESS_CHANGED = EventType("access_changed", "identity", AccessChanged, ("gateway",))
ACCOUNT_CREATED = EventType("account_created", "accounts", AccountChanged, ("monitoring", "billing", "notifications"))
ACCOUNT_RELEASED = EventType("account_released", "accounts", AccountChanged, ("monitoring", "billing", "notifications"))
COMPANY_CHANGED = EventType("company_changed", "accounts", CompanyChanged, ("notifications",))
COMPUTER_ADDED = EventType("computer_added", "accounts", ComputerChanged, ("monitoring",))
COMPUTER_REMOVED = EventType("computer_removed", "accounts", ComputerChanged, ("monitoring", "gateway"))
SUBSCRIPTION_CHANGED = EventType("subscription_changed", "billing", SubscriptionChanged, ("accounts",))
ORDER_PLACED = EventType("order_placed", "billing", OrderPlaced, ("notifications",))
SUBSCRIPTION_RENEWED = EventType("subscription_renewed", "billing", SubscriptionRenewed, ("notifications",))
SUBSCRIPTION_EXPIRING = EventType("subscription_expiring", "billing", SubscriptionEnding, ("notifications",))
TRIAL_ENDING = EventType("trial_ending", "billing", SubscriptionEnding, ("notifications",))
ACCOUNT_BACKUP_CHANGED = EventType("account_backup_changed", "monitoring", AccountBackupChanged, ("accounts",))
COMPUTER_STATUS_CHANGED = EventType("computer_status_changed", "monitoring", ComputerStatusChanged, ("notifications",))
COMPUTER_BACKUP_FAILED = EventType("computer_backup_failed", "monitoring", ComputerBackupFailed, ("notifications",))
# One per producer, as nameko's handlers subscribe by service: `<service>_activity`.
ACTIVITY_PRODUCERS = ("identity", "accounts", "billing", "monitoring", "notifications")
ACTIVITY_RECORDED = {
    producer: EventType(f"{producer}_activity", producer, ActivityRecorded, ("audit",))
    for producer in ACTIVITY_PRODUCERS
}
AGENT_REPORTS_RECEIVED = EventType("agent_reports_received", "gateway", AgentReportsReceived, ("monitoring",))

REGISTRY = {
    (event.producer, event.name): event
    for event in (
        PARTNER_SIGNED_UP,
        EMPLOYEE_CREATED,
        EMPLOYEE_UPDATED,
        EMPLOYEE_DEACTIVATED,
        EMPLOYEE_REMOVED,
        EMPLOYEE_INVITED,
        PASSWORD_RESET_REQUESTED,
        ACCESS_CHANGED,
        ACCOUNT_CREATED,
        ACCOUNT_RELEASED,
        COMPANY_CHANGED,
        COMPUTER_ADDED,
        COMPUTER_REMOVED,
        SUBSCRIPTION_CHANGED,
        ORDER_PLACED,
        SUBSCRIPTION_RENEWED,
        SUBSCRIPTION_EXPIRING,
        TRIAL_ENDING,
        ACCOUNT_BACKUP_CHANGED,
        COMPUTER_STATUS_CHANGED,
        COMPUTER_BACKUP_FAILED,
        AGENT_REPORTS_RECEIVED,
        *ACTIVITY_RECORDED.values(),
    )
}


def checked(event_type: EventType, payload: dict[str, Any]) -> dict[str, Any]:
    """`payload` if it is what the registry says `event_type` carries; else `InvalidEvent`."""
    problems = event_type.problems(payload)
    if problems:
        raise InvalidEvent(f"{event_type.name} does not match its schema: {problems}")
    return payload
