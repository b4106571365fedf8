"""Signing in and out, and the second factor: each action writes its audit event.

Every login, refused login, lockout, two-factor setup and wrong code is in the audit
chain (who, when, from which address), so that an unauthorised attempt on secret
information can be followed up (GDPR art. 32 and 33; access by need to know,
behovsprincipen). A refused attempt is written in its own transaction that commits
before the refusal is raised, so that rolling back the refusal does not erase its
trace.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansli.audit.chain import record
from kansli.org.models import User
from kansli.org.permissions import require_sysadmin
from kansli.web.twofactor import needs_two_factor

AUTHENTICATOR = "Autentiseringsapp"
BACKUP = "Reservkoder"
BACKUP_CODE_COUNT = 10
WRONG_CODE = "Koden stämmer inte. Ange koden som appen visar just nu, eller en reservkod."
WRONG_SETUP_CODE = "Koden stämmer inte. Ange koden som appen visar just nu."
TOO_MANY = "För många felaktiga koder. Vänta en stund och försök igen."
ALREADY_SET_UP = "Du har redan en autentiseringsapp kopplad till ditt konto."


def _require_self(actor: Any, user: User) -> None:
    """Only the person signing in takes the steps of their own sign-in."""
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied("Bara du själv kan logga in på ditt konto.")


@transaction.atomic
def do_log_in(user: User, *, actor: Any) -> None:
    """The password was right and the session is started (by the view, through
    django.contrib.auth.login); `two_factor` says whether a code must follow."""
    _require_self(actor, user)
    record(actor=actor, action="web.log_in", obj=user, after={"two_factor": needs_two_factor(user)})


@transaction.atomic
def do_log_out(user: User, *, actor: Any) -> None:
    _require_self(actor, user)
    record(actor=actor, action="web.log_out", obj=user)


@transaction.atomic
def do_refuse_login(username: str, *, locked_out: bool, actor: Any = None) -> None:
    """A wrong username or password, or any attempt while that username and address are
    locked out (django-axes). Anyone may fail, so there is no permission to check; the
    event names the account when it exists (for its owner's and the DPO's follow-up),
    never to the one who tried."""
    username = username.strip()[:150]
    user = User.objects.filter(username=username).first()
    record(
        actor=actor,
        action="web.lock_out_login" if locked_out else "web.fail_login",
        obj=user,
        label=username,
        after={"username": username},
    )


@transaction.atomic
def do_start_totp_setup(user: User, *, actor: Any) -> TOTPDevice:
    """The authenticator app the user is about to add: a new random key, not yet
    confirmed (the same one again until it is)."""
    _require_self(actor, user)
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        raise ValidationError(ALREADY_SET_UP)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
        record(actor=actor, action="web.start_two_factor_setup", obj=user)
    return device


def do_confirm_totp_device(device: TOTPDevice, code: str, *, actor: Any) -> list[str]:
    """Confirm the authenticator app by a code it shows, and make the backup codes
    (returned once, to be shown once). A wrong code is recorded and refused."""
    with transaction.atomic():
        _require_self(actor, device.user)
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed:
            raise ValidationError(ALREADY_SET_UP)
        allowed, _detail = device.verify_is_allowed()
        if allowed and device.verify_token(_digits(code)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_backup_codes(device.user)
            record(actor=actor, action="web.set_up_two_factor", obj=device.user,
                   after={"device": device.persistent_id, "backup_codes": len(codes)})  # fmt: skip
            return codes
        record(actor=actor, action="web.fail_two_factor", obj=device.user, after={"step": "setup"})
    raise ValidationError(WRONG_SETUP_CODE if allowed else TOO_MANY)


def do_verify_second_factor(user: User, code: str, *, actor: Any) -> Device:
    """Check the code of the second step: six digits against the authenticator app, or
    a backup code (each works once). Returns the device that accepted it; a wrong code
    is recorded and refused, and repeated wrong codes slow down (django-otp throttling)."""
    with transaction.atomic():
        _require_self(actor, user)
        digits = _digits(code)
        if digits.isdigit() and len(digits) == 6:
            model: type[Device] = TOTPDevice
            token = digits
        else:
            model, token = StaticDevice, code.strip().lower().replace(" ", "")
        throttled = False
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, _detail = device.verify_is_allowed()
            if not allowed:
                throttled = True
            elif device.verify_token(token):
                kind = "authenticator" if model is TOTPDevice else "backup_code"
                record(actor=actor, action="web.pass_two_factor", obj=user, after={"with": kind})
                return device
        record(actor=actor, action="web.fail_two_factor", obj=user, after={"step": "login"})
    raise ValidationError(TOO_MANY if throttled else WRONG_CODE)


@transaction.atomic
def do_add_totp_device(user: User, key_hex: str, *, actor: Any) -> TOTPDevice:
    """Give a user a confirmed authenticator with a known key (the demo's published
    key); by a system administrator or the system itself."""
    require_sysadmin(actor)
    device = TOTPDevice(user=user, name=AUTHENTICATOR, key=key_hex, confirmed=True)
    device.full_clean()
    device.save()
    record(actor=actor, action="web.set_up_two_factor", obj=user,
           after={"device": device.persistent_id, "backup_codes": 0})  # fmt: skip
    return device


@transaction.atomic
def do_reset_two_factor(user: User, *, actor: Any) -> None:
    """A lost phone: remove the person's authenticator and backup codes, so that the next
    login sets up a new app (by a system administrator, after checking who is asking)."""
    require_sysadmin(actor)
    totp = TOTPDevice.objects.filter(user=user)
    static = StaticDevice.objects.filter(user=user)
    removed = totp.count() + static.count()
    if not removed:
        raise ValidationError(f"{user.username} har ingen tvåstegsverifiering att återställa.")
    totp.delete()
    static.delete()
    record(actor=actor, action="web.reset_two_factor", obj=user, after={"devices": removed})


def _digits(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def _new_backup_codes(user: User) -> list[str]:
    """Ten single-use codes from os.urandom (StaticToken), replacing any earlier ones."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes
