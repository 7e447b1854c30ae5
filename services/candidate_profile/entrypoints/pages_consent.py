"""A person's consent in the workspace: the purposes in plain words, grant, renewal, withdrawal
(its consequences said on a confirmation page first) and a printable receipt for the person.
The rules (expiry, what a withdrawal erases, the ledger) are the handlers' own."""

from __future__ import annotations

from datetime import date
from typing import Any, get_args
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.candidate_profile.domain import consent as rules
from services.candidate_profile.domain.errors import (
    ConsentConflict,
    InvalidField,
    ProfileNotFound,
    ReadOnlyAccess,
)
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.entrypoints import people_view as words
from services.candidate_profile.entrypoints.deps import ServicesDep
from services.candidate_profile.entrypoints.pages_people import text
from services.candidate_profile.entrypoints.web import (
    WebReferent,
    WebReferentDep,
    check_csrf,
    render,
)
from services.candidate_profile.handlers import consent, people, profiles
from shared.contracts.profiles import Purpose

router = APIRouter(prefix="/espace/personnes/{candidate_id:uuid}", include_in_schema=False)
DONE = {
    "donne": "Le consentement est enregistré.",
    "prolonge": "Le consentement est prolongé.",
    "retire": "Le retrait est enregistré.",
}
ALL = "tout"
Errors = dict[str, str]


@router.get("/consentement", response_class=HTMLResponse)
async def consent_page(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep,
    fait: str = "",
) -> HTMLResponse:  # fmt: skip
    return await show(request, who, services, candidate_id, done=DONE.get(fait))


async def show(
    request: Request, who: WebReferent, services: ServicesDep, candidate_id: UUID, *,
    status: int = 200, errors: Errors | None = None, values: dict[str, Any] | None = None,
    done: str | None = None,
) -> HTMLResponse:  # fmt: skip
    now = services.ctx.clock()
    try:
        async with services.pool.acquire() as conn:
            profile = await profiles.visible(
                conn, actor=who.referent, candidate_id=candidate_id, ctx=services.ctx
            )
            entries = await people.history(
                conn, actor=who.referent, candidate_id=candidate_id, ctx=services.ctx
            )
    except ProfileNotFound:
        return words.not_found(request, who)
    person = words.person(profile, who, services.ctx)
    current = list(profile.consent.purposes) if profile.consent else []
    defaults = {"usages": current or ["matching"], "fin": words.default_last_day(now).isoformat(),
                "fin_prolongation": words.default_last_day(now).isoformat()}  # fmt: skip
    return render(
        request, "personne_consentement.html", who, status=status, errors=errors or {},
        values=defaults | (values or {}), person=person, history=entries, done=done, w=words,
        in_force=person.profile.consent is not None and person.status.kind != "expired",
        max_day=words.max_last_day(now), today=now.astimezone(words.PARIS).date(),
        purpose_options=[(p, words.PURPOSES[p][0]) for p in words.OFFERED],
        withdraw_options=_withdraw_options(profile),
    )  # fmt: skip


def _withdraw_options(profile: Profile) -> list[tuple[str, str]]:
    """Everything (which erases the profile), or one purpose other than matching, whose loss
    would erase it as well."""
    kept = profile.consent.purposes if profile.consent else ()
    return [(ALL, "Tout : le profil sera effacé")] + [
        (p, f"Seulement : {words.PURPOSES[p][0].lower()}") for p in kept if p != "matching"
    ]


def _last_day(raw: str, name: str, errors: Errors, services: ServicesDep) -> date | None:
    """The day chosen, once the consent rules accept the expiry it gives (so that every error
    of the form is shown at once; the handler checks again)."""
    try:
        last = date.fromisoformat(raw)
        rules.check_expiry(words.expiry_after(last), services.ctx.clock(), (name,))
        return last
    except ValueError:
        errors[name] = "Indiquez la date de fin au format jj/mm/aaaa (par exemple 31/12/2027)."
    except InvalidField as exc:
        errors[name] = _expiry_error(exc, services)
    except OverflowError:  # the last day a calendar holds
        errors[name] = _expiry_error(InvalidField((name,), "", "consent_too_long"), services)
    return None


def _expiry_error(exc: InvalidField, services: ServicesDep) -> str:
    if exc.kind == "consent_too_long":
        latest = words.day(words.max_last_day(services.ctx.clock()))
        return f"Un consentement dure au plus deux ans : choisissez une date jusqu'au {latest}."
    return "Choisissez une date à venir : aujourd'hui au plus tôt."


@router.post("/consentement", response_class=HTMLResponse)
async def grant(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> Response:
    form = await request.form()
    check_csrf(services, who, text(form, "csrf"))
    chosen = [p for p in form.getlist("usages") if isinstance(p, str)]
    purposes: list[Purpose] = [p for p in get_args(Purpose) if p in chosen]
    values: dict[str, Any] = {"usages": chosen, "fin": text(form, "fin")}
    errors: Errors = {}
    if not purposes or len(purposes) != len(set(chosen)):
        errors["usages"] = "Cochez au moins un usage que la personne accepte."
    last = _last_day(values["fin"], "fin", errors, services)
    if last is not None and not errors:
        try:
            async with services.transaction() as conn:
                await consent.grant(
                    conn, actor=who.referent, candidate_id=candidate_id, purposes=purposes,
                    expires_at=words.expiry_after(last), ctx=services.ctx,
                )  # fmt: skip
            return _back_to(candidate_id, "donne")
        except InvalidField as exc:
            errors["fin"] = _expiry_error(exc, services)
        except (ProfileNotFound, ReadOnlyAccess) as exc:
            return words.refused(request, who, exc)
    return await show(request, who, services, candidate_id, status=422, errors=errors,
                      values=values)  # fmt: skip


@router.post("/consentement/prolonger", response_class=HTMLResponse)
async def renew(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> Response:
    form = await request.form()
    check_csrf(services, who, text(form, "csrf"))
    values = {"fin_prolongation": text(form, "fin_prolongation")}
    errors: Errors = {}
    status = 422
    last = _last_day(values["fin_prolongation"], "fin_prolongation", errors, services)
    if last is not None:
        try:
            async with services.transaction() as conn:
                await consent.renew(
                    conn, actor=who.referent, candidate_id=candidate_id,
                    expires_at=words.expiry_after(last), ctx=services.ctx,
                )  # fmt: skip
            return _back_to(candidate_id, "prolonge")
        except InvalidField as exc:
            errors["fin_prolongation"] = _expiry_error(exc, services)
        except ConsentConflict:
            errors["fin_prolongation"] = ("Aucun consentement en cours à prolonger : "
                                          "recueillez un nouveau consentement.")  # fmt: skip
            status = 409
        except (ProfileNotFound, ReadOnlyAccess) as exc:
            return words.refused(request, who, exc)
    return await show(request, who, services, candidate_id, status=status, errors=errors,
                      values=values)  # fmt: skip


@router.post("/consentement/retrait", response_class=HTMLResponse)
async def withdraw(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> Response:
    """Without `confirme=oui`: the confirmation page, saying what the withdrawal will do."""
    form = await request.form()
    check_csrf(services, who, text(form, "csrf"))
    choice = text(form, "retrait")
    if choice != ALL and choice not in get_args(Purpose):
        errors = {"retrait": "Choisissez ce que la personne retire."}
        return await show(request, who, services, candidate_id, status=422, errors=errors)
    purposes: list[Purpose] | None = None if choice == ALL else [choice]  # type: ignore[list-item]
    try:
        async with services.transaction() as conn:
            if text(form, "confirme") != "oui":
                profile, erases = await people.withdrawal_erases(
                    conn, actor=who.referent, candidate_id=candidate_id, purposes=purposes
                )
                return render(
                    request, "personne_retrait.html", who, erases=erases, choice=choice,
                    person=words.person(profile, who, services.ctx), w=words,
                )  # fmt: skip
            left = await consent.withdraw(
                conn, actor=who.referent, candidate_id=candidate_id, purposes=purposes,
                ctx=services.ctx,
            )  # fmt: skip
    except ConsentConflict:
        errors = {"retrait": "Aucun consentement en cours : il n'y a rien à retirer."}
        return await show(request, who, services, candidate_id, status=409, errors=errors)
    except (ProfileNotFound, ReadOnlyAccess) as exc:
        return words.refused(request, who, exc)
    if left is None:
        return RedirectResponse("/espace?fait=efface", status_code=303)
    return _back_to(candidate_id, "retire")


@router.get("/consentement/recu", response_class=HTMLResponse)
async def receipt(
    request: Request, candidate_id: UUID, who: WebReferentDep, services: ServicesDep
) -> HTMLResponse:
    """A page for the person: what they agreed to, when, until when, how to withdraw."""
    try:
        async with services.pool.acquire() as conn:
            profile = await profiles.visible(
                conn, actor=who.referent, candidate_id=candidate_id, ctx=services.ctx
            )
            referent = await people.referent_name(conn, profile.referent_id)
    except ProfileNotFound:
        return words.not_found(request, who)
    return render(
        request, "personne_recu.html", who, person=words.person(profile, who, services.ctx),
        referent=referent, w=words,
    )  # fmt: skip


def _back_to(candidate_id: UUID, done: str) -> RedirectResponse:
    url = f"/espace/personnes/{candidate_id}/consentement?fait={done}"
    return RedirectResponse(url, status_code=303)
