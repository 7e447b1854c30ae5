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
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

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
