"""Entry point of the referential importers: `python -m shared.referential --help`."""

from shared.referential.cli import cli

if __name__ == "__main__":
    cli()
