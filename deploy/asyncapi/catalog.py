"""An AsyncAPI catalogue of every topic and the events it carries, from the shared contracts.

The services' own FastStream apps document what each one consumes and publishes; this one
documents the whole product's topics in one place.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated

from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from pydantic import Field

from shared.contracts import TOPIC_OF_EVENT
from shared.topics import TOPICS

broker = KafkaBroker("127.0.0.1:9092")

for _topic in TOPICS:
    _events = tuple(e for e, t in TOPIC_OF_EVENT.items() if t is _topic)
    _union = functools.reduce(operator.or_, _events)
    _schema: object = (
        _union if len(_events) == 1 else Annotated[_union, Field(discriminator="event_type")]
    )
    broker.publisher(
        _topic.name,
        title=_topic.name,
        description=(
            f"{', '.join(e.__name__ for e in _events)}. Key: entity id. "
            f"{_topic.partitions} partitions, {'compacted' if _topic.compacted else 'delete'}."
        ),
        schema=_schema,
    )

app = FastStream(
    broker,
    specification=AsyncAPI(
        broker,
        title="SPIE Haute-Garonne: topics and events",
        version="1",
        description="Every topic of the product and the events it carries.",
    ),
)
