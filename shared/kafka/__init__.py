"""Kafka helpers shared by the services: topic administration, producer settings, dead letters."""
