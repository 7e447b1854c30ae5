"""Outside development and test, a weak or placeholder root secret and any test double stop the
service at start, naming the variable; a good value starts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.matcher.settings import MatcherSettings
from shared.settings import PLACEHOLDER_SECRET, BaseServiceSettings

GOOD = "k" * 32
# Production also asks Kafka not to be in clear: these tests are about the secret and doubles.
KAFKA_OK = {"kafka_allow_plaintext": True}


def _base(**values: Any) -> BaseServiceSettings:
    return BaseServiceSettings(_env_file=None, **KAFKA_OK, **values)  # type: ignore[call-arg]


def _matcher(**values: Any) -> MatcherSettings:
    return MatcherSettings(  # type: ignore[call-arg]
        _env_file=None, environment="production", secret_key=GOOD, **KAFKA_OK, **values
    )


def test_production_refuses_the_placeholder_secret_and_names_the_variable() -> None:
    with pytest.raises(ValidationError, match="SPIE_SECRET_KEY is the development placeholder"):
        _base(environment="production", secret_key=PLACEHOLDER_SECRET)
    assert _base(environment="production", secret_key=GOOD)  # positive control


def test_production_refuses_a_secret_shorter_than_32_bytes() -> None:
    with pytest.raises(ValidationError, match="SPIE_SECRET_KEY must be at least 32 bytes"):
        _base(environment="production", secret_key="k" * 31)
    assert _base(environment="production", secret_key="k" * 32)  # positive control


def test_the_length_is_counted_in_bytes_not_characters() -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        _base(environment="production", secret_key="é" * 15)  # 30 bytes
    assert _base(environment="production", secret_key="é" * 16)  # 32 bytes


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_test_accept_the_placeholder(environment: str) -> None:
    settings = _base(environment=environment, secret_key=PLACEHOLDER_SECRET)
    assert settings.secret_key.get_secret_value() == PLACEHOLDER_SECRET


def test_production_refuses_the_fake_embedder_and_names_the_variable() -> None:
    with pytest.raises(ValidationError, match="test doubles refused in production: SPIE_EMBEDDER"):
        _matcher(embedder="fake")
    real = _matcher(embedder="minilm-onnx")
    assert real.embedder == "minilm-onnx"  # positive control


def test_tests_may_use_the_fake_embedder() -> None:
    settings = MatcherSettings(_env_file=None, environment="test", embedder="fake")  # type: ignore[call-arg]
    assert settings.embedder == "fake"
