"""The words of an alert: e-mail subject and body, digest, webhook payload. The notifier never
receives a candidate's name: a référent knows the person by the profile's pseudonymous id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import labels
from .model import Alert, Referent

FOOTER = (
    "Vous décidez : SPIE Haute-Garonne ne contacte jamais la personne ni l'employeur.\n"
    "-- \nSPIE Haute-Garonne - service public de l'insertion et de l'emploi"
)


# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: none belongs in a
# header, and CR/LF there would start a header of the sender's choosing (Bcc: ...).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(value: str) -> str:
    """`value` fit for one header line: every run of control characters becomes one space."""
    return " ".join(_CONTROLS.sub(" ", value).split())


@dataclass(frozen=True)
class EmailText:
    subject: str
    body: str


def inbox_link(public_url: str, alert: Alert) -> str:
    return f"{public_url.rstrip('/')}/boite#alerte-{alert.alert_id}"


def subject(alert: Alert) -> str:
    need = alert.need
    contract = labels.CONTRACTS.get(str(need["contract_type"]), str(need["contract_type"]))
    return header_text(
        f"Nouvelle piste : {need['title']} à {labels.commune(need)} "
        f"({contract}, {labels.hours(float(need['hours_per_week']))})"
    )


def need_block(alert: Alert) -> str:
    need = alert.need
    contract = labels.CONTRACTS.get(str(need["contract_type"]), str(need["contract_type"]))
    lines = [
        f"{need['title']} - {need['employer_name']} ({need['federation']})",
        *filter(None, [labels.flag_notice(need)]),
        f"Lieu : {labels.commune(need)}, {labels.distance(alert.distance_km)} du domicile",
        f"Contrat : {contract}, {labels.hours(float(need['hours_per_week']))} par semaine",
        f"Horaires : {labels.schedules(list(need.get('schedules') or []))}",
    ]
    start = labels.french_date(need.get("start_date"))
    if start:
        lines.append(f"Début : {start}")
    lines.append(f"Profil concerné : réf. {alert.candidate_id}")
    lines.append(f"Pourquoi cette piste : {alert.explanation}")
    return "\n".join(lines)


def alert_email(alert: Alert, referent: Referent, public_url: str) -> EmailText:
    body = (
        f"Bonjour {referent.name},\n\n"
        "Une offre correspond à un profil que vous accompagnez.\n\n"
        f"{need_block(alert)}\n\n"
        "Voir la piste et dire ce que vous en faites :\n"
        f"{inbox_link(public_url, alert)}\n\n{FOOTER}\n"
    )
    return EmailText(subject(alert), body)


def digest_email(alerts: list[Alert], referent: Referent, public_url: str) -> EmailText:
    return _grouped("Vos pistes du jour : ", alerts, referent, public_url)


def burst_email(alerts: list[Alert], referent: Referent, public_url: str) -> EmailText:
    """Several immediate alerts due at once (a need fitting several of the référent's people,
    or alerts held through the quiet hours): one message rather than a burst of them."""
    return _grouped("", alerts, referent, public_url)


SHOWN_IN_FULL = 20  # alerts written out in one grouped e-mail; the rest are counted, in the inbox


def _grouped(prefix: str, alerts: list[Alert], referent: Referent, public_url: str) -> EmailText:
    """Every alert counted; the first SHOWN_IN_FULL written out, each with its link, and the
    others left to the inbox (a référent with a hundred alerts due at once, after quiet
    hours at a peak, gets a message that reads to its end)."""
    count = len(alerts)
    plural = "s" if count > 1 else ""
    shown = alerts[:SHOWN_IN_FULL]
    blocks = "\n\n".join(
        f"{i}. {need_block(a)}\n   {inbox_link(public_url, a)}" for i, a in enumerate(shown, 1)
    )
    inbox = f"{public_url.rstrip('/')}/boite"
    rest = count - len(shown)
    if rest:
        others = "autre piste vous attend" if rest == 1 else "autres pistes vous attendent"
        blocks += f"\n\n... et {rest} {others} dans votre boîte de pistes : {inbox}"
    body = (
        f"Bonjour {referent.name},\n\n"
        f"Voici {count} nouvelle{plural} piste{plural} pour les profils que vous accompagnez.\n\n"
        f"{blocks}\n\nVotre boîte de pistes : {inbox}\n\n{FOOTER}\n"
    )
    return EmailText(f"{prefix}{count} nouvelle{plural} piste{plural}", body)


def webhook_payload(alert: Alert, public_url: str) -> dict[str, Any]:
    return {
        "type": "spie.alert",
        "alert_id": str(alert.alert_id),
        "match_id": str(alert.match_id),
        "need_id": str(alert.need_id),
        "candidate_id": str(alert.candidate_id),
        "referent_id": str(alert.referent_id),
        "explanation": alert.explanation,
        "distance_km": alert.distance_km,
        "need": alert.need,
        "inbox_url": inbox_link(public_url, alert),
        "created_at": alert.created_at.isoformat(),
    }
