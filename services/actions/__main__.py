"""`python -m services.actions ...`: see `entrypoints/cli.py`."""

from services.actions.entrypoints.cli import cli

if __name__ == "__main__":
    cli()
