"""The access log keeps the passeport link's route, never its token."""

from __future__ import annotations

import logging

from shared.logs import JsonFormatter, RedactSecretPaths


def _line(msg: str, *args: object) -> str:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, msg, args, None)
    assert RedactSecretPaths().filter(record)
    return JsonFormatter("candidate_profile").format(record)


def test_an_access_log_line_hides_the_token_of_a_passeport_link() -> None:
    token = "Zt3x-Q_9fK2mN8pL4rS6vW1yB7cD0eH5jG2kA9uI3oE"
    line = _line(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5",
        "POST",
        f"/passeport/lien/{token}/avis/metiers",
        "1.1",
        303,
    )
    assert token not in line and "/passeport/lien/…/avis/metiers" in line


def test_other_paths_are_logged_as_they_are() -> None:
    line = _line(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/espace/personnes/42", "1.1", 200
    )
    assert "/espace/personnes/42" in line
