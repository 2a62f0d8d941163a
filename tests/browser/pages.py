"""Every page type of Grappe, for the accessibility, HTML and phone-width checks (test_accessibility.py).

To add a page, append a ``Page`` to ``PAGES``: a name, who looks at it (a key of ``PageWorld.users``), the
path (a function of the world), and for a form shown with its errors the POST data that fails validation
(``post``). The checks then run on it: axe-core in chromium (serious and critical violations fail), the Nu
HTML checker (any error fails) and the 390 px phone width (no horizontal scroll).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.urls import reverse


@dataclass(frozen=True)
class Page:
    name: str
    user: str | None  # None: a visitor; else a key of PageWorld.users
    path: Callable[[PageWorld], str]
    post: Callable[[PageWorld], dict] | None = None  # a POST that fails validation: the form with its errors
    language: str = "fr"
    # Done with the page's client before the GET (e.g. an action that leaves a flash message): the browser
    # then checks the HTML the client received.
    prepare: Callable[[PageWorld, object], None] | None = None


@dataclass
class PageWorld:
    cluster: object
    draft: object  # the manager's editable assessment
    in_review: object  # assigned to the assessor, no conflict declared
    decided: object
    label: object
    report: object
    users: dict = field(default_factory=dict)
    committee_session: object = None  # open, chaired by the administrator; the committee member sits on it
    case: object = None  # the decided assessment on its agenda (undecided there: the page shows its forms)


def build_world() -> PageWorld:
    """A cluster with records, a draft, an assessment in review and a decided one with its label and report."""
    from improvement.services import plan_seed
    from indicators.services import framework_ensure_default
    from labelling.models import Report
    from labelling.services.answers import answer_save
    from labelling.services.workflow import assessment_assign, review_declare_no_conflict
    from tests import factories

    framework_ensure_default()
    manager = factories.ManagerFactory(username="claire", first_name="Claire", last_name="Martin")
    assessor = factories.AssessorFactory(username="paul")
    administrator = factories.AdministratorFactory(username="anne")
    cluster = factories.ClusterFactory(name="Elastopole", acronym="ELA", region="24")
    cluster.managers.add(manager)
    factories.MemberFactory.create_batch(3, cluster=cluster)
    factories.TeamYearFactory(cluster=cluster, year=2025)
    factories.FinancingYearFactory(cluster=cluster, year=2025)
    draft = factories.AssessmentFactory(cluster=cluster, reference_year=2025, created_by=manager)
    answer = draft.answers.select_related("indicator").get(indicator__code="S1")
    answer_save(user=manager, answer=answer, value="80,5", expected_version=answer.version)
    in_review = factories.AssessmentFactory(
        cluster=cluster, reference_year=2024, created_by=manager, status="submitted"
    )
    assessment_assign(user=administrator, assessment=in_review, assessor=assessor)
    in_review.refresh_from_db()
    review_declare_no_conflict(user=assessor, assessment=in_review)
    label = factories.LabelFactory(
        assessment=factories.AssessmentFactory(
            cluster=cluster, reference_year=2023, status="decided", validated_on=datetime.date(2026, 3, 1)
        ),
        level="gold",
    )
    report = Report.objects.create(assessment=label.assessment, kind="assessment", status="ready", language="fr")
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    from committee.models import Case, CommitteeSession

    member = factories.CommitteeMemberFactory(username="louise", first_name="Louise", last_name="Roche")
    session = CommitteeSession.objects.create(held_on=datetime.date(2027, 1, 14), place="Orléans", chair=administrator)
    session.members.add(member)
    session.present.add(member)
    case = Case.objects.create(
        session=session, assessment=label.assessment, computed_level="gold", proposed_level="gold"
    )
    # the improvement plan of the decided assessment: S1 partly met, S2 not met
    plan_seed(
        assessment=label.assessment,
        scores={"indicators": {"S1": {"result": "partial"}, "S2": {"result": "none"}}},
    )
    return PageWorld(
        cluster=cluster,
        draft=draft,
        in_review=in_review,
        decided=label.assessment,
        label=label,
        report=report,
        users={"manager": manager, "assessor": assessor, "administrator": administrator, "committee_member": member},
        committee_session=session,
        case=case,
    )


def _c(name):
    return lambda w: reverse(name, kwargs={"pk": w.cluster.pk})


def _a(name, which="draft", **extra):
    return lambda w: reverse(name, kwargs={"pk": getattr(w, which).pk, **extra})


def _action_url(w):
    action = w.cluster.improvement_plan.actions.order_by("pk").first()
    return reverse("improvement:action", kwargs={"pk": w.cluster.pk, "action_pk": action.pk})


def _member_active_url(w):
    """A stale version is refused: the members page then says so in a flash message."""
    member = w.cluster.members.first()
    return reverse("clusters:member_set_active", kwargs={"pk": w.cluster.pk, "member_pk": member.pk})


PAGES: list[Page] = [
    # public
    Page("home", None, lambda w: reverse("home")),
    Page("login", None, lambda w: reverse("login")),
    Page("login with errors", None, lambda w: reverse("login"), post=lambda w: {"username": "x", "password": "y"}),
    Page("password reset", None, lambda w: reverse("password_reset")),
    Page("password reset with errors", None, lambda w: reverse("password_reset"), post=lambda w: {"email": "no"}),
    Page("methodology", None, lambda w: reverse("indicators:methodology")),
    Page("registry", None, lambda w: reverse("labelling:registry")),
    Page("registry (English)", None, lambda w: reverse("labelling:registry"), language="en"),
    Page("registry cluster", None, _c("labelling:registry_cluster")),
    Page("verify", None, lambda w: reverse("labelling:verify")),
    Page(
        "certificate", None, lambda w: reverse("labelling:certificate", kwargs={"number": w.label.certificate_number})
    ),
    # manager
    Page("manager dashboard", "manager", lambda w: reverse("clusters:dashboard")),
    Page("cluster profile", "manager", _c("clusters:profile")),
    Page("cluster profile form with errors", "manager", _c("clusters:profile_edit"), post=lambda w: {"name": ""}),
    Page("members", "manager", _c("clusters:members")),
    Page(
        "members with a flash message",
        "manager",
        _c("clusters:members"),
        prepare=lambda w, client: client.post(
            reverse(
                "clusters:member_set_active", kwargs={"pk": w.cluster.pk, "member_pk": w.cluster.members.first().pk}
            ),
            {"active": "0", "version": "999"},  # a stale version: the page says so in a flash message
        ),
    ),
    Page("member form with errors", "manager", _c("clusters:member_add"), post=lambda w: {"name": ""}),
    Page("member import", "manager", _c("clusters:member_import")),
    Page("team", "manager", _c("clusters:team")),
    Page("financing", "manager", _c("clusters:financing")),
    Page("financing form with errors", "manager", _c("clusters:financing_add"), post=lambda w: {"year": ""}),
    Page(
        "assessments of a cluster",
        "manager",
        lambda w: reverse("labelling:cluster_assessments", kwargs={"cluster_pk": w.cluster.pk}),
    ),
    Page("fill a category", "manager", _a("labelling:assessment_fill", category_code="S")),
    Page(
        "fill a category with errors",
        "manager",
        _a("labelling:assessment_fill", category_code="S"),
        post=lambda w: {"S1-value": "1e3", "S1-version": str(w.draft.answers.get(indicator__code="S1").version)},
    ),
    Page("fill a category (English)", "manager", _a("labelling:assessment_fill", category_code="G"), language="en"),
    Page("summary", "manager", _a("labelling:assessment_summary")),
    Page("improvement plan", "manager", _c("improvement:plan")),
    Page("improvement plan (English)", "manager", _c("improvement:plan"), language="en"),
    Page("improvement action", "manager", _action_url),
    Page(
        "improvement action form with errors",
        "manager",
        _c("improvement:action_add"),
        post=lambda w: {"description": "", "due_on": "2020-01-01", "status": "done", "version": "1"},
    ),
    Page("improvement plan read by the next assessor", "assessor", _c("improvement:plan")),
    Page("offline questionnaire", "manager", _a("labelling:assessment_offline")),
    # assessor
    Page("assessor dashboard", "assessor", lambda w: reverse("labelling:assessor_dashboard")),
    Page("assessment in review", "assessor", _a("labelling:assessment_detail", "in_review")),
    Page(
        "answer review",
        "assessor",
        lambda w: reverse("labelling:answer_review", kwargs={"pk": w.in_review.pk, "code": "S1"}),
    ),
    # administrator
    Page("administrator dashboard", "administrator", lambda w: reverse("labelling:admin_dashboard")),
    Page("decided assessment", "administrator", _a("labelling:assessment_detail", "decided")),
    Page("statistics", "administrator", lambda w: reverse("labelling:statistics")),
    Page("benchmark position", "administrator", _a("labelling:assessment_benchmark", "decided")),
    Page("report status", "administrator", lambda w: reverse("labelling:report_status", kwargs={"pk": w.report.pk})),
    # the awarding committee
    Page("committee sessions", "administrator", lambda w: reverse("committee:list")),
    Page("new committee session", "administrator", lambda w: reverse("committee:create"), post=lambda w: {}),
    Page("committee session", "administrator", _a("committee:detail", "committee_session")),
    Page("committee case file", "committee_member", _a("committee:case_detail", "case")),
    Page("committee session (member)", "committee_member", _a("committee:detail", "committee_session"), language="en"),
]
