"""The notifier: alerts référents of their matches (e-mail, webhook, inbox page) and records what
they decide (MatchFeedbackGiven)."""
