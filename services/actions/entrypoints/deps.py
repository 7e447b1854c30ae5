"""FastAPI dependencies: the services built at start, and who is calling the JSON API.

The JSON API takes the identity assertion a référent gets from candidate_profile
(`POST /referents/me/assertion`), as `Authorization: Bearer ...` (shared/identity.py); the pages
take the front door's (entrypoints/web.py). Either way the référent is then read from this
service's replica, so a deactivated référent is refused.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.actions.adapters import referents_repo
from services.actions.adapters.referents_repo import Referent
from services.actions.bootstrap import Services
from shared.identity import InvalidAssertion, WrongRole, verify

_bearer = HTTPBearer(
    auto_error=False, description="A référent's identity assertion (candidate_profile)."
)
_UNAUTHENTICATED = "Authentification requise : assertion d'identité absente, expirée ou refusée."


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def api_referent(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Referent:
    token = credentials.credentials if credentials is not None else None
    try:
        who = verify(services.keyring, token, roles={"referent"})
        referent_id = UUID(who.subject)
    except (InvalidAssertion, ValueError) as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, _UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"}
        ) from exc
    except WrongRole as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"Accès refusé : {exc}.") from exc
    async with services.pool.acquire() as conn:
        referent = await referents_repo.get(conn, referent_id)
    if referent is None or not referent.active or referent.structure != who.scope:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, _UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"}
        )
    return referent


ApiReferentDep = Annotated[Referent, Depends(api_referent)]
