"""The report produced by a REAL Celery worker through Redis (no eager mode: serialisation and on-commit
enqueueing are exercised the way production runs them)."""

from __future__ import annotations

import pytest

from indicators.services import framework_ensure_default
from labelling.models import ReportStatus
from labelling.services.reports import report_request
from tests import factories
from tests.labelling.workflow_helpers import decided
from tests.worker import wait_for_status


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_report_and_the_certificate(celery_worker_process):
    framework_ensure_default()  # transactional tests flush the catalogue loaded by the migrations
    cluster = factories.ClusterFactory(name="Elastopole")
    manager = factories.ManagerFactory(username="worker_manager")
    cluster.managers.add(manager)
    administrator = factories.AdministratorFactory(username="worker_admin")
    assessor = factories.AssessorFactory(username="worker_assessor")
    assessment = decided(cluster, manager, administrator, assessor).assessment

    # Outside any transaction: report_request commits its row, then hands the id to the broker.
    report = report_request(user=manager, assessment=assessment, kind="assessment", language="fr")
    certificate = report_request(user=manager, assessment=assessment, kind="certificate", language="en")

    for item in (report, certificate):
        wait_for_status(item, ReportStatus.READY, worker=celery_worker_process, timeout=90)
        assert item.attempts == 1 and item.error == ""
        with item.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert "labelling.render_report" in celery_worker_process.log()
