"""A real PostgreSQL server for tests (CALLSHOP_TEST_PG_URL; .ci/run sets it): the till's
and central's tests each get a fresh, private schema on it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text

PG_ENV = "CALLSHOP_TEST_PG_URL"


def postgres_url_or_skip() -> str:
    """The test server's URL; skip when not configured, fail when CI expects it."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{PG_ENV} is not set but CI is: the PostgreSQL tests must run in CI")
    pytest.skip(f"{PG_ENV} not set (set it to a PostgreSQL URL to run the postgres tests)")


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh, private schema (dropped afterwards)."""
    base = postgres_url_or_skip()
    schema = f"t_{secrets.token_hex(6)}"
    admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin_engine.dispose()
