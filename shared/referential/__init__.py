"""ROME 4.0 and communes referential: importers into PostgreSQL and an in-memory read side.

Importing this package opens no connection; see `importer` (write side, used by the CLI in
`python -m shared.referential`) and `lookup` (read side, used by the services).
"""
