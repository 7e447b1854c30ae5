"""One classification of failures for every service: an outage is retried, a bad message is not."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from aiokafka import errors as kafka
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from shared.transient import is_transient


def _status(code: int) -> httpx.HTTPStatusError:
    request = httpx.Request("POST", "http://qdrant:6333/collections/x/points")
    return httpx.HTTPStatusError(
        "bad", request=request, response=httpx.Response(code, request=request)
    )


def _raised_while_handling(exc: BaseException, cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except type(cause):
            raise exc  # noqa: B904 (the implicit context is the point)
    except type(exc) as raised:
        return raised


def _qdrant_status(code: int) -> UnexpectedResponse:
    return UnexpectedResponse(code, "", b"", httpx.Headers())


OUTAGES: dict[str, BaseException] = {
    # The network and the operating system.
    "connection refused": ConnectionRefusedError(111, "Connect call failed"),
    "connection reset": ConnectionResetError(104, "reset by peer"),
    "timeout": TimeoutError(),
    "disk error": OSError(5, "Input/output error"),
    # PostgreSQL restarting, overloaded, or the connection lost under a query.
    "pg shutting down": asyncpg.exceptions.AdminShutdownError("terminating connection"),
    "pg starting up": asyncpg.exceptions.CannotConnectNowError("the system is starting up"),
    "pg crashed": asyncpg.exceptions.CrashShutdownError("crash"),
    "pg too many connections": asyncpg.exceptions.TooManyConnectionsError("too many"),
    "pg disk full": asyncpg.exceptions.DiskFullError("no space"),
    "pg connection failure": asyncpg.exceptions.ConnectionFailureError("failure"),
    "pg serialization": asyncpg.exceptions.SerializationError("could not serialize"),
    "pg deadlock": asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
    "pg cut mid-query": asyncpg.ConnectionDoesNotExistError(
        "connection was closed in the middle of operation"
    ),
    "pg pool connection closed": asyncpg.InterfaceError("connection is closed"),
    "pg statement on a closed connection": asyncpg.InterfaceError(
        "cannot call PreparedStatement.fetch(): the underlying connection is closed"
    ),
    "pg rollback after the connection failed": _raised_while_handling(
        asyncpg.exceptions.InternalClientError(
            "cannot switch to state 15; another operation (2) is in progress"
        ),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
    ),
    # The next statement on a connection whose server sent an error and then ended it (the
    # fault suite's PostgreSQL restart met it with no outage in its context).
    "pg statement after the server's last error": asyncpg.exceptions.InternalClientError(
        "cannot switch to state 12; another operation (2) is in progress"
    ),
    # Kafka: what aiokafka marks retriable, and a request that timed out or found no broker.
    "kafka connection": kafka.KafkaConnectionError("no connection"),
    "kafka no leader": kafka.NotLeaderForPartitionError(),
    "kafka request timed out": kafka.RequestTimedOutError(),
    "kafka send timeout": kafka.KafkaTimeoutError(),
    "kafka unavailable": kafka.KafkaUnavailableError(),
    # A Qdrant server (or any service spoken to over httpx) away or overloaded.
    "http connect": httpx.ConnectError("refused"),
    "http read timeout": httpx.ReadTimeout("slow"),
    "http 503": _status(503),
    "qdrant transport": ResponseHandlingException(httpx.ConnectError("refused")),
    "qdrant 502": _qdrant_status(502),
    # The embedded index (Qdrant Edge) could not read or write its files.
    "edge io": Exception(
        "Service runtime error: IO Error: failed to open file `/x/chunk_0.tmp`: "
        "No such file or directory (os error 2)"
    ),
}

BAD_WORK: dict[str, BaseException] = {
    "not an event": ValueError("not JSON"),
    "a bug": AttributeError("'NoneType' object has no attribute 'payload'"),
    "content the database refuses": asyncpg.exceptions.StringDataRightTruncationError("too long"),
    "a constraint": asyncpg.exceptions.UniqueViolationError("duplicate key"),
    "an unknown column": asyncpg.exceptions.UndefinedColumnError("no such column"),
    "wrong credentials": asyncpg.exceptions.InvalidPasswordError("password failed"),
    "asyncpg misuse": asyncpg.InterfaceError(
        "cannot perform operation: another operation is in progress"
    ),
    "asyncpg state error while another statement runs": asyncpg.exceptions.InternalClientError(
        "cannot switch to state 12; another operation (12) is in progress"
    ),
    "asyncpg misuse while handling a bad statement": _raised_while_handling(
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
    ),
    "kafka message too large": kafka.MessageSizeTooLargeError(),
    "http 400": _status(400),
    "http bad scheme": httpx.UnsupportedProtocol("ftp://"),
    "qdrant 400": _qdrant_status(400),
    "qdrant unreadable answer": ResponseHandlingException(ValueError("bad json")),
    "edge bad argument": Exception("Service runtime error: Wrong input: vector dimension"),
}


@pytest.mark.parametrize("case", sorted(OUTAGES))
def test_an_outage_of_a_dependency_is_transient(case: str) -> None:
    assert is_transient(OUTAGES[case])


@pytest.mark.parametrize("case", sorted(BAD_WORK))
def test_a_failure_of_the_work_itself_is_not_transient(case: str) -> None:
    assert not is_transient(BAD_WORK[case])
