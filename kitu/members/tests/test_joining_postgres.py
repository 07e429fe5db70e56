"""Two applications of one town confirmed at the same moment (PostgreSQL, threads with their own
connections): exactly one enters the register, the other is refused with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from kitu.core.errors import DomainError
from kitu.members.models import ApplicationStatus, JoiningApplication, Member
from kitu.members.services import joining, joining_codes
from tests.test_concurrency import run_parallel

from .joining_helpers import leitweg, pdf, service_input

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel confirmation is tested on PostgreSQL (set KITU_TEST_POSTGRES); SQLite serialises writers")


def test_parallel_confirmations_of_one_town_admit_one() -> None:
    first = joining.application_submit(data=service_input(), upload=pdf())
    second = joining.application_submit(
        data=service_input(leitweg_id=leitweg(fine="0002"), contact_email="hauptamt@quedlinburg.example"),
        upload=pdf(),
    )
    codes = [joining_codes.confirm_code(first), joining_codes.confirm_code(second)]

    def job(code: str) -> Any:
        def run() -> Any:
            try:
                return joining.application_confirm(code=code)
            except DomainError as exc:
                return exc

        return run

    results = run_parallel([job(code) for code in codes])
    confirmed = [r for r in results if isinstance(r, JoiningApplication)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(confirmed) == 1 and len(refused) == 1, results
    assert refused[0].field == "name" and "bereits ein Beitrittsantrag" in refused[0].message
    assert Member.objects.filter(organisation__name="Stadt Quedlinburg").count() == 1
    assert JoiningApplication.objects.filter(status=ApplicationStatus.PENDING).count() == 1
