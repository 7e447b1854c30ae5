"""Dead letters: a message a consumer cannot process goes to `<topic>.dlq` with the reason and
its original bytes, and the consumer goes on. Ops list and replay them with
`python -m shared.dlq list|replay TOPIC`.
"""

from shared.dlq.records import DLQ_HEADERS, DeadLetter, dead_letter_headers, parse_dead_letter

__all__ = ["DLQ_HEADERS", "DeadLetter", "dead_letter_headers", "parse_dead_letter"]
