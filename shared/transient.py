"""One answer, for every service, to "is this failure an outage or this message's fault?".

A transient failure says a dependency is away for a while (PostgreSQL restarting, Kafka electing
a leader, the network, a Qdrant server, the embedded index's disk): the work is retried with
backoff and the message read again, never dead-lettered. Anything else says the work itself is
wrong and retrying cannot fix it. When in doubt about a dependency's error, transient is the safe
side: a stalled partition shows in the lag, a dead-lettered ProfileErased leaves an erased profile
in the index.

Optional libraries (httpx, qdrant-client) are only looked at if the process imported them: an
error of a library never imported cannot have been raised.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import asyncpg
from aiokafka.errors import KafkaError, KafkaTimeoutError, KafkaUnavailableError

# SQLSTATE classes that say the server, not the statement, is the problem: 08 connection,
# 53 insufficient resources (too many connections, disk full), 57 operator intervention
# (shutting down, starting up, cancelled by an admin), 40 transaction rollback (serialization
# failure, deadlock: the same transaction succeeds when tried again).
_POSTGRES = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TransactionRollbackError,
)
# asyncpg's own wording when the connection went away under a query (its messages carry no
# query parameter); other InterfaceErrors (an operation already in progress...) are bugs.
_LOST_CONNECTION = ("connection is closed", "connection was closed", "connection has been lost")
# asyncpg's protocol still consuming an error the server sent (state 2, ERROR_CONSUME) when the
# next statement comes: the server ended the connection after its error (57P01 on a restart)
# and the ReadyForQuery that would close the error never comes. Met on its own, with no outage
# in its context, by a request at the start of a PostgreSQL restart (fault suite, CI). Our own
# misuse of a connection (two statements at once) is InterfaceError "cannot perform
# operation", or another state: those stay bugs.
_SERVER_ERROR_PENDING = "another operation (2) is in progress"
# A server that is overloaded or restarting behind a proxy.
_RETRY_STATUS = frozenset({429, 502, 503, 504})
# Qdrant Edge raises a bare Exception; an I/O failure is told by its message.
_EDGE_IO = "Service runtime error: IO Error"


def is_transient(exc: BaseException) -> bool:
    """True when `exc` says a dependency is away, so the same work may succeed later."""
    return any(rule(exc) for rule in _RULES)


def _network(exc: BaseException) -> bool:
    # ConnectionError (refused, reset) and TimeoutError are OSErrors too.
    return isinstance(exc, OSError)


def _postgres(exc: BaseException) -> bool:
    if isinstance(exc, _POSTGRES):
        return True
    if not isinstance(exc, asyncpg.InterfaceError | asyncpg.exceptions.InternalClientError):
        return False
    if any(words in str(exc) for words in _LOST_CONNECTION):
        return True
    if isinstance(exc, asyncpg.exceptions.InternalClientError) and str(exc).endswith(
        _SERVER_ERROR_PENDING
    ):
        return True
    # Raised while cleaning up after an outage: the ROLLBACK of a transaction whose connection
    # just failed meets "another operation is in progress". The outage is what happened.
    context = exc.__context__
    return context is not None and context is not exc and is_transient(context)


def _kafka(exc: BaseException) -> bool:
    # aiokafka marks the errors a client may retry; a request that timed out or found no
    # broker is one too, though not marked.
    if isinstance(exc, KafkaTimeoutError | KafkaUnavailableError):
        return True
    return isinstance(exc, KafkaError) and bool(exc.retriable)


def _httpx(exc: BaseException) -> bool:
    httpx = sys.modules.get("httpx")
    if httpx is None:
        return False
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in _RETRY_STATUS
    # A transport error is the network (connect, read, write, pool timeout, a dropped
    # connection); an unsupported scheme is a configuration mistake.
    return isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.UnsupportedProtocol)


def _qdrant(exc: BaseException) -> bool:
    errors = sys.modules.get("qdrant_client.http.exceptions")
    if errors is None:
        return False
    if isinstance(exc, errors.ResponseHandlingException):
        # It wraps what the HTTP client raised (or a response it could not read).
        return is_transient(exc.source)
    if isinstance(exc, errors.UnexpectedResponse):
        return exc.status_code in _RETRY_STATUS
    return False


def _edge_io(exc: BaseException) -> bool:
    return type(exc) is Exception and str(exc).startswith(_EDGE_IO)


_RULES: tuple[Callable[[BaseException], bool], ...] = (
    _network,
    _postgres,
    _kafka,
    _httpx,
    _qdrant,
    _edge_io,
)
