"""The passeport's forms, checked field by field: each wrong field is named with what to do, in
French, so that a page can say it beside the field (PasseportInvalid carries them all).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from services.candidate_profile.domain.passeport import (
    EVIDENCE_KINDS,
    LINK_DAYS_DEFAULT,
    LINK_DAYS_MAX,
    PasseportInvalid,
)

SHORT, LONG = 200, 2000
_ROME_CODE = re.compile(r"^[A-N]\d{4}$")


def _text(
    form: Mapping[str, str],
    name: str,
    label: str,
    errors: dict[str, str],
    *,
    required: bool = True,
    limit: int = SHORT,
) -> str:
    value = (form.get(name) or "").strip()
    if required and not value:
        errors[name] = f"Indiquez {label}."
    elif len(value) > limit:
        errors[name] = f"{label[0].upper()}{label[1:]} : {limit} caractères au plus."
    return value


def _date(form: Mapping[str, str], name: str, errors: dict[str, str]) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        return ""
    try:  # a date field sends 2026-03-14; typed by hand (no date picker): 14/03/2026
        if "/" in value:
            day, month, year = (int(p) for p in value.split("/"))
            return date(year, month, day).isoformat()
        return date.fromisoformat(value).isoformat()
    except ValueError:
        errors[name] = "Indiquez la date au format jj/mm/aaaa (par exemple 14/03/2026)."
        return value


def competence(form: Mapping[str, str]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    skill = _text(form, "competence", "la compétence", errors)
    kind = (form.get("preuve_type") or "").strip()
    if kind not in EVIDENCE_KINDS:
        errors["preuve_type"] = (
            "Choisissez d'où vient la preuve : expérience, formation ou attestation."
        )
    evidence = _text(form, "preuve", "la preuve (ce qui montre la compétence)", errors, limit=LONG)
    if errors:
        raise PasseportInvalid(errors)
    return {"skill": skill, "evidence_kind": kind, "evidence": evidence}


def metier(form: Mapping[str, str], rome_code: str | None) -> dict[str, Any]:
    """A trade explored: a ROME label (its code kept when the referential knows it) or free text."""
    errors: dict[str, str] = {}
    label = _text(form, "metier", "le métier", errors)
    note = _text(form, "metier_note", "la note", errors, required=False, limit=LONG)
    if errors:
        raise PasseportInvalid(errors)
    return {"label": label, "rome_code": rome_code, "note": note}


def action(form: Mapping[str, str]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    content = {
        "title": _text(form, "action_titre", "l'intitulé de l'action", errors),
        "structure": _text(form, "action_structure", "la structure", errors, required=False),
        "date": _date(form, "action_date", errors),
        "outcome": _text(
            form, "action_resultat", "le résultat", errors, required=False, limit=LONG
        ),
    }
    if errors:
        raise PasseportInvalid(errors)
    return content


def item_form(section: str, content: Mapping[str, Any]) -> dict[str, str]:
    """An item's content as the values of its form, to edit it."""
    names = {
        "competences": {
            "competence": "skill",
            "preuve_type": "evidence_kind",
            "preuve": "evidence",
        },
        "metiers": {"metier": "label", "metier_note": "note"},
        "actions": {
            "action_titre": "title",
            "action_structure": "structure",
            "action_date": "date",
            "action_resultat": "outcome",
        },
    }[section]
    return {name: str(content.get(key) or "") for name, key in names.items()}


def is_rome_code(text: str) -> bool:
    return bool(_ROME_CODE.match(text.strip().upper()))


def link_expiry(form: Mapping[str, str], now: datetime) -> tuple[str, str, datetime]:
    """(kind, label, expires_at) of a link to create, or PasseportInvalid."""
    errors: dict[str, str] = {}
    kind = (form.get("lien_type") or "").strip()
    if kind not in ("personne", "employeur"):
        errors["lien_type"] = "Choisissez pour qui est le lien : la personne ou un employeur."
    label = _text(
        form, "lien_employeur", "le nom de l'employeur", errors, required=kind == "employeur"
    )
    raw = (form.get("lien_jours") or str(LINK_DAYS_DEFAULT)).strip()
    days = int(raw) if raw.isdigit() else 0
    if not 1 <= days <= LINK_DAYS_MAX:
        errors["lien_jours"] = f"Indiquez une durée entre 1 et {LINK_DAYS_MAX} jours."
    if errors:
        raise PasseportInvalid(errors)
    return kind, (label if kind == "employeur" else ""), now + timedelta(days=days)


def attestation(form: Mapping[str, str]) -> dict[str, Any]:
    """What an employer attests: skills observed (one a line), during which immersion, by whom."""
    errors: dict[str, str] = {}
    employer = _text(form, "employeur", "le nom de votre entreprise", errors)
    observer = _text(form, "tuteur", "qui a observé (nom et fonction)", errors)
    immersion = _text(form, "immersion", "l'immersion (poste et dates)", errors)
    raw = _text(
        form, "competences_observees", "au moins une compétence observée", errors, limit=LONG
    )
    skills = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(skills) > 30 or any(len(s) > SHORT for s in skills):
        errors["competences_observees"] = (
            f"Au plus 30 compétences, une par ligne, de {SHORT} caractères au plus."
        )
    comment = _text(form, "commentaire", "le commentaire", errors, required=False, limit=LONG)
    if errors:
        raise PasseportInvalid(errors)
    return {
        "employer_name": employer,
        "observer": observer,
        "immersion": immersion,
        "skills": skills,
        "comment": comment,
    }


def review(form: Mapping[str, str], section: str) -> tuple[bool, str]:
    """The person's word on one section (each section's form has its own field names)."""
    errors: dict[str, str] = {}
    name = f"commentaire_{section}"
    comment = _text(form, name, "votre commentaire", errors, required=False, limit=LONG)
    if errors:
        raise PasseportInvalid(errors)
    return form.get(f"valide_{section}") == "oui", comment
