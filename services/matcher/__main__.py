"""`python -m services.matcher COMMAND` (the text engine's command; the service adds its own)."""

from __future__ import annotations

import typer

from services.matcher.entrypoints import cli_texts

app = typer.Typer(no_args_is_help=True, add_completion=False)
cli_texts.register(app)


@app.callback()
def main() -> None:
    """The matcher: needs ↔ candidate profiles, and its text engine."""


if __name__ == "__main__":
    app()
