"""Plain rules of the notifier: who is alerted, when, in which words. No I/O here."""
