"""accounts.permissions: a refusal is the domain NotFound (services, tasks and commands call ``require`` too), which
the pages and the API answer with 404."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.permissions import HasCapability, require
from core.exceptions import DomainError, NotFound

pytestmark = pytest.mark.django_db


def test_require_refuses_with_the_domain_not_found(manager, other_cluster, cluster):
    require(manager, "cluster.edit", cluster)  # allowed: nothing raised
    with pytest.raises(NotFound) as refused:
        require(manager, "cluster.edit", other_cluster)
    assert isinstance(refused.value, DomainError) and refused.value.status_code == 404
    with pytest.raises(NotFound):
        require(AnonymousUser(), "cluster.view", cluster)


def test_the_api_s_object_check_refuses_with_the_domain_not_found(rf, manager, other_cluster):
    request = rf.get("/")
    request.user = manager
    with pytest.raises(NotFound):
        HasCapability.for_("cluster.view")().has_object_permission(request, None, other_cluster)
