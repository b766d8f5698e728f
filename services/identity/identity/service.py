"""The identity service: entrypoints and providers, nothing else. It calls no other service."""

from portal_common.clock import Clock
from portal_common.errors import PortalError
from portal_common.health import HealthCheck
from portal_common.observability import Observer
from portal_common.rpc import rpc
from portal_common.schemas import dump, load
from portal_common.schemas import identity as api
from portal_common.schemas.common import PageQuery
from portal_common.unit_of_work import UnitOfWorkProvider

from identity.adapters.orm import Base
from identity.adapters.unit_of_work import IdentityUnitOfWork
from identity.dependencies import PasswordHasher, SeedKeys
from identity.usecases import employees, links, policy, sessions, two_factor

command = rpc(expected_exceptions=PortalError)


def secret_rpc(*fields):
    """An RPC whose named payload fields never reach a log line."""
    return rpc(expected_exceptions=PortalError, sensitive_arguments=fields)


class IdentityService(HealthCheck):
    name = "identity"
    observer = Observer()

    uow = UnitOfWorkProvider(Base, IdentityUnitOfWork)
    clock = Clock()
    hasher = PasswordHasher()
    seed_keys = SeedKeys()

    # --- sign-up and sessions ---------------------------------------------------------------------

    @secret_rpc("payload.password")
    def sign_up(self, payload):
        answer = employees.sign_up(self.uow, self.hasher, self.clock.now(), load(api.SignupRequest, payload))
        return dump(api.SignupResponse, answer)

    @secret_rpc("payload.password", "payload.device_token")
    def sign_in(self, payload):
        answer = sessions.sign_in(self.uow, self.hasher, self.clock.now(), load(api.SignInRequest, payload))
        if answer.get("two_factor_required"):
            return dump(api.TwoFactorRequired, answer)
        return dump(api.SessionCreated, answer)

    @secret_rpc("payload.code", "payload.challenge")
    def verify(self, payload, user_agent=None):
        data = load(api.VerifyRequest, payload)
        return dump(api.SessionCreated, sessions.verify(self.uow, self.clock.now(), data, _clip(user_agent)))

    @secret_rpc("token")
    def authenticate(self, token):
        return sessions.authenticate(self.uow, self.clock.now(), token)

    @command
    def sign_out(self, caller):
        sessions.sign_out(self.uow, self.clock.now(), caller)

    # --- links by mail: invitations and password resets ------------------------------------------

    @secret_rpc("payload.token", "payload.password")
    def accept_invitation(self, payload):
        data = load(api.InvitationAcceptRequest, payload)
        return dump(api.SessionCreated, links.accept_invitation(self.uow, self.hasher, self.clock.now(), data))

    @command
    def request_password_reset(self, payload):
        links.request_reset(self.uow, self.clock.now(), load(api.PasswordResetRequest, payload)["email"])

    @secret_rpc("payload.token", "payload.new_password", "payload.code")
    def confirm_password_reset(self, payload):
        data = load(api.PasswordResetConfirmRequest, payload)
        links.confirm_reset(self.uow, self.hasher, self.clock.now(), data)

    # --- the employee's own security --------------------------------------------------------------

    @secret_rpc("payload.current_password", "payload.new_password", "payload.code")
    def change_password(self, caller, payload):
        data = load(api.PasswordChangeRequest, payload)
        sessions.change_password(self.uow, self.hasher, self.clock.now(), caller, data)

    @command
    def set_up_two_factor(self, caller):
        return dump(api.TwoFactorSetup, two_factor.set_up(self.uow, caller))

    @secret_rpc("payload.code")
    def confirm_two_factor(self, caller, payload):
        data = load(api.TwoFactorConfirmRequest, payload)
        answer = two_factor.confirm(self.uow, self.clock.now(), caller, data)
        return dump(api.RecoveryCodes, answer)

    @secret_rpc("payload.password", "payload.code")
    def disable_two_factor(self, caller, payload):
        data = load(api.TwoFactorDisableRequest, payload)
        two_factor.disable(self.uow, self.hasher, self.clock.now(), caller, data)

    @command
    def list_devices(self, caller, query=None):
        answer = two_factor.list_devices(self.uow, self.clock.now(), caller, load(PageQuery, query))
        return {**answer, "items": dump(api.Device, answer["items"], many=True)}

    @command
    def revoke_device(self, caller, device_id):
        two_factor.revoke_device(self.uow, self.clock.now(), caller, device_id)

    # --- the partner's employees ------------------------------------------------------------------

    @command
    def list_employees(self, caller, query=None):
        answer = employees.list_employees(self.uow, caller, load(PageQuery, query))
        return {**answer, "items": dump(api.Employee, answer["items"], many=True)}

    @command
    def get_employee(self, caller, employee_id):
        return dump(api.Employee, employees.get_employee(self.uow, caller, employee_id))

    @secret_rpc("payload.password")
    def create_employee(self, caller, payload):
        data = load(api.EmployeeCreateRequest, payload)
        answer = employees.create_employee(self.uow, self.hasher, self.clock.now(), caller, data)
        return dump(api.Employee, answer)

    @command
    def update_employee(self, caller, employee_id, payload):
        data = load(api.EmployeeUpdateRequest, payload)
        answer = employees.update_employee(self.uow, self.clock.now(), caller, employee_id, data)
        return dump(api.Employee, answer)

    @command
    def invite_again(self, caller, employee_id):
        employees.invite_again(self.uow, self.clock.now(), caller, employee_id)

    @command
    def designate_primary_contact(self, caller, employee_id):
        return employees.designate_primary_contact(self.uow, caller, employee_id)

    @command
    def delete_employee(self, caller, employee_id):
        employees.delete_employee(self.uow, self.clock.now(), caller, employee_id)

    # --- the company's sign-in policy (accounts shows and sets it with the profile) -----------------

    @command
    def two_factor_required(self, caller):
        return policy.two_factor_required(self.uow, caller)

    @command
    def require_two_factor(self, caller, required, company_name):
        return policy.require_two_factor(self.uow, self.clock.now(), caller, bool(required), company_name)


def _clip(user_agent):
    """A User-Agent as a device list shows it: printable, and not endless."""
    printable = "".join(ch for ch in user_agent or "" if ch.isprintable())
    return printable[: api.USER_AGENT_MAX] or None
