"""The people at a federation's desk: who they are, what an admin may do, what a new account
needs. Pure rules; storage in adapters/pg_federation_users.py, use cases in federation_users.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import EmailStr, TypeAdapter, ValidationError

Role = Literal["admin", "member"]
ROLES: dict[str, str] = {"member": "Membre", "admin": "Administrateur"}
# The contract's own reading of an address: one it would refuse is refused in the form.
_EMAIL: TypeAdapter[str] = TypeAdapter(EmailStr)
MAX_NAME = 200  # the contract's ShortText


@dataclass(frozen=True)
class FederationUser:
    user_id: UUID
    federation: str
    name: str
    email: str
    role: Role
    active: bool
    created_at: datetime
    updated_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class NewUser:
    """A new account as typed in the form or on the command line, once checked."""

    name: str
    email: str
    role: Role


class UserNotFound(Exception):
    """No such user in this federation (another federation's users do not exist for it)."""


class EmailTaken(Exception):
    """Another account already uses this address (in any federation)."""


def check_new_user(name: str, email: str, role: str) -> tuple[NewUser | None, dict[str, str]]:
    """The account, or the message for each field that needs correcting (French, for the page)."""
    name, email = " ".join(name.split()), email.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Saisissez le prénom et le nom de la personne."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Le nom ne doit pas dépasser {MAX_NAME} caractères."
    if not _valid_email(email):
        errors["email"] = (
            "Saisissez une adresse e-mail valide, par exemple prenom.nom@federation.fr."
        )
    if role not in ROLES:
        errors["role"] = "Choisissez le rôle : membre ou administrateur."
    if errors:
        return None, errors
    return NewUser(name=name, email=email, role="admin" if role == "admin" else "member"), {}


def _valid_email(email: str) -> bool:
    try:
        _EMAIL.validate_python(email)
    except ValidationError:
        return False
    return len(email) <= 254
