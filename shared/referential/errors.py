"""Domain errors of the referential: a broken source file names itself and the line at fault."""

from __future__ import annotations

from pathlib import Path


class ReferentialFileError(ValueError):
    """A source file cannot be imported; nothing was changed in the database."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")

    @property
    def file(self) -> str:
        return self.path.name


class UnknownCommune(LookupError):
    """An INSEE code that the loaded communes referential does not know."""

    def __init__(self, code_insee: str) -> None:
        self.code_insee = code_insee
        super().__init__(f"unknown commune INSEE code {code_insee!r}")
