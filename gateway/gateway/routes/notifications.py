"""Alert preferences: which alerts the partner gets, and by mail to whom."""
from portal_common import roles
from portal_common.schemas import notifications as notifications_schemas

from gateway.http import api, json_body
from gateway.responses import json_response
from gateway.routes import AUTH, BODY


class NotificationsRoutes:
    @api("GET", "/v1/notifications/settings", tag="notifications", permission=roles.VIEW,
         summary="Which alerts are sent, and by mail to whom.", responses={200: notifications_schemas.Settings},
         errors=AUTH)
    def get_notification_settings(self, request):
        return json_response(200, self.notifications.get_settings(self.guard.caller()))

    @api("PUT", "/v1/notifications/settings", tag="notifications", permission=roles.EDIT_COMPANY,
         summary="Choose the alerts and their recipients (owner, admin).", body=notifications_schemas.Settings,
         responses={200: notifications_schemas.Settings}, errors=BODY + AUTH)
    def put_notification_settings(self, request):
        return json_response(200, self.notifications.put_settings(self.guard.caller(), json_body(request)))
