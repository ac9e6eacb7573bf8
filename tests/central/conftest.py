from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.central.client import ApiClient
from tests.central.support import Central, make_central
from tests.postgres import postgres_schema_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Central]:
    """The same tests on SQLite and on the real PostgreSQL server."""
    if request.param == "sqlite":
        c = make_central(f"sqlite:///{tmp_path / 'central.db'}")
        yield c
        c.db.dispose()
    else:
        with postgres_schema_url() as url:
            c = make_central(url)
            yield c
            c.db.dispose()


@pytest.fixture
def client(central: Central) -> Iterator[ApiClient]:
    with ApiClient(central.app()) as c:
        yield c
