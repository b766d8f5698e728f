"""Alert preferences (which alerts, by mail to whom) and webhook endpoints with their deliveries."""

from portal_common import roles
from portal_common.schemas import notifications as schemas
from portal_common.schemas.common import PageQuery, page_of

from gateway.http import api, json_body, query_args
from gateway.responses import json_response, no_content
from gateway.routes import AUTH, BODY


class NotificationsRoutes:
    @api(
        "GET",
        "/v1/notifications/settings",
        tag="notifications",
        permission=roles.VIEW,
        summary="Which alerts are sent, and by mail to whom.",
        responses={200: schemas.Settings},
        errors=AUTH,
    )
    def get_notification_settings(self, request):
        return json_response(200, self.notifications.get_settings(self.guard.caller()))

    @api(
        "PUT",
        "/v1/notifications/settings",
        tag="notifications",
        permission=roles.EDIT_COMPANY,
        summary="Choose the alerts and their recipients (owner, admin).",
        body=schemas.Settings,
        responses={200: schemas.Settings},
        errors=BODY + AUTH,
    )
    def put_notification_settings(self, request):
        return json_response(200, self.notifications.put_settings(self.guard.caller(), json_body(request)))

    # Webhooks are the owners' and admins' alone, reading included: a URL can carry a token of theirs.

    @api(
        "POST",
        "/v1/webhooks",
        tag="notifications",
        permission=roles.EDIT_COMPANY,
        summary="Add a webhook endpoint; its signing secret is shown only here.",
        body=schemas.WebhookCreateRequest,
        responses={201: schemas.WebhookCreated},
        errors=BODY + AUTH + (409,),
    )
    def create_webhook(self, request):
        return json_response(201, self.notifications.create_webhook(self.guard.caller(), json_body(request)))

    @api(
        "GET",
        "/v1/webhooks",
        tag="notifications",
        permission=roles.EDIT_COMPANY,
        summary="The partner's webhook endpoints, in the order they were added.",
        query=PageQuery,
        responses={200: page_of(schemas.Webhook)},
        errors=(400,) + AUTH,
    )
    def list_webhooks(self, request):
        return json_response(200, self.notifications.list_webhooks(self.guard.caller(), query_args(request)))

    @api(
        "GET",
        "/v1/webhooks/<webhook_id>",
        tag="notifications",
        permission=roles.EDIT_COMPANY,
        summary="One webhook endpoint.",
        responses={200: schemas.Webhook},
        errors=AUTH + (404,),
    )
    def get_webhook(self, request, webhook_id):
        return json_response(200, self.notifications.get_webhook(self.guard.caller(), webhook_id))

    @api(
        "PATCH",
        "/v1/webhooks/<webhook_id>",
        tag="notifications",
        permission=roles.EDIT_COMPANY,
        summary="Change its URL, events, description, or switch it on or off.",
        body=schemas.WebhookUpdateRequest,
        responses={200: schemas.Webhook},
        errors=BODY + AUTH + (404,),
    )
    def update_webhook(self, request, webhook_id):
        answer = self.notifications.update_webhook(self.guard.caller(), webhook_id, json_body(request))
        return json_response(200, answer)

    @api(
        "DELETE",
        "/v1/webhooks/<webhook_id>",
        tag="notifications",
        permission=roles.EDIT_COMPANY,
        summary="Remove a webhook endpoint and its deliveries.",
        responses={204: None},
        errors=AUTH + (404,),
    )
    def delete_webhook(self, request, webhook_id):
        self.notifications.delete_webhook(self.guard.caller(), webhook_id)
        return no_content()

    @api(
        "POST",
        "/v1/webhooks/<webhook_id>/test",
        tag="notifications",
        permission=roles.EDIT_COMPANY,
        summary="Send it a webhook.test event (409 while it is switched off).",
        responses={202: schemas.Accepted},
        errors=AUTH + (404, 409),
    )
    def test_webhook(self, request, webhook_id):
        self.notifications.test_webhook(self.guard.caller(), webhook_id)
        return json_response(202, {"status": "accepted"})

    @api(
        "GET",
        "/v1/webhooks/<webhook_id>/deliveries",
        tag="notifications",
        permission=roles.EDIT_COMPANY,
        summary="Its deliveries, newest first.",
        query=PageQuery,
        responses={200: page_of(schemas.Delivery)},
        errors=(400,) + AUTH + (404,),
    )
    def webhook_deliveries(self, request, webhook_id):
        answer = self.notifications.webhook_deliveries(self.guard.caller(), webhook_id, query_args(request))
        return json_response(200, answer)
