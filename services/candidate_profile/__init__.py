"""Candidate profiles: référents' API, the consent ledger, erasure, access by structure."""
