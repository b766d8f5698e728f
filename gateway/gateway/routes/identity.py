"""Sign-up, sessions, two-step verification, devices and employees: identity's routes."""

import logging
import time

import eventlet
from nameko.events import BROADCAST, event_handler

from portal_common import roles
from portal_common.errors import InvalidCredentials
from portal_common.events import ACCESS_CHANGED
from portal_common.schemas import identity as schemas
from portal_common.schemas.common import PageQuery, page_of

from gateway.http import api, json_body, query_args
from gateway.responses import json_response, no_content
from gateway.routes import AUTH, BODY

log = logging.getLogger(__name__)
# A reset is answered no sooner than this, known address or not: its timing tells nothing.
RESET_ANSWER_SECONDS = 0.3
# A refused sign-in likewise: a known employee's refusal is written to the audit log, an unknown
# address's is not, and that write must not tell them apart.
REFUSED_SIGN_IN_SECONDS = 0.5


class IdentityRoutes:
    @api(
        "POST",
        "/v1/signup",
        tag="identity",
        summary="Create a partner and its owner.",
        body=schemas.SignupRequest,
        responses={201: schemas.SignupResponse},
        errors=BODY + (409, 429),
    )
    def sign_up(self, request):
        """Identity makes the partner and its owner, then accounts the company profile, so that it
        can be read at once. Whatever becomes of that second step, the sign-up stands: accounts
        makes the profile from identity's `partner_signed_up` too."""
        self.sign_in_limits.admit(request)  # a sign-up hashes a password too
        answer = self.identity.sign_up(json_body(request))
        partner = answer["partner"]
        try:
            self.accounts_follow_up.create_company(partner["id"], partner["name"], answer["employee"])
        except Exception:  # noqa: BLE001 - the sign-up is done; the event makes the profile
            log.warning("the company of partner %s is left to partner_signed_up", partner["id"], exc_info=True)
        return json_response(201, answer)

    @api(
        "POST",
        "/v1/sessions",
        tag="identity",
        summary="Sign in; 202 when a second factor is due.",
        body=schemas.SignInRequest,
        responses={201: schemas.SessionCreated, 202: schemas.TwoFactorRequired},
        errors=BODY + (401, 429),
    )
    def sign_in(self, request):
        self.sign_in_limits.admit(request)
        started = time.monotonic()
        try:
            answer = self.identity.sign_in(json_body(request))
        except InvalidCredentials:
            eventlet.sleep(max(0.0, REFUSED_SIGN_IN_SECONDS - (time.monotonic() - started)))
            raise
        return json_response(202 if answer.get("two_factor_required") else 201, answer)

    @api(
        "POST",
        "/v1/sessions/verify",
        tag="identity",
        summary="Answer the two-step challenge.",
        body=schemas.VerifyRequest,
        responses={201: schemas.SessionCreated},
        errors=BODY + (401, 429),
    )
    def verify(self, request):
        answer = self.identity.verify(json_body(request), request.headers.get("User-Agent"))
        return json_response(201, answer)

    @api(
        "DELETE",
        "/v1/sessions/current",
        tag="identity",
        permission=roles.SELF,
        summary="Sign out.",
        responses={204: None},
        errors=AUTH,
    )
    def sign_out(self, request):
        caller = self.guard.caller()
        with self.guard.forgetting(caller["employee_id"]):
            self.identity.sign_out(caller)
        return no_content()

    @event_handler(ACCESS_CHANGED.producer, ACCESS_CHANGED.name, handler_type=BROADCAST, reliable_delivery=False)
    def forget_changed_access(self, event):
        """Every gateway instance forgets what it remembered of the employee's sessions."""
        self.guard.forget(event["id"])

    # --- the employee's own security --------------------------------------------------------------

    @api(
        "GET",
        "/v1/me",
        tag="identity",
        permission=roles.SELF,
        summary="The signed-in employee.",
        responses={200: schemas.Me},
        errors=AUTH,
    )
    def me(self, request):
        self.guard.caller()
        return json_response(200, self.guard.me)

    @api(
        "POST",
        "/v1/me/password",
        tag="identity",
        permission=roles.SELF,
        summary="Change your password.",
        body=schemas.PasswordChangeRequest,
        responses={204: None},
        errors=BODY + AUTH + (429,),
    )
    def change_password(self, request):
        caller = self.guard.caller()
        with self.guard.forgetting(caller["employee_id"]):
            self.identity.change_password(caller, json_body(request))
        return no_content()

    @api(
        "POST",
        "/v1/me/2fa/setup",
        tag="identity",
        permission=roles.SELF,
        summary="Start setting up two-step verification.",
        responses={200: schemas.TwoFactorSetup},
        errors=AUTH + (409,),
    )
    def set_up_two_factor(self, request):
        return json_response(200, self.identity.set_up_two_factor(self.guard.caller()))

    @api(
        "POST",
        "/v1/me/2fa/confirm",
        tag="identity",
        permission=roles.SELF,
        summary="Confirm with a code; answers the recovery codes.",
        body=schemas.TwoFactorConfirmRequest,
        responses={200: schemas.RecoveryCodes},
        errors=BODY + AUTH + (409,),
    )
    def confirm_two_factor(self, request):
        caller = self.guard.caller()
        with self.guard.forgetting(caller["employee_id"]):
            answer = self.identity.confirm_two_factor(caller, json_body(request))
        return json_response(200, answer)

    @api(
        "DELETE",
        "/v1/me/2fa",
        tag="identity",
        permission=roles.SELF,
        summary="Turn two-step verification off.",
        body=schemas.TwoFactorDisableRequest,
        responses={204: None},
        errors=BODY + AUTH + (409, 429),
    )
    def disable_two_factor(self, request):
        caller = self.guard.caller()
        with self.guard.forgetting(caller["employee_id"]):
            self.identity.disable_two_factor(caller, json_body(request))
        return no_content()

    @api(
        "GET",
        "/v1/me/devices",
        tag="identity",
        permission=roles.SELF,
        summary="Your trusted devices.",
        query=PageQuery,
        responses={200: page_of(schemas.Device)},
        errors=(400,) + AUTH,
    )
    def list_devices(self, request):
        return json_response(200, self.identity.list_devices(self.guard.caller(), query_args(request)))

    @api(
        "DELETE",
        "/v1/me/devices/<device_id>",
        tag="identity",
        permission=roles.SELF,
        summary="Stop trusting a device.",
        responses={204: None},
        errors=AUTH + (404,),
    )
    def revoke_device(self, request, device_id):
        self.identity.revoke_device(self.guard.caller(), device_id)
        return no_content()

    # --- employees --------------------------------------------------------------------------------

    @api(
        "GET",
        "/v1/employees",
        tag="identity",
        permission=roles.VIEW,
        summary="The partner's employees.",
        query=PageQuery,
        responses={200: page_of(schemas.Employee)},
        errors=(400,) + AUTH,
    )
    def list_employees(self, request):
        return json_response(200, self.identity.list_employees(self.guard.caller(), query_args(request)))

    @api(
        "POST",
        "/v1/employees",
        tag="identity",
        permission=roles.MANAGE_EMPLOYEES,
        summary="Add an employee; without a password, invite them by mail.",
        body=schemas.EmployeeCreateRequest,
        responses={201: schemas.Employee},
        errors=BODY + AUTH + (409,),
    )
    def create_employee(self, request):
        return json_response(201, self.identity.create_employee(self.guard.caller(), json_body(request)))

    @api(
        "GET",
        "/v1/employees/<employee_id>",
        tag="identity",
        permission=roles.VIEW,
        summary="One employee.",
        responses={200: schemas.Employee},
        errors=AUTH + (404,),
    )
    def get_employee(self, request, employee_id):
        return json_response(200, self.identity.get_employee(self.guard.caller(), employee_id))

    @api(
        "PATCH",
        "/v1/employees/<employee_id>",
        tag="identity",
        permission=roles.MANAGE_EMPLOYEES,
        summary="Change an employee's role or deactivate them.",
        body=schemas.EmployeeUpdateRequest,
        responses={200: schemas.Employee},
        errors=BODY + AUTH + (404, 409),
    )
    def update_employee(self, request, employee_id):
        caller = self.guard.caller()
        with self.guard.forgetting(employee_id):
            answer = self.identity.update_employee(caller, employee_id, json_body(request))
        return json_response(200, answer)

    @api(
        "DELETE",
        "/v1/employees/<employee_id>",
        tag="identity",
        permission=roles.MANAGE_EMPLOYEES,
        summary="Remove an employee.",
        responses={204: None},
        errors=AUTH + (404, 409),
    )
    def delete_employee(self, request, employee_id):
        caller = self.guard.caller()
        with self.guard.forgetting(employee_id):
            self.identity.delete_employee(caller, employee_id)
        return no_content()

    @api(
        "POST",
        "/v1/employees/<employee_id>/invitation",
        tag="identity",
        permission=roles.MANAGE_EMPLOYEES,
        summary="Mail a new invitation (the earlier link dies).",
        responses={202: schemas.Accepted},
        errors=AUTH + (404, 409),
    )
    def invite_again(self, request, employee_id):
        self.identity.invite_again(self.guard.caller(), employee_id)
        return json_response(202, {"status": "accepted"})

    @api(
        "POST",
        "/v1/invitations/accept",
        tag="identity",
        summary="Accept an invitation: set a password, signed in.",
        body=schemas.InvitationAcceptRequest,
        responses={201: schemas.SessionCreated},
        errors=BODY + (401, 429),
    )
    def accept_invitation(self, request):
        self.sign_in_limits.admit(request)  # it hashes a password
        return json_response(201, self.identity.accept_invitation(json_body(request)))

    @api(
        "POST",
        "/v1/password-reset",
        tag="identity",
        summary="Mail a password reset link, if the address is known.",
        body=schemas.PasswordResetRequest,
        responses={202: schemas.Accepted},
        errors=BODY + (429,),
    )
    def request_password_reset(self, request):
        """The same answer, in the same time, whether or not the address is an employee's."""
        started = time.monotonic()
        self.sign_in_limits.admit(request)
        self.identity.request_password_reset(json_body(request))
        eventlet.sleep(max(0.0, RESET_ANSWER_SECONDS - (time.monotonic() - started)))
        return json_response(202, {"status": "accepted"})

    @api(
        "POST",
        "/v1/password-reset/confirm",
        tag="identity",
        summary="Set a new password with a reset link.",
        body=schemas.PasswordResetConfirmRequest,
        responses={204: None},
        errors=BODY + (401, 429),
    )
    def confirm_password_reset(self, request):
        self.sign_in_limits.admit(request)  # it hashes a password
        self.identity.confirm_password_reset(json_body(request))
        return no_content()
