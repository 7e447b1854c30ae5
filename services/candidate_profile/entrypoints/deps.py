"""FastAPI dependencies: the services built at start, and who is calling.

Authentication lives behind `current_referent` alone, so that the département's OIDC provider
can replace the bearer tokens by changing this one function.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.candidate_profile.bootstrap import Services
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.handlers import referents

_bearer = HTTPBearer(auto_error=False, description="A référent's token (create-referent).")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def current_referent(
    services: Annotated[Services, Depends(get_services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Referent:
    referent = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        async with services.pool.acquire() as conn:
            referent = await referents.authenticate(
                conn, token=credentials.credentials, ctx=services.ctx
            )
    if referent is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing, expired or revoked token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return referent


ServicesDep = Annotated[Services, Depends(get_services)]
ReferentDep = Annotated[Referent, Depends(current_referent)]
