"""The words of the e-mail about actions: the proposals and freed places of one référent, in
one message. Never a first name (the notifier has none): "la personne", and the inbox link."""

from __future__ import annotations

from .actions import (
    TRADE_KINDS,
    ActionProposal,
    PlaceNotice,
    kind_label,
    place,
    sign_up_link,
    when,
)
from .messages import FOOTER, EmailText, header_text
from .model import Referent
from .schedule import PARIS


def proposal_block(p: ActionProposal, public_url: str) -> str:
    a = p.action
    return "\n".join(
        [
            f"{a['title']} ({kind_label(str(a['kind']))}) - {a['provider_structure']}",
            f"Quand : {when(a['starts_at'], a['ends_at'])}",
            f"Où : {place(p)}",
            f"{TRADE_KINDS[p.discovery]} : {p.rome_label} ({p.rome_code})",
            f"Pourquoi : {p.explanation}",
            f"Profil concerné : réf. {p.candidate_id}",
            f"Inscrire la personne : {public_url.rstrip('/')}{sign_up_link(p)}",
        ]
    )


def place_block(n: PlaceNotice) -> str:
    return (
        "Une place s'est libérée : la personne que vous avez inscrite est maintenant "
        f"inscrite à « {n.action_title} » du {n.starts_at.astimezone(PARIS):%d/%m/%Y à %H:%M} "
        f"({kind_label(n.action_kind)}, {n.provider_structure})."
    )


def _subject(proposals: int, places: int) -> str:
    parts = []
    if places:
        parts.append("Une place s'est libérée" if places == 1 else f"{places} places libérées")
    if proposals:
        plural = "s" if proposals > 1 else ""
        parts.append(f"{proposals} action{plural} proposée{plural}")
    return header_text(" · ".join(parts))


def actions_email(
    proposals: list[ActionProposal],
    notices: list[PlaceNotice],
    referent: Referent,
    public_url: str,
    *,
    digest: bool = False,
) -> EmailText:
    """One message for all of a référent's due proposals and notices (never one each)."""
    inbox = f"{public_url.rstrip('/')}/boite"
    parts = [f"Bonjour {referent.name},"]
    if notices:
        parts.append("\n\n".join(place_block(n) for n in notices))
    if proposals:
        blocks = "\n\n".join(
            f"{i}. {proposal_block(p, public_url)}" for i, p in enumerate(proposals, 1)
        )
        parts.append(
            "Des actions de la banque commune sont proposées pour les personnes que vous "
            f"accompagnez.\n\n{blocks}"
        )
    parts.append(f"Votre boîte de pistes : {inbox}#actions\n\n{FOOTER}")
    prefix = "Vos actions du jour : " if digest else ""
    return EmailText(prefix + _subject(len(proposals), len(notices)), "\n\n".join(parts) + "\n")
