"""Access control as a matrix: every page and API route × every role, including another cluster's data.

The expectations are written out per route below. ``test_every_route_is_in_the_matrix`` fails when a route is
added without saying who may use it, so the matrix cannot silently fall behind the code.

Roles: visitor, manager (of the cluster that owns the objects), other_manager (of another cluster), assessor
(assigned to the assessment in review), other_assessor (not assigned), administrator, officer (a programme officer
of a programme that enrols the cluster: they get nothing of the labelling desk, only the programmes' pages),
committee_member (sits on world.committee_session: they get nothing of the labelling desk, only that session).
"""

import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appeals.models import Appeal, AppealFile, Question
from areas.models import ImprovementArea
from audit.models import AuditEvent
from committee.models import Case, CommitteeSession, ConflictDeclaration
from improvement.models import Action, ActionEvidence, ImprovementPlan
from labelling.models import Evidence
from programmes.models import Contract, ReportProof, SharedReport, Target, YearlyReport
from tests.areas.helpers import world_with_areas

ROLES = (
    "visitor",
    "manager",
    "other_manager",
    "assessor",
    "other_assessor",
    "administrator",
    "officer",
    "committee_member",
)
EVERYONE = frozenset(ROLES)
LOGGED_IN = frozenset(ROLES) - {"visitor"}
ADMIN = frozenset({"administrator"})
OWNERS = frozenset({"manager", "administrator"})
OWNER_MANAGER = frozenset({"manager"})
MANAGERS = frozenset({"manager", "other_manager", "administrator"})
ASSIGNED = frozenset({"manager", "assessor", "administrator"})
ASSESSORS = frozenset({"assessor", "other_assessor", "administrator"})
ASSIGNED_ASSESSOR = frozenset({"assessor"})
NOBODY = frozenset()
FUNDERS = frozenset({"officer", "administrator"})  # the programme's officer, and administrators
COMMITTEE = frozenset({"committee_member", "administrator"})  # the session's member, and administrators (its chair)
# The cluster's improvement plan: its managers, the assessor of its next assessment (world.in_review), the committee's
# member of a session with its case (world.case), and administrators.
PLAN_READERS = frozenset({"manager", "assessor", "committee_member", "administrator"})

# Routes outside the matrix: Django's own auth pages, the language switch and the JS catalogue, the admin
# (staff only, Django's own checks), the API schema and docs (public by design), and media in DEBUG.
OUT_OF_MATRIX = {
    "health",  # public monitoring endpoints, nothing private in them: tests/test_operations.py
    "health_live",
    "health_process",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "javascript-catalog",
    "schema",
    "api-docs",
    "api-redoc",
    "api-token",  # anybody, with a password (tests/accounts/test_login_protection.py)
    None,
}


@dataclass(frozen=True)
class Route:
    kwargs: object  # World -> dict
    get: frozenset  # who may GET (others are refused)
    post: frozenset = NOBODY  # who may POST (others are refused); NOBODY with post_only=False: GET-only route
    public: bool = False
    post_data: object = None  # World -> dict for the POST (default: an empty body)
    # Extra status codes that count as a refusal on POST (e.g. 400 when the cluster field only accepts one's own).
    also_refused: frozenset = frozenset()


def _c(w):
    return {"pk": w.cluster.pk}


def _action(w):
    return {"pk": w.cluster.pk, "action_pk": w.action.pk}


def _action_evidence(w):
    return {"pk": w.cluster.pk, "action_pk": w.action.pk, "evidence_pk": w.action_evidence.pk}


PAGES: dict[str, Route] = {
    "home": Route(lambda w: {}, EVERYONE, public=True),
    "indicators:methodology": Route(lambda w: {}, EVERYONE, public=True),
    "labelling:registry": Route(lambda w: {}, EVERYONE, public=True),
    # Prometheus's endpoint: no role opens it, only METRICS_TOKEN or the scrapers' networks (tests/test_metrics.py)
    "metrics": Route(lambda w: {}, NOBODY),
    "labelling:open_data": Route(lambda w: {}, EVERYONE, public=True),
    "labelling:open_data_csv": Route(lambda w: {}, EVERYONE, public=True),
    "labelling:open_data_json": Route(lambda w: {}, EVERYONE, public=True),
    "labelling:registry_cluster": Route(lambda w: {"pk": w.cluster.pk}, EVERYONE, public=True),
    "labelling:verify": Route(lambda w: {}, EVERYONE, public=True),
    "labelling:certificate": Route(lambda w: {"number": w.label.certificate_number}, EVERYONE, public=True),
    "labelling:certificate_badge": Route(lambda w: {"number": w.label.certificate_number}, EVERYONE, public=True),
    # the cluster's records
    "clusters:dashboard": Route(lambda w: {}, LOGGED_IN),  # lists only the user's own clusters
    "clusters:profile": Route(_c, OWNERS),
    "clusters:profile_edit": Route(_c, OWNERS, OWNERS),
    "clusters:members": Route(_c, OWNERS),
    "clusters:member_add": Route(_c, OWNERS, OWNERS),
    "clusters:member_edit": Route(lambda w: {"pk": w.cluster.pk, "member_pk": w.member.pk}, OWNERS, OWNERS),
    "clusters:member_set_active": Route(lambda w: {"pk": w.cluster.pk, "member_pk": w.member.pk}, NOBODY, OWNERS),
    "clusters:member_import": Route(_c, OWNERS, OWNERS),
    "clusters:member_import_template": Route(lambda w: {"pk": w.cluster.pk, "fmt": "csv"}, OWNERS),
    "clusters:team": Route(_c, OWNERS),
    "clusters:team_add": Route(_c, OWNERS, OWNERS),
    "clusters:team_edit": Route(lambda w: {"pk": w.cluster.pk, "year": 2025}, OWNERS, OWNERS),
    "clusters:financing": Route(_c, OWNERS),
    "clusters:financing_add": Route(_c, OWNERS, OWNERS),
    "clusters:financing_edit": Route(lambda w: {"pk": w.cluster.pk, "year": 2025}, OWNERS, OWNERS),
    # the self-assessment (draft of the manager's cluster)
    "labelling:cluster_assessments": Route(lambda w: {"cluster_pk": w.cluster.pk}, OWNERS, OWNER_MANAGER),
    # the filling pages are the manager's; administrators follow the assessment on its detail page
    "labelling:assessment_fill_first": Route(lambda w: {"pk": w.draft.pk}, OWNER_MANAGER),
    "labelling:assessment_fill": Route(
        lambda w: {"pk": w.draft.pk, "category_code": "S"}, OWNER_MANAGER, OWNER_MANAGER
    ),
    "labelling:assessment_autosave": Route(
        lambda w: {"pk": w.draft.pk},
        NOBODY,
        OWNER_MANAGER,
        post_data=lambda w: {"code": "S1", "value": "80"},
    ),
    "labelling:assessment_summary": Route(lambda w: {"pk": w.draft.pk}, OWNER_MANAGER),
    # the expert's process (issue 20): the prerequisites to apply; administrators record the exemption
    "expertise:prerequisites": Route(lambda w: {"pk": w.in_review.pk}, ASSIGNED, ADMIN),
    "expertise:exemption_withdraw": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ADMIN),
    # the interview or visit: the assigned assessor proposes; world.visit is accepted (world.in_review)
    "expertise:visit": Route(lambda w: {"pk": w.in_review.pk}, ASSIGNED, ASSIGNED_ASSESSOR),
    "expertise:visit_accept": Route(lambda w: {"pk": w.visit.pk}, NOBODY, OWNER_MANAGER),
    "expertise:visit_decline": Route(lambda w: {"pk": w.visit.pk}, NOBODY, OWNER_MANAGER),
    "expertise:visit_move": Route(lambda w: {"pk": w.visit.pk}, NOBODY, ASSIGNED),
    "expertise:visit_cancel": Route(lambda w: {"pk": w.visit.pk}, NOBODY, ASSIGNED),
    "expertise:visit_invitation": Route(lambda w: {"pk": w.visit.pk}, ASSIGNED),
    "expertise:upcoming": Route(lambda w: {}, ADMIN),
    # the findings: the assigned assessor writes them; the managers read them once the assessment is validated
    "expertise:findings": Route(
        lambda w: {"pk": w.in_review.pk}, frozenset({"assessor", "administrator"}), ASSIGNED_ASSESSOR
    ),
    "labelling:assessment_eligibility": Route(lambda w: {"pk": w.draft.pk}, NOBODY, OWNER_MANAGER),
    "labelling:assessment_submit": Route(lambda w: {"pk": w.draft.pk}, NOBODY, OWNER_MANAGER),
    "labelling:assessment_withdraw": Route(lambda w: {"pk": w.draft.pk}, OWNER_MANAGER, OWNER_MANAGER),
    "labelling:evidence_upload": Route(lambda w: {"answer_pk": w.evidence.answer_id}, NOBODY, OWNER_MANAGER),
    "labelling:evidence_download": Route(lambda w: {"pk": w.evidence.pk}, OWNERS),
    "labelling:evidence_delete": Route(lambda w: {"pk": w.evidence.pk}, NOBODY, OWNER_MANAGER),
    "labelling:assessment_offline": Route(lambda w: {"pk": w.draft.pk}, OWNER_MANAGER, OWNER_MANAGER),
    "labelling:assessment_offline_xlsx": Route(lambda w: {"pk": w.draft.pk}, OWNER_MANAGER),
    "labelling:assessment_offline_json": Route(lambda w: {"pk": w.draft.pk}, OWNER_MANAGER),
    "labelling:assessment_offline_confirm": Route(lambda w: {"pk": w.draft.pk}, NOBODY, OWNER_MANAGER),
    # the review (assessment in review, assigned to `assessor`)
    "labelling:assessment_detail": Route(lambda w: {"pk": w.in_review.pk}, ASSIGNED),
    "labelling:assessment_assign": Route(lambda w: {"pk": w.draft.pk}, NOBODY, ADMIN),
    "labelling:assessment_declare_no_conflict": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ASSIGNED_ASSESSOR),
    "labelling:answer_review": Route(lambda w: {"pk": w.in_review.pk, "code": "S1"}, NOBODY, ASSIGNED_ASSESSOR),
    "labelling:assessment_declare_conflict": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ASSIGNED_ASSESSOR),
    "labelling:assessment_assign_second": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ADMIN),
    # only the second assessor countersigns (see test_second_and_conflicted_assessors below)
    "labelling:assessment_countersign": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, NOBODY),
    "labelling:assessment_disagree": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, NOBODY),
    "labelling:answers_accept_category": Route(
        lambda w: {"pk": w.in_review.pk, "category_code": "S"}, NOBODY, ASSIGNED_ASSESSOR
    ),
    "labelling:assessment_request_changes": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ASSIGNED_ASSESSOR),
    "labelling:assessment_validate": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ASSIGNED_ASSESSOR),
    # the direct decision: nobody while the awarding committee decides (the default; see the committee-off test)
    "labelling:assessment_decide": Route(lambda w: {"pk": w.in_review.pk}, NOBODY),
    "labelling:label_revoke": Route(lambda w: {"pk": w.label.pk}, NOBODY, ADMIN),
    "labelling:assessment_audit": Route(lambda w: {"pk": w.in_review.pk}, OWNERS),
    "labelling:audit_all": Route(lambda w: {}, ADMIN),
    "labelling:audit_export": Route(lambda w: {}, ADMIN),
    "labelling:assessor_dashboard": Route(lambda w: {}, frozenset({"assessor", "other_assessor"})),
    "labelling:admin_dashboard": Route(lambda w: {}, ADMIN),
    "labelling:registry_export": Route(lambda w: {}, ADMIN),
    "labelling:registry_export_json": Route(lambda w: {}, ADMIN),
    "labelling:registry_export_xlsx": Route(lambda w: {}, ADMIN),
    "labelling:report_request": Route(lambda w: {"pk": w.decided.pk}, NOBODY, OWNERS),
    "labelling:report_status": Route(lambda w: {"pk": w.report.pk}, OWNERS),
    "labelling:report_download": Route(lambda w: {"pk": w.report.pk}, OWNERS),
    "labelling:report_regenerate": Route(lambda w: {"pk": w.report.pk}, NOBODY, OWNERS),
    # the funders' programmes (officer: follows world.programme, which enrols world.cluster)
    "programmes:list": Route(lambda w: {}, LOGGED_IN),  # lists only the programmes the user follows
    "programmes:detail": Route(lambda w: {"pk": w.programme.pk}, FUNDERS),
    "programmes:cluster": Route(lambda w: {"pk": w.programme.pk, "cluster_pk": w.cluster.pk}, FUNDERS),
    "programmes:dashboard": Route(lambda w: {"pk": w.programme.pk}, FUNDERS),
    "programmes:dashboard_csv": Route(lambda w: {"pk": w.programme.pk}, FUNDERS),
    "programmes:dashboard_xlsx": Route(lambda w: {"pk": w.programme.pk}, FUNDERS),
    # the managers' side of an enrolment, and the yearly report (being filled by `manager`)
    "programmes:enrolment": Route(lambda w: {"pk": w.programme.enrolments.get().pk}, OWNER_MANAGER, OWNER_MANAGER),
    "programmes:report": Route(lambda w: {"pk": w.yearly_report.pk}, OWNERS | FUNDERS, OWNER_MANAGER),
    "programmes:report_submit": Route(lambda w: {"pk": w.yearly_report.pk}, NOBODY, OWNER_MANAGER),
    "programmes:report_approve": Route(lambda w: {"pk": w.yearly_report.pk}, NOBODY, FUNDERS),
    "programmes:report_return": Route(lambda w: {"pk": w.yearly_report.pk}, NOBODY, FUNDERS),
    "programmes:proof_upload": Route(lambda w: {"pk": w.yearly_report.pk}, NOBODY, OWNER_MANAGER),
    "programmes:proof_download": Route(lambda w: {"pk": w.proof.pk}, OWNERS | FUNDERS),
    # an assessment report shared by the manager with the programme: only its officers read it (and administrators)
    "programmes:report_share": Route(
        lambda w: {"pk": w.programme.enrolments.get().pk, "report_pk": w.report.pk}, NOBODY, OWNER_MANAGER
    ),
    "programmes:shared_report": Route(lambda w: {"pk": w.shared.pk}, FUNDERS),
    # the performance contract: recorded by the officer, read by the cluster's managers
    "programmes:contract": Route(lambda w: {"pk": w.programme.pk, "cluster_pk": w.cluster.pk}, FUNDERS, FUNDERS),
    "programmes:targets": Route(lambda w: {"pk": w.contract.pk}, FUNDERS, FUNDERS),
    "programmes:targets_import": Route(lambda w: {"pk": w.contract.pk}, NOBODY, FUNDERS),
    "programmes:targets_template": Route(lambda w: {"pk": w.contract.pk}, FUNDERS),
    "programmes:contract_document": Route(lambda w: {"pk": w.contract.pk}, OWNERS | FUNDERS),
    # the awarding committee (committee_member sits on world.committee_session, chaired by administrator)
    "committee:list": Route(lambda w: {}, LOGGED_IN),  # lists only the sessions the user sits on
    "committee:create": Route(lambda w: {}, ADMIN, ADMIN),
    "committee:detail": Route(lambda w: {"pk": w.committee_session.pk}, COMMITTEE),
    "committee:case_add": Route(lambda w: {"pk": w.committee_session.pk}, NOBODY, ADMIN),
    # the session's chair (the world's administrator) records who is present
    "committee:attendance": Route(lambda w: {"pk": w.committee_session.pk}, NOBODY, ADMIN),
    "committee:close": Route(lambda w: {"pk": w.committee_session.pk}, NOBODY, ADMIN),
    # a case's file (read-only) and its assessment report: the session's members and administrators
    "committee:case_detail": Route(lambda w: {"pk": w.case.pk}, COMMITTEE),
    "committee:case_report": Route(lambda w: {"pk": w.case.pk, "report_pk": w.report.pk}, COMMITTEE),
    "committee:case_decide": Route(lambda w: {"pk": w.case.pk}, NOBODY, ADMIN),
    "committee:case_conflict": Route(lambda w: {"pk": w.case.pk}, NOBODY, COMMITTEE),
    # a conditional label's follow-up: any administrator (not only the chair)
    "committee:case_conditions_met": Route(lambda w: {"pk": w.case.pk}, NOBODY, ADMIN),
    "committee:case_revoke": Route(lambda w: {"pk": w.case.pk}, NOBODY, ADMIN),
    # appeals (world.appeal: lodged by manager, handled by administrator; world.refused: the manager may appeal it)
    "appeals:list": Route(lambda w: {}, MANAGERS),  # lists only one's own clusters' appeals
    "appeals:lodge": Route(
        lambda w: {"assessment_pk": w.refused.pk, "ground": "refused"}, OWNER_MANAGER, OWNER_MANAGER
    ),
    "appeals:detail": Route(lambda w: {"pk": w.appeal.pk}, OWNERS),
    "appeals:ask": Route(lambda w: {"pk": w.appeal.pk}, NOBODY, ADMIN),
    "appeals:answer": Route(lambda w: {"pk": w.appeal.pk}, NOBODY, OWNER_MANAGER),
    "appeals:decide": Route(lambda w: {"pk": w.appeal.pk}, NOBODY, ADMIN),
    "appeals:file_download": Route(lambda w: {"pk": w.appeal_file.pk}, OWNERS),
    # the world's session is open: no minutes yet, 404 for everybody (tests/committee/test_minutes.py: once ready)
    "committee:minutes": Route(lambda w: {"pk": w.committee_session.pk}, NOBODY),
    # Silver's areas of improvement: world.area on the draft (its manager writes it), world.review_area on the
    # assessment in review (its assessor judges it); the committee's members: test_committee_members_read_the_areas…
    "areas:list": Route(lambda w: {"pk": w.draft.pk}, OWNERS, OWNER_MANAGER),
    "areas:edit": Route(lambda w: {"pk": w.area.pk}, OWNER_MANAGER, OWNER_MANAGER),
    "areas:delete": Route(lambda w: {"pk": w.area.pk}, NOBODY, OWNER_MANAGER),
    "areas:verdict": Route(lambda w: {"pk": w.review_area.pk}, NOBODY, ASSIGNED_ASSESSOR),
    # the improvement plan (world.plan, of world.cluster): its managers change it, PLAN_READERS read it
    "improvement:plan": Route(_c, PLAN_READERS),
    "improvement:action_add": Route(_c, OWNER_MANAGER, OWNER_MANAGER),
    "improvement:action": Route(_action, PLAN_READERS, OWNER_MANAGER),
    "improvement:evidence_add": Route(_action, NOBODY, OWNER_MANAGER),
    "improvement:evidence_download": Route(_action_evidence, PLAN_READERS),
    "improvement:evidence_delete": Route(_action_evidence, NOBODY, OWNER_MANAGER),
    # benchmarking
    "labelling:assessment_benchmark": Route(lambda w: {"pk": w.decided.pk}, OWNERS),
    "labelling:statistics": Route(lambda w: {}, ADMIN),
}

API: dict[str, Route] = {
    "api-root": Route(lambda w: {}, EVERYONE, public=True),
    "framework-list": Route(lambda w: {}, EVERYONE, public=True),
    "framework-detail": Route(lambda w: {"code": "ecei-31"}, EVERYONE, public=True),
    "api-registry": Route(lambda w: {}, EVERYONE, public=True),
    "api-certificate": Route(lambda w: {"number": w.label.certificate_number}, EVERYONE, public=True),
    "api-cluster-list": Route(lambda w: {}, LOGGED_IN),
    "api-cluster-detail": Route(_c, OWNERS),
    "api-member-list": Route(lambda w: {"cluster_pk": w.cluster.pk}, OWNERS, OWNERS),
    "api-member-detail": Route(lambda w: {"cluster_pk": w.cluster.pk, "pk": w.member.pk}, OWNERS),
    "api-team-year-list": Route(lambda w: {"cluster_pk": w.cluster.pk}, OWNERS, OWNERS),
    "api-team-year-detail": Route(lambda w: {"cluster_pk": w.cluster.pk, "year": 2025}, OWNERS),
    "api-financing-year-list": Route(lambda w: {"cluster_pk": w.cluster.pk}, OWNERS, OWNERS),
    "api-financing-year-detail": Route(lambda w: {"cluster_pk": w.cluster.pk, "year": 2025}, OWNERS),
    "api-assessment-list": Route(
        lambda w: {},
        LOGGED_IN,
        OWNER_MANAGER,
        post_data=lambda w: {"cluster": w.cluster.pk, "reference_year": 2022},
        # the cluster field only accepts the user's own clusters: "invalid pk", which leaks nothing
        also_refused=frozenset({400}),
    ),
    "api-assessment-detail": Route(lambda w: {"pk": w.in_review.pk}, ASSIGNED),
    "api-answer-list": Route(lambda w: {"pk": w.in_review.pk}, ASSIGNED),
    "api-answer-detail": Route(lambda w: {"pk": w.draft.pk, "code": "S1"}, OWNERS),
    "api-assessment-submit": Route(lambda w: {"pk": w.draft.pk}, NOBODY, OWNER_MANAGER),
    "api-assessment-prerequisites": Route(lambda w: {"pk": w.in_review.pk}, ASSIGNED),
    "api-assessment-visits": Route(lambda w: {"pk": w.in_review.pk}, ASSIGNED, ASSIGNED_ASSESSOR),
    "api-visit-accept": Route(lambda w: {"pk": w.visit.pk}, NOBODY, OWNER_MANAGER),
    "api-visit-decline": Route(lambda w: {"pk": w.visit.pk}, NOBODY, OWNER_MANAGER),
    "api-visit-move": Route(lambda w: {"pk": w.visit.pk}, NOBODY, ASSIGNED),
    "api-visit-cancel": Route(lambda w: {"pk": w.visit.pk}, NOBODY, ASSIGNED),
    "api-visit-invitation": Route(lambda w: {"pk": w.visit.pk}, ASSIGNED),
    "api-assessment-findings": Route(lambda w: {"pk": w.in_review.pk}, frozenset({"assessor", "administrator"})),
    "api-assessment-questionnaire": Route(lambda w: {"pk": w.draft.pk}, OWNERS),
    "api-assessment-assign": Route(lambda w: {"pk": w.draft.pk}, NOBODY, ADMIN),
    "api-assessment-declare-no-conflict": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ASSIGNED_ASSESSOR),
    "api-answer-review": Route(lambda w: {"pk": w.in_review.pk, "code": "S1"}, NOBODY, ASSIGNED_ASSESSOR),
    "api-assessment-declare-conflict": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ASSIGNED_ASSESSOR),
    "api-assessment-assign-second": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ADMIN),
    "api-assessment-countersign": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, NOBODY),
    "api-assessment-disagree": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, NOBODY),
    "api-assessment-accept-remaining": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ASSIGNED_ASSESSOR),
    "api-assessment-request-changes": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ASSIGNED_ASSESSOR),
    "api-assessment-validate": Route(lambda w: {"pk": w.in_review.pk}, NOBODY, ASSIGNED_ASSESSOR),
    "api-assessment-score": Route(lambda w: {"pk": w.in_review.pk}, frozenset({"assessor", "administrator"})),
    "api-assessment-decide": Route(lambda w: {"pk": w.in_review.pk}, NOBODY),
    "api-assessment-reports": Route(lambda w: {"pk": w.decided.pk}, OWNERS, OWNERS),
    "api-report-detail": Route(lambda w: {"pk": w.report.pk}, OWNERS),
    "api-report-download": Route(lambda w: {"pk": w.report.pk}, OWNERS),
    "api-label-list": Route(lambda w: {}, LOGGED_IN),
    "api-label-detail": Route(lambda w: {"pk": w.label.pk}, OWNERS),
    "api-label-revoke": Route(lambda w: {"pk": w.label.pk}, NOBODY, ADMIN),
    "api-assessment-benchmark": Route(lambda w: {"pk": w.decided.pk}, OWNERS),
    "api-statistics": Route(lambda w: {}, ADMIN),
    # the funders' side (officer: follows world.programme, which enrols world.cluster)
    "api-programme-list": Route(lambda w: {}, LOGGED_IN),  # lists only the programmes the user follows
    "api-programme-detail": Route(lambda w: {"pk": w.programme.pk}, FUNDERS),
    "api-programme-clusters": Route(lambda w: {"pk": w.programme.pk}, FUNDERS),
    "api-programme-dashboard": Route(lambda w: {"pk": w.programme.pk}, FUNDERS),
    "api-programme-contracts": Route(lambda w: {"pk": w.programme.pk}, FUNDERS),
    "api-contract-targets": Route(lambda w: {"pk": w.contract.pk}, OWNERS | FUNDERS, FUNDERS),
    "api-cluster-yearly-reports": Route(
        _c,
        OWNERS | FUNDERS,
        OWNER_MANAGER,
        post_data=lambda w: {"programme": w.programme.pk, "year": 2025},
        also_refused=frozenset({400}),  # administrators manage no cluster: "not enrolled" on `programme`
    ),
    "api-yearly-report-detail": Route(lambda w: {"pk": w.yearly_report.pk}, OWNERS | FUNDERS),
    "api-yearly-report-submit": Route(lambda w: {"pk": w.yearly_report.pk}, NOBODY, OWNER_MANAGER),
    "api-yearly-report-approve": Route(lambda w: {"pk": w.yearly_report.pk}, NOBODY, FUNDERS),
    "api-yearly-report-return": Route(lambda w: {"pk": w.yearly_report.pk}, NOBODY, FUNDERS),
    # Silver's areas of improvement (as the pages above)
    "api-assessment-areas": Route(lambda w: {"pk": w.draft.pk}, OWNERS, OWNER_MANAGER),
    "api-area-detail": Route(lambda w: {"pk": w.area.pk}, OWNERS),
    "api-area-verdict": Route(lambda w: {"pk": w.review_area.pk}, NOBODY, ASSIGNED_ASSESSOR),
    # the awarding committee (committee_member sits on world.committee_session, chaired by administrator)
    "api-committee-session-list": Route(lambda w: {}, LOGGED_IN, ADMIN),  # lists only the sessions one sits on
    "api-committee-session-detail": Route(lambda w: {"pk": w.committee_session.pk}, COMMITTEE),
    "api-committee-session-cases": Route(lambda w: {"pk": w.committee_session.pk}, NOBODY, ADMIN),
    "api-committee-session-attendance": Route(lambda w: {"pk": w.committee_session.pk}, NOBODY, ADMIN),
    "api-committee-session-close": Route(lambda w: {"pk": w.committee_session.pk}, NOBODY, ADMIN),
    "api-committee-case-decide": Route(lambda w: {"pk": w.case.pk}, NOBODY, ADMIN),
    "api-committee-case-conflict": Route(lambda w: {"pk": w.case.pk}, NOBODY, COMMITTEE),
    "api-committee-case-conditions-met": Route(lambda w: {"pk": w.case.pk}, NOBODY, ADMIN),
    "api-committee-case-revoke": Route(lambda w: {"pk": w.case.pk}, NOBODY, ADMIN),
    # appeals
    "api-appeal-list": Route(
        lambda w: {},
        MANAGERS,
        OWNER_MANAGER,
        post_data=lambda w: {"assessment": w.refused.pk, "ground": "refused", "reasons": "Our statutes were filed."},
    ),
    "api-appeal-appealable": Route(lambda w: {}, LOGGED_IN),  # lists only what one may appeal
    "api-appeal-detail": Route(lambda w: {"pk": w.appeal.pk}, OWNERS),
    "api-appeal-question": Route(lambda w: {"pk": w.appeal.pk}, NOBODY, ADMIN),
    "api-appeal-answer": Route(lambda w: {"pk": w.appeal.pk}, NOBODY, OWNER_MANAGER),
    "api-appeal-decide": Route(lambda w: {"pk": w.appeal.pk}, NOBODY, ADMIN),
    "api-committee-session-minutes": Route(lambda w: {"pk": w.committee_session.pk}, NOBODY),
    # the improvement plan
    "api-improvement-plan": Route(_c, PLAN_READERS),
    "api-improvement-actions": Route(_c, PLAN_READERS, OWNER_MANAGER),
    "api-improvement-action": Route(_action, PLAN_READERS),  # PATCH: tests/improvement/test_plan_api.py
}


def _all_route_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_route_is_in_the_matrix():
    missing = _all_route_names() - set(PAGES) - set(API) - OUT_OF_MATRIX
    assert not missing, f"routes without access expectations: {sorted(missing)}"


@pytest.fixture(scope="module")
def world_once(world_once, django_db_blocker):
    """The shared world, with Silver's areas of improvement (``tests.areas.helpers.world_with_areas``)."""
    with django_db_blocker.unblock():
        world_with_areas(world_once)
    return world_once


@pytest.fixture
def client_for(world_client_for):
    """The world's users are logged in once per module (tests/conftest.py, ``world_client_for``)."""
    return world_client_for


def _page_client(client_for, user):
    return client_for(user)


def _api_client(user):
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _refused(response, role, *, api: bool, also=frozenset()) -> bool:
    """A refusal: a visitor is sent to the login page (pages) or gets 401/403 (API); everyone gets 403/404
    (404 on objects, so that ids do not leak)."""
    code = response.status_code
    if role == "visitor" and not api and code == 302 and "/accounts/login/" in response["Location"]:
        return True
    if role == "visitor" and api and code == 401:
        return True
    return code in (403, 404) or code in also


def _check(response, role, allowed: bool, *, api: bool, what: str, also=frozenset()):
    assert response.status_code < 500, f"{what} as {role}: {response.status_code}"
    if allowed:
        assert not _refused(response, role, api=api) and response.status_code != 405, (
            f"{what} as {role} should be allowed, got {response.status_code}"
        )
    else:
        assert _refused(response, role, api=api, also=also) or response.status_code == 405, (
            f"{what} as {role} should be refused, got {response.status_code}"
        )


def _state(world):
    return (
        AuditEvent.objects.count(),
        sorted(world.cluster.assessments.values_list("id", "status", "version")),
        world.cluster.members.count(),
        Evidence.objects.count(),
        world.label.__class__.objects.filter(status="revoked").count(),
        sorted(YearlyReport.objects.values_list("id", "status", "version")),
        ReportProof.objects.count(),
        sorted(Contract.objects.values_list("id", "version")),
        Target.objects.count(),
        SharedReport.objects.count(),
        CommitteeSession.objects.count(),
        sorted(Case.objects.values_list("id", "outcome", "version")),
        ConflictDeclaration.objects.count(),
        sorted(Appeal.objects.values_list("id", "status", "version")),
        Question.objects.count(),
        AppealFile.objects.count(),
        sorted(ImprovementArea.objects.values_list("id", "title", "verdict", "version")),
        sorted(ImprovementPlan.objects.values_list("id", "version")),
        sorted(Action.objects.values_list("id", "status", "version")),
        ActionEvidence.objects.count(),
    )


WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
SESSION_TABLES = re.compile(r'"(django_session|axes_\w+)"')


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access(world, client_for, name, role):
    route = PAGES[name]
    url = reverse(name, kwargs=route.kwargs(world))
    client = client_for(world.users[role])
    if route.get or not route.post:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        _check(response, role, role in route.get, api=False, what=f"GET {url}")
        if name.startswith("labelling:"):  # a GET never writes (the session and the log-in lockout aside)
            writes = [q["sql"] for q in queries if WRITE.match(q["sql"]) and not SESSION_TABLES.search(q["sql"])]
            assert not writes, f"GET {url} as {role} wrote:\n" + "\n".join(writes)
    before = _state(world)
    response = client.post(url, route.post_data(world) if route.post_data else {})
    if role in route.post or role not in route.get:
        _check(response, role, role in route.post, api=False, what=f"POST {url}", also=route.also_refused)
    else:  # a read-only page for this role: a POST may be ignored or refused, but must change nothing
        assert response.status_code < 500
    if role not in route.post:
        assert _state(world) == before, f"a refused POST {url} as {role} changed something"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(API))
def test_api_access(world, name, role):
    route = API[name]
    url = reverse(name, kwargs=route.kwargs(world))
    client = _api_client(world.users[role])
    if route.get or not route.post:
        _check(client.get(url), role, role in route.get, api=True, what=f"GET {url}")
    before = _state(world)
    response = client.post(url, route.post_data(world) if route.post_data else {}, format="json")
    if role in route.post or role not in route.get:
        _check(response, role, role in route.post, api=True, what=f"POST {url}", also=route.also_refused)
    else:
        assert response.status_code < 500
    if role not in route.post:
        assert _state(world) == before, f"a refused POST {url} as {role} changed something"
    for method in ("patch", "delete"):
        if role in route.get:
            continue
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code < 500
        assert _refused(response, role, api=True) or response.status_code == 405, f"{method} {url} as {role}"


# --- the second assessor and an assessor who declared a conflict of interest ----------------------------

# Routes of the assessment in review (and its evidence) that the two extra roles below may or may not use.
SECOND_ROUTES = {
    # name: (kwargs, api?, method, second assessor allowed?)
    "labelling:assessment_detail": (lambda w: {"pk": w.in_review.pk}, False, "get", True),
    "labelling:assessment_declare_no_conflict": (lambda w: {"pk": w.in_review.pk}, False, "post", True),
    "labelling:assessment_declare_conflict": (lambda w: {"pk": w.in_review.pk}, False, "post", True),
    "labelling:assessment_countersign": (lambda w: {"pk": w.in_review.pk}, False, "post", True),
    "labelling:assessment_disagree": (lambda w: {"pk": w.in_review.pk}, False, "post", True),
    "labelling:answer_review": (lambda w: {"pk": w.in_review.pk, "code": "S1"}, False, "post", False),
    "labelling:answers_accept_category": (lambda w: {"pk": w.in_review.pk, "category_code": "S"}, False, "post", False),
    "labelling:assessment_request_changes": (lambda w: {"pk": w.in_review.pk}, False, "post", False),
    "labelling:assessment_validate": (lambda w: {"pk": w.in_review.pk}, False, "post", False),
    "labelling:assessment_assign_second": (lambda w: {"pk": w.in_review.pk}, False, "post", False),
    "api-assessment-detail": (lambda w: {"pk": w.in_review.pk}, True, "get", True),
    "api-answer-list": (lambda w: {"pk": w.in_review.pk}, True, "get", True),
    "api-assessment-declare-conflict": (lambda w: {"pk": w.in_review.pk}, True, "post", True),
    "api-assessment-countersign": (lambda w: {"pk": w.in_review.pk}, True, "post", True),
    "api-assessment-disagree": (lambda w: {"pk": w.in_review.pk}, True, "post", True),
    "api-answer-review": (lambda w: {"pk": w.in_review.pk, "code": "S1"}, True, "post", False),
    "api-assessment-accept-remaining": (lambda w: {"pk": w.in_review.pk}, True, "post", False),
    "api-assessment-validate": (lambda w: {"pk": w.in_review.pk}, True, "post", False),
}


@pytest.fixture
def second_world(world):
    """`second` is the second assessor of the assessment in review; `conflicted` was its assessor and declared
    a conflict of interest (so they were unassigned), and was then replaced by `assessor` again."""
    from labelling.services.workflow import assessment_assign, assessment_assign_second, review_declare_conflict
    from tests import factories

    administrator = world.users["administrator"]
    second = factories.AssessorFactory(username="second")
    assessment_assign_second(user=administrator, assessment=world.in_review, assessor=second)
    conflicted = factories.AssessorFactory(username="conflicted")
    other = factories.AssessmentFactory(cluster=world.cluster, reference_year=2022, status="submitted")
    other = assessment_assign(user=administrator, assessment=other, assessor=conflicted)
    review_declare_conflict(user=conflicted, assessment=other, reason="I sat on its board until last year.")
    world.in_review.refresh_from_db()
    world.other_in_review = other
    return world, second, conflicted


@pytest.mark.parametrize("who", ["second", "conflicted"])
@pytest.mark.parametrize("name", sorted(SECOND_ROUTES))
def test_second_and_conflicted_assessors(second_world, client_for, name, who):
    world, second, conflicted = second_world
    kwargs, api, method, second_allowed = SECOND_ROUTES[name]
    user = second if who == "second" else conflicted
    allowed = who == "second" and second_allowed
    url = reverse(name, kwargs=kwargs(world))
    client = _api_client(user) if api else client_for(user)
    before = _state(world)
    response = getattr(client, method)(url, {}, **({"format": "json"} if api else {}))
    _check(response, who, allowed, api=api, what=f"{method.upper()} {url}")
    if not allowed:
        assert _state(world) == before, f"a refused {method.upper()} {url} as {who} changed something"


def test_an_officer_gets_404_for_a_cluster_their_programme_does_not_enrol_and_for_another_programme(world, client_for):
    from tests import factories

    officer = world.users["officer"]
    client = client_for(officer)
    not_enrolled = reverse("programmes:cluster", args=[world.programme.pk, world.other_cluster.pk])
    assert client.get(not_enrolled).status_code == 404
    other = factories.ProgrammeFactory()
    factories.EnrolmentFactory(programme=other, cluster=world.other_cluster)
    for url in (
        reverse("programmes:detail", args=[other.pk]),
        reverse("programmes:cluster", args=[other.pk, world.other_cluster.pk]),
        reverse("programmes:cluster", args=[other.pk, world.cluster.pk]),
    ):
        assert client.get(url).status_code == 404, url
    listed = client.get(reverse("programmes:list")).content.decode()
    assert world.programme.name_fr in listed and other.name_fr not in listed


def test_a_conflicted_assessor_gets_404_on_the_assessment_they_left_and_is_not_offered_again(second_world, client_for):
    world, _second, conflicted = second_world
    other = world.other_in_review
    client = client_for(conflicted)
    for url in (
        reverse("labelling:assessment_detail", args=[other.pk]),
        reverse("labelling:answer_review", args=[other.pk, "S1"]),
        reverse("labelling:evidence_download", args=[world.evidence.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert _api_client(conflicted).get(f"/api/v1/assessments/{other.pk}/").status_code == 404
    page = client_for(world.users["administrator"]).get(reverse("labelling:assessment_detail", args=[other.pk]))
    offered = [value for value, _label in page.context["assign_form"].fields["assessor"].choices if value]
    assert conflicted.pk not in [int(str(v)) for v in offered]


# --- the awarding committee switched off (settings.LABELLING_COMMITTEE) ------------------------------------------

COMMITTEE_ROUTES = sorted(n for n in PAGES if n.startswith("committee:")) + sorted(
    n for n in API if n.startswith("api-committee-")
)


@pytest.mark.parametrize("role", ["administrator", "committee_member"])
@pytest.mark.parametrize("name", COMMITTEE_ROUTES)
def test_with_the_committee_off_its_routes_answer_404(world, client_for, settings, name, role):
    """A labelling body without a committee: its pages and endpoints are gone, for its members and administrators."""
    settings.LABELLING_COMMITTEE = False
    route = PAGES.get(name) or API[name]
    url = reverse(name, kwargs=route.kwargs(world))
    api = name in API
    client = _api_client(world.users[role]) if api else client_for(world.users[role])
    before = _state(world)
    for method in ("get", "post"):
        response = getattr(client, method)(url, {}, **({"format": "json"} if api else {}))
        assert response.status_code in (404, 405), f"{method.upper()} {url} as {role}: {response.status_code}"
    assert _state(world) == before


@pytest.mark.parametrize("name", ["labelling:assessment_decide", "api-assessment-decide"])
def test_with_the_committee_off_the_administrators_decide_directly(world, client_for, settings, name):
    """The direct decision is back (the assessment in review cannot be decided: refused on its step, not 404)."""
    settings.LABELLING_COMMITTEE = False
    url = reverse(name, kwargs={"pk": world.in_review.pk})
    for role in ROLES:
        api = name in API
        user = world.users[role]
        client = _api_client(user) if api else client_for(user)
        response = client.post(url, {}, **({"format": "json"} if api else {}))
        _check(response, role, role == "administrator", api=api, what=f"POST {url}")
