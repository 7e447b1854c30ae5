"""The loopback allowance for webhook receivers is for development and tests: production
refuses it at start, in both services that read it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.candidate_profile.settings import ProfileSettings
from services.notifier.settings import NotifierSettings

SECRET = "a-production-secret-of-more-than-thirty-two-bytes-0123456789"


@pytest.mark.parametrize("settings", [NotifierSettings, ProfileSettings])
def test_production_refuses_the_loopback_allowance(settings: type) -> None:
    with pytest.raises(ValidationError, match="SPIE_WEBHOOK_ALLOW_LOOPBACK"):
        settings(
            environment="production",
            secret_key=SECRET,
            kafka_allow_plaintext=True,  # the Kafka rule of production is not what is tested
            webhook_allow_loopback=True,
            # Nor the SMTP one (make test exports SPIE_SMTP_TLS=none for its mail sink).
            **({"smtp_tls": "starttls"} if settings is NotifierSettings else {}),
        )


@pytest.mark.parametrize("settings", [NotifierSettings, ProfileSettings])
def test_development_may_turn_the_loopback_allowance_on(settings: type) -> None:
    assert settings(environment="development", webhook_allow_loopback=True).webhook_allow_loopback


def test_a_lease_shorter_than_the_post_timeout_is_refused() -> None:
    with pytest.raises(ValidationError, match="LEASE"):
        NotifierSettings(webhook_timeout_seconds=10, webhook_lease_seconds=5)
