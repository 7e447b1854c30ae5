"""`python -m services.employer_intake ...`: see `entrypoints/cli.py`."""

from services.employer_intake.entrypoints.cli import cli

if __name__ == "__main__":
    cli()
