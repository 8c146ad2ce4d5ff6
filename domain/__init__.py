"""The write side of Förderbuch: value types, aggregates, rules and the FundingOffice application.

This package knows nothing of the web, SQL or spreadsheets; it imports only the standard library,
``eventsourcing`` and ``pydantic``.
"""
