"""When something fails on the server: an error page, not a second failure, and no personal
data in any log."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.campaigns.models import Role
from app.readiness import service as readiness
from tests.factories import Factory, log_in

PERSONAL = "Rivera, Ana 555-0100"  # what an error's message may quote


@pytest.fixture
def failing_client(application: FastAPI) -> Iterator[TestClient]:
    """A browser that gets the server's 500 answer, as a real one would."""
    with TestClient(
        application,
        base_url="http://testserver",
        headers={"Sec-Fetch-Site": "same-origin"},
        raise_server_exceptions=False,
    ) as client:
        yield client


THRESHOLDS = {"majority": "50", "supermajority": "70", "strike_ready": "80"}


def test_a_request_that_fails_after_a_rollback_gets_the_error_page(
    failing_client: TestClient,
    factory: Factory,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed write rolls the session back, which leaves the logged-in user unreadable: the
    error page used to fail in turn, reading their name."""

    def fail(*, session: Session, **_: object) -> None:
        session.rollback()  # what a failed flush leaves behind
        raise RuntimeError(PERSONAL)

    log_in(failing_client, factory.member(factory.campaign(slug="mercy"), Role.admin))
    monkeypatch.setattr(readiness, "update_thresholds", fail)
    with caplog.at_level(logging.INFO):
        response = failing_client.post(
            "/campaigns/mercy/thresholds", data=THRESHOLDS | {"coworkers_per_organizer": "12"}
        )
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "Nothing was changed" in response.text
    assert "unhandled RuntimeError on POST /campaigns/mercy/thresholds" in caplog.text
    assert PERSONAL not in caplog.text
    with Session(engine) as session:
        assert session.scalar(text("SELECT coworkers_per_organizer FROM campaign")) == 10


def test_the_servers_own_error_line_carries_no_traceback(
    application: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """After our handler answers, Starlette hands the exception on to uvicorn, which logs it
    on "uvicorn.error" with its traceback: the application keeps the line, not the trace."""
    try:
        raise RuntimeError(PERSONAL)
    except RuntimeError as error:
        # What uvicorn's HTTP protocol does with an exception the application raised.
        logging.getLogger("uvicorn.error").error("Exception in ASGI application\n", exc_info=error)
    assert "Exception in ASGI application" in caplog.text
    assert PERSONAL not in caplog.text
    assert "Traceback" not in caplog.text


def test_database_errors_do_not_quote_their_parameters(engine: Engine) -> None:
    """An error's text names the statement, never the values sent with it."""
    missing = text("SELECT * FROM no_such_table WHERE name = :name")
    with pytest.raises(DBAPIError) as failure, engine.connect() as connection:
        connection.execute(missing, {"name": PERSONAL})
    assert "no_such_table" in str(failure.value)
    assert PERSONAL not in str(failure.value)
