"""The matcher: compatible, ranked and explained proposals between hiring needs and profiles."""
