"""Templates in the shared look, and what every service with pages installs.

A service's templates extend `spie/base.html` and import the form macros of `spie/forms.html`:

    {% extends "spie/base.html" %}
    {% import "spie/forms.html" as f %}

The context gives `user` (a WebUser or None), `csrf` (its token) and `nav` (the current section:
"personnes", "boite", "federation", "actions"). The stylesheet and scripts are served under
`/commun/` (by the front door from this folder, and by each service for itself).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException

from .door import SignInRequired, sign_in_url

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
ASSETS_PATH = "/commun"


def templates_for(directory: Path) -> Jinja2Templates:
    """The service's own templates first, then the shared ones (`spie/...`)."""
    templates = Jinja2Templates(directory=directory)
    templates.env.loader = ChoiceLoader(
        [FileSystemLoader(str(directory)), FileSystemLoader(str(TEMPLATES))]
    )
    templates.env.globals.update(assets=ASSETS_PATH)
    return templates


def install_pages(app: FastAPI) -> None:
    """`/commun` assets, and a page asking for a session sends the browser to sign in."""
    app.mount(ASSETS_PATH, StaticFiles(directory=STATIC), name="commun")

    async def to_sign_in(request: Request, exc: Exception) -> RedirectResponse:
        assert isinstance(exc, SignInRequired)
        return RedirectResponse(sign_in_url(exc.next_path), status_code=303)

    app.add_exception_handler(SignInRequired, to_sign_in)


ERROR_TITLES = {403: "Action refusée", 404: "Page introuvable", 422: "Demande incomplète"}


def install_page_errors(
    app: FastAPI, templates: Jinja2Templates, *, prefix: str, not_found: str
) -> None:
    """An HTTP error on a page under `prefix` is a page in French (the service's
    `message.html`, given `title` and `text`), with a way back; the JSON API (`<prefix>/api/`),
    the scripts and the exports keep FastAPI's JSON reply."""

    async def page_or_json(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        path = request.url.path
        is_page = path.startswith(prefix) and not path.startswith(f"{prefix}/api/")
        if not is_page or path.endswith((".js", ".json", ".csv", ".pdf")):
            return await http_exception_handler(request, exc)
        text = exc.detail if isinstance(exc.detail, str) else "La demande n'a pas abouti."
        if exc.status_code == 404 and text == "Not Found":
            text = not_found
        context: dict[str, object] = {
            "user": None,
            "csrf": "",
            "nav": "",
            "errors": {},
            "title": ERROR_TITLES.get(exc.status_code, "Erreur"),
            "text": text,
        }
        return templates.TemplateResponse(
            request, "message.html", context, status_code=exc.status_code
        )

    app.add_exception_handler(StarletteHTTPException, page_or_json)
