"""How the world reaches the notifier: Kafka subscribers, the inbox page, the CLI."""
