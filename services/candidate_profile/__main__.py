from services.candidate_profile.entrypoints.cli import cli

if __name__ == "__main__":
    cli()
