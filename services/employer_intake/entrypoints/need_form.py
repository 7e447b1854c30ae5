"""The need form of the portal: what a browser posts, turned into the intake's own models
(NeedInput, NeedPatch), and back; errors named by the form's fields, in French.

No rule of its own: the models and the intake's preparation decide what is valid; this only
says it in the words of the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from shared.contracts import ContractType, Schedule
from shared.referential.snapshot import Snapshot

from ..domain import suggestions
from ..domain.errors import FieldError
from ..domain.model import NeedFields, NeedInput, NeedPatch, NeedRecord

CONTRACTS = [
    (ContractType.CDI.value, "CDI"),
    (ContractType.CDD.value, "CDD"),
    (ContractType.INTERIM.value, "Intérim"),
    (ContractType.ALTERNANCE.value, "Alternance"),
    (ContractType.IAE.value, "Insertion par l'activité économique (IAE)"),
]
SCHEDULES = [
    (Schedule.DAY.value, "En journée"),
    (Schedule.EARLY_MORNING.value, "Tôt le matin"),
    (Schedule.NIGHT.value, "La nuit"),
    (Schedule.WEEKEND.value, "Le week-end"),
]
YES_NO = [("oui", "Oui"), ("non", "Non")]
TEXTS = ("employer_name", "siret", "title", "description", "rome_code", "contract_type")
NUMBERS = ("hours_per_week", "positions")
BOOLS = ("driving_licence_required", "open_to_beginners")
# Where an error of the model shows on the form.
FORM_NAME = {"commune_insee": "commune", "skills": "autres_competences"}
MESSAGES = {
    "employer_name": "Indiquez le nom de l'employeur, sur une ligne (200 caractères au plus).",
    "siret": "Le SIRET compte 14 chiffres, sans espace ; laissez vide si vous ne l'avez pas.",
    "title": "Indiquez l'intitulé du poste, sur une ligne (200 caractères au plus).",
    "description": "La description fait au plus 5 000 caractères.",
    "rome_code": "Ce code ROME n'existe pas : choisissez un métier proposé, ou laissez vide.",
    "autres_competences": "Une compétence par ligne, 120 caractères au plus, 50 au total.",
    "commune": "Choisissez la commune dans la liste proposée (son nom et son code INSEE).",
    "contract_type": "Choisissez le type de contrat dans la liste.",
    "hours_per_week": "Indiquez un nombre d'heures par semaine entre 1 et 48.",
    "positions": "Indiquez un nombre de postes entre 1 et 500.",
    "driving_licence_required": "Répondez oui ou non.",
    "schedules": "Choisissez parmi les horaires proposés.",
    "start_date": "Indiquez une date valide (par exemple 04/01/2027).",
    "open_to_beginners": "Répondez oui ou non.",
    "external_ref": "Votre référence tient sur une ligne (100 caractères au plus).",
}
LABELS = {
    "employer_name": "Employeur",
    "siret": "SIRET",
    "title": "Intitulé du poste",
    "description": "Description",
    "rome_code": "Code ROME",
    "skills": "Compétences",
    "commune_insee": "Commune",
    "contract_type": "Type de contrat",
    "hours_per_week": "Heures par semaine",
    "positions": "Nombre de postes",
    "driving_licence_required": "Permis B exigé",
    "schedules": "Horaires",
    "start_date": "Date de début",
    "open_to_beginners": "Ouvert aux débutants",
    "external_ref": "Votre référence",
    "(line)": "Ligne",
    "(columns)": "Colonnes",
}


def label_of(model_field: str) -> str:
    """A field of the model (or of a bulk file's line, "skills.2") in the form's words."""
    return LABELS.get(model_field.split(".")[0], model_field)


def message_of(model_field: str, reason: str) -> str:
    """What to do about an error on a field of the model, in the form's words."""
    name = model_field.split(".")[0]
    return MESSAGES.get(FORM_NAME.get(name, name), reason)


@dataclass
class NeedForm:
    """The form's values as the page shows them back (strings and lists of strings)."""

    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def blank(cls) -> NeedForm:
        defaults = {"positions": "1", "driving_licence_required": "non", "skills": []}
        return cls({**defaults, "open_to_beginners": "non", "schedules": []})

    @classmethod
    def posted(cls, form: FormData) -> NeedForm:
        values: dict[str, Any] = {
            name: str(form.get(name) or "").strip()
            for name in (*TEXTS, *NUMBERS, *BOOLS, "commune", "start_date", "external_ref")
        }
        values["rome_code"] = values["rome_code"].upper()
        values["autres_competences"] = str(form.get("autres_competences") or "")
        values["skills"] = [str(v) for v in form.getlist("skills") if str(v).strip()]
        values["schedules"] = [str(v) for v in form.getlist("schedules")]
        return cls(values)

    @classmethod
    def of(cls, record: NeedRecord, snapshot: Snapshot) -> NeedForm:
        p = record.payload
        offered = set(suggestions.skills_of(snapshot, p.rome_code))
        hours = f"{p.hours_per_week:g}"
        return cls(
            {
                "employer_name": p.employer_name,
                "siret": p.siret or "",
                "title": p.title,
                "description": p.description,
                # A suggested code is the service's guess: left empty, it is guessed again.
                "rome_code": p.rome_code if record.rome_source == "given" else "",
                "skills": [s for s in p.skills if s in offered],
                "autres_competences": "\n".join(s for s in p.skills if s not in offered),
                "commune": suggestions.commune_label(snapshot, p.commune_insee),
                "contract_type": p.contract_type.value,
                "hours_per_week": hours,
                "positions": str(p.positions),
                "driving_licence_required": "oui" if p.driving_licence_required else "non",
                "schedules": [s.value for s in p.schedules],
                "start_date": p.start_date.isoformat() if p.start_date else "",
                "open_to_beginners": "oui" if p.open_to_beginners else "non",
                "external_ref": record.external_ref or "",
            }
        )

    def _data(self, snapshot: Snapshot) -> tuple[dict[str, Any], dict[str, str]]:
        v, data, errors = self.values, {}, {}
        for name in (*TEXTS, *NUMBERS, "start_date", "external_ref"):
            if v.get(name):
                data[name] = v[name].replace(",", ".") if name in NUMBERS else v[name]
        for name in BOOLS:
            data[name] = v.get(name) == "oui"
        others = [s.strip() for s in v.get("autres_competences", "").splitlines() if s.strip()]
        data["skills"] = list(dict.fromkeys([*v.get("skills", []), *others]))
        data["schedules"] = v.get("schedules", [])
        if v.get("commune"):
            code = suggestions.commune_code(snapshot, v["commune"])
            if code is None:
                errors["commune"] = MESSAGES["commune"]
            else:
                data["commune_insee"] = code
        return data, errors

    def need(self, snapshot: Snapshot) -> tuple[NeedInput | None, dict[str, str]]:
        """The need as the API would take it, or the errors by form field."""
        data, errors = self._data(snapshot)
        try:
            need = NeedInput.model_validate(data)
        except ValidationError as exc:
            errors = errors_by_field(_pydantic(exc)) | errors
            return None, errors
        return (need, {}) if not errors else (None, errors)

    def patch(self, need: NeedInput, record: NeedRecord) -> NeedPatch:
        """Every field of the form; the ROME code left empty keeps or re-suggests a suggested
        code (the intake's rule), and re-suggests one the federation had given."""
        fields = need.model_dump(include=set(NeedFields.model_fields) - {"rome_code"})
        if need.rome_code is not None or record.rome_source == "given":
            fields["rome_code"] = need.rome_code
        return NeedPatch.model_validate(fields)


def _pydantic(exc: ValidationError) -> list[FieldError]:
    return [
        FieldError(".".join(str(p) for p in err["loc"]), err["msg"])
        for err in exc.errors(include_url=False)
    ]


def errors_by_field(errors: list[FieldError]) -> dict[str, str]:
    """The first error of each form field, in French."""
    found: dict[str, str] = {}
    for e in errors:
        name = e.field.split(".")[0]
        found.setdefault(FORM_NAME.get(name, name), message_of(e.field, e.reason))
    return found


def form_text(form: FormData, name: str) -> str:
    """A text field of a posted form, trimmed ("" when absent or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
