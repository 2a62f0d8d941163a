"""The assessment report reaches a programme's officer only when a manager of the cluster shares it with that
programme; the manager can withdraw it; both are audited."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from programmes.models import SharedReport
from tests import factories

pytestmark = pytest.mark.django_db


def test_share_then_withdraw(world, client):
    officer, manager = world.users["officer"], world.users["manager"]
    enrolment = world.programme.enrolments.get()
    SharedReport.objects.all().delete()
    cluster_page = reverse("programmes:cluster", args=[world.programme.pk, world.cluster.pk])
    client.force_login(officer)
    assert "Assessment report on" not in client.get(cluster_page, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    client.force_login(manager)
    share = reverse("programmes:report_share", args=[enrolment.pk, world.report.pk])
    assert client.post(share).status_code == 302
    shared = SharedReport.objects.get()
    assert AuditEvent.objects.filter(action="programme.report_shared", assessment=world.report.assessment).exists()

    client.force_login(officer)
    assert client.get(reverse("programmes:shared_report", args=[shared.pk])).status_code == 200
    # another programme's officer does not reach it
    stranger = factories.OfficerFactory(username="stranger")
    factories.ProgrammeFactory().officers.add(stranger)
    client.force_login(stranger)
    assert client.get(reverse("programmes:shared_report", args=[shared.pk])).status_code == 404

    client.force_login(manager)
    assert client.post(share, {"withdraw": "1"}).status_code == 302
    assert not SharedReport.objects.exists()
    assert AuditEvent.objects.filter(action="programme.report_withdrawn").exists()
    client.force_login(officer)
    assert client.get(reverse("programmes:shared_report", args=[shared.pk])).status_code == 404
    # the officer still gets nothing of the labelling desk's report routes
    assert client.get(reverse("labelling:report_download", args=[world.report.pk])).status_code == 404


def test_another_cluster_s_report_cannot_be_shared(world, client):
    other = factories.ManagerFactory(username="other_m")
    world.other_cluster.managers.add(other)
    enrolment = factories.EnrolmentFactory(programme=world.programme, cluster=world.other_cluster)
    client.force_login(other)
    response = client.post(reverse("programmes:report_share", args=[enrolment.pk, world.report.pk]))
    assert response.status_code == 404
