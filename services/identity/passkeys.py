"""Passkeys (WebAuthn, with the `webauthn` package) of citizens and officers:
register them, list, rename and remove them, and check a sign-in or a
confirmation made with one.

A refused answer changes nothing except that its challenge is spent (see
services.identity.webauthn_rp), so the same answer can never be tried twice. A sign
count that does not move forward is refused and logged, without personal data.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, parse_attestation_object, parse_authenticator_data
from webauthn.helpers.options_to_json_dict import options_to_json_dict
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from domain.phones import national_format
from extensions import db
from models import Citizen, Officer, Passkey
from models.base import utcnow
from services.identity.webauthn_rp import (
    MSG_CLONED,
    MSG_DUPLICATE,
    MSG_INVALID,
    MSG_MALFORMED,
    MSG_NOT_VERIFIED,
    MSG_UNKNOWN,
    PasskeyError,
    available,
    browser_key,
    check_place,
    new_challenge,
    origins,
    read_client_data,
    require_available,
    rp_id,
    settle,
    spend,
    ttl,
)

# The views use these through this module too.
__all__ = ["PasskeyError", "available"]

# The flash category of the notice a citizen gets at a passkey's first sign-in
# (templates/_passkey_notice.html reads it by this name).
FIRST_SIGN_IN = "passkey-first-sign-in"

TRANSPORTS = {t.value for t in AuthenticatorTransport}
NAME_LENGTH = 60

Owner = Citizen | Officer


# ---- whose passkeys -----------------------------------------------------------
def _owner_ids(owner: Owner) -> dict:
    if isinstance(owner, Citizen):
        return {"citizen_id": owner.id}
    return {"officer_id": owner.id}


def passkeys_of(owner: Owner) -> list[Passkey]:
    column = Passkey.citizen_id if isinstance(owner, Citizen) else Passkey.officer_id
    return list(
        db.session.scalars(
            select(Passkey).where(column == owner.id).order_by(Passkey.created_at, Passkey.id)
        )
    )


def has_passkey(owner: Owner) -> bool:
    column = Passkey.citizen_id if isinstance(owner, Citizen) else Passkey.officer_id
    return db.session.scalar(select(Passkey.id).where(column == owner.id).limit(1)) is not None


def owned_passkey(owner: Owner, passkey_id: int) -> Passkey | None:
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or _owner_ids(owner) != _owner_ids_of(passkey):
        return None
    return passkey


def _owner_ids_of(passkey: Passkey) -> dict:
    if passkey.citizen_id is not None:
        return {"citizen_id": passkey.citizen_id}
    return {"officer_id": passkey.officer_id}


def remove(owner: Owner, passkey_id: int) -> bool:
    passkey = owned_passkey(owner, passkey_id)
    if passkey is None:
        return False
    db.session.delete(passkey)
    db.session.commit()
    return True


def rename(owner: Owner, passkey_id: int, name: str) -> bool:
    passkey = owned_passkey(owner, passkey_id)
    cleaned = " ".join((name or "").split())[:NAME_LENGTH]
    if passkey is None or not cleaned:
        return False
    passkey.name = cleaned
    db.session.commit()
    return True


def _user_handle(owner: Owner, existing: list[Passkey]) -> bytes:
    """WebAuthn's user.id: random-looking, stable per account, never the phone."""
    if existing:
        return existing[0].user_handle
    key = current_app.config["SECRET_KEY"].encode()
    kind = "citizen" if isinstance(owner, Citizen) else "officer"
    return hmac.new(key, f"passkey-user:{kind}:{owner.id}".encode(), hashlib.sha256).digest()


def _user_names(owner: Owner) -> tuple[str, str]:
    """What the phone shows in its list of passkeys, on the owner's own device."""
    if isinstance(owner, Citizen):
        phone = national_format(owner.contact_phone) if owner.contact_phone else "Công dân"
        return phone, phone
    return owner.username, owner.full_name


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=p.credential_id,
            transports=[AuthenticatorTransport(t) for t in p.transports or [] if t in TRANSPORTS],
        )
        for p in passkeys
    ]


# ---- registration ---------------------------------------------------------------------
def _register_purpose(owner: Owner) -> str:
    return "register" if isinstance(owner, Citizen) else "officer_register"


def registration_options(owner: Owner) -> dict:
    require_available()
    existing = passkeys_of(owner)
    challenge = new_challenge(_register_purpose(owner), **_owner_ids(owner))
    user_name, display_name = _user_names(owner)
    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=current_app.config["WEBAUTHN_RP_NAME"],
        user_name=user_name,
        user_display_name=display_name,
        user_id=_user_handle(owner, existing),
        challenge=challenge,
        timeout=ttl() * 1000,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        # One passkey per authenticator: the phone says it has one already.
        exclude_credentials=_descriptors(existing),
    )
    return options_to_json_dict(options)


def register(owner: Owner, credential: dict, name: str = "") -> Passkey:
    """Check a new credential and keep it for the owner."""
    require_available()
    client_data = read_client_data(credential, "webauthn.create")

    def work() -> Passkey:
        spend(client_data, _register_purpose(owner), **_owner_ids(owner))
        try:
            attestation = parse_attestation_object(
                base64url_to_bytes(credential["response"]["attestationObject"])
            )
        except Exception:
            raise PasskeyError("passkey_malformed", MSG_MALFORMED) from None
        check_place(client_data, attestation.auth_data.rp_id_hash)
        if not attestation.auth_data.flags.uv:
            raise PasskeyError("passkey_not_verified", MSG_NOT_VERIFIED)
        try:
            verified = verify_registration_response(
                credential=credential,
                expected_challenge=client_data.challenge,
                expected_rp_id=rp_id(),
                expected_origin=origins(),
                require_user_verification=True,
            )
        except Exception as error:
            current_app.logger.info("Passkey registration refused: %s", type(error).__name__)
            raise PasskeyError("passkey_invalid", MSG_INVALID) from None
        known = db.session.scalars(
            select(Passkey).where(Passkey.credential_id == verified.credential_id)
        ).first()
        if known is not None:
            raise PasskeyError("passkey_duplicate", MSG_DUPLICATE, 409)
        transports = credential["response"].get("transports") or []
        existing = passkeys_of(owner)
        passkey = Passkey(
            credential_id=verified.credential_id,
            user_handle=_user_handle(owner, existing),
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=[t for t in dict.fromkeys(transports) if t in TRANSPORTS],
            aaguid=verified.aaguid,
            backup_eligible=verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE,
            backed_up=verified.credential_backed_up,
            name=" ".join((name or "").split())[:NAME_LENGTH] or f"Khóa {len(existing) + 1}",
            created_at=utcnow(),
            **_owner_ids(owner),
        )
        db.session.add(passkey)
        db.session.commit()
        return passkey

    return settle(work)


# ---- assertions: sign-in and confirmations -------------------------------------------
def _request_options(challenge: bytes, allowed: list[Passkey]) -> dict:
    options = generate_authentication_options(
        rp_id=rp_id(),
        challenge=challenge,
        timeout=ttl() * 1000,
        allow_credentials=_descriptors(allowed),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json_dict(options)


def sign_in_options() -> dict:
    """For a citizen not signed in yet: any of their passkeys on this device."""
    require_available()
    return _request_options(new_challenge("sign_in", browser=browser_key()), [])


def confirmation_options(owner: Owner, purpose: str, draft_id: str | None = None) -> dict:
    """For a known owner: one of their own passkeys (submit, officer_sign_in)."""
    require_available()
    passkeys = passkeys_of(owner)
    if not passkeys:
        raise PasskeyError(
            "no_passkey",
            "Tài khoản chưa có khóa đăng nhập nào. Hãy dùng mã xác nhận qua SMS.",
            409,
        )
    challenge = new_challenge(purpose, draft_id=draft_id, **_owner_ids(owner))
    return _request_options(challenge, passkeys)


def _find_passkey(credential: dict, owner: Owner | None) -> Passkey:
    try:
        raw_id = base64url_to_bytes(credential["rawId"])
    except Exception:
        raise PasskeyError("passkey_malformed", MSG_MALFORMED) from None
    passkey = db.session.scalars(select(Passkey).where(Passkey.credential_id == raw_id)).first()
    if passkey is None:
        raise PasskeyError("passkey_unknown", MSG_UNKNOWN)
    if owner is None:
        belongs = passkey.citizen_id is not None  # the citizens' sign-in
    elif isinstance(owner, Citizen):
        belongs = passkey.citizen_id == owner.id
    else:
        belongs = passkey.officer_id == owner.id
    handle = credential["response"].get("userHandle")
    if handle:
        try:
            belongs = belongs and hmac.compare_digest(
                base64url_to_bytes(handle), passkey.user_handle
            )
        except Exception:
            raise PasskeyError("passkey_malformed", MSG_MALFORMED) from None
    if not belongs:
        raise PasskeyError("passkey_unknown", MSG_UNKNOWN)
    return passkey


def verify_assertion(
    credential: dict,
    purpose: str,
    owner: Owner | None = None,
    draft_id: str | None = None,
    commit: bool = True,
) -> Passkey:
    """Check the answer to a challenge of `purpose` and return the passkey used.

    With commit=False a good answer (the spent challenge, the new sign count)
    is committed by the caller, together with what it unlocks.
    """
    require_available()
    client_data = read_client_data(credential, "webauthn.get")
    binding = _owner_ids(owner) if owner is not None else {"browser": browser_key()}
    if purpose == "submit":
        binding["draft_id"] = draft_id

    def work() -> Passkey:
        spend(client_data, purpose, **binding)
        passkey = _find_passkey(credential, owner)
        try:
            auth_data = parse_authenticator_data(
                base64url_to_bytes(credential["response"]["authenticatorData"])
            )
        except Exception:
            raise PasskeyError("passkey_malformed", MSG_MALFORMED) from None
        check_place(client_data, auth_data.rp_id_hash)
        if not auth_data.flags.uv:
            raise PasskeyError("passkey_not_verified", MSG_NOT_VERIFIED)
        try:
            # The sign count is compared below, after the signature is known good.
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=client_data.challenge,
                expected_rp_id=rp_id(),
                expected_origin=origins(),
                credential_public_key=passkey.public_key,
                credential_current_sign_count=0,
                require_user_verification=True,
            )
        except Exception as error:
            current_app.logger.info("Passkey %s refused: %s", passkey.id, type(error).__name__)
            raise PasskeyError("passkey_invalid", MSG_INVALID) from None
        new, stored = verified.new_sign_count, passkey.sign_count
        if (new or stored) and new <= stored:
            # A counter that does not move forward means a copied key.
            current_app.logger.warning(
                "Passkey %s refused: sign count went backwards (stored %d, received %d)",
                passkey.id,
                stored,
                new,
            )
            raise PasskeyError("passkey_cloned", MSG_CLONED)
        passkey.sign_count = new
        passkey.backed_up = verified.credential_backed_up
        passkey.last_used_at = utcnow()
        if commit:
            db.session.commit()
        return passkey

    return settle(work)
