from services.notifier.entrypoints.cli import cli

cli()
