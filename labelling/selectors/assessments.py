"""Reads of assessments: who sees which, the dashboards, the reports of an assessment.

Every read that depends on who asks takes the user and starts from ``assessments_visible_to(user)`` (or
``labels_visible_to``), which hold the visibility rules of the app's rows; decisions go through
``accounts.permissions.can``.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from accounts.permissions import can, is_administrator, is_assessor, is_manager
from clusters.models import Cluster
from core import caching
from core.exceptions import NotFound
from core.search import search
from labelling.models import Answer, Assessment, AssessmentStatus, Label, Report, ReportKind, ReportStatus, Review

# --- visibility --------------------------------------------------------------------------------------------


def assessments_visible_to(user) -> QuerySet:
    """Every assessment for an administrator, their clusters' for a manager, those assigned to them for an
    assessor, none for a visitor."""
    qs = Assessment.objects.select_related("cluster", "framework", "assessor")
    if is_administrator(user):
        return qs
    if is_manager(user):
        return qs.filter(cluster__managers=user)
    if is_assessor(user):
        return qs.filter(Q(assessor=user) | Q(second_assessor=user))
    return qs.none()


def assessment_get(*, user, pk, capability: str = "assessment.view") -> Assessment:
    """The assessment if the user may see it and has ``capability`` on it (one check: a step's own), else
    ``NotFound`` (404 on a page and in the API)."""
    assessment = assessments_visible_to(user).filter(pk=pk).first()
    if assessment is None or not can(user, capability, assessment):
        raise NotFound()
    return assessment


# --- dashboards ----------------------------------------------------------------------------------------


# The columns the dashboards show (never the framework, whose source JSON is 22 KB per row).
DASHBOARD_COLUMNS = (
    "reference_year",
    "status",
    "updated_at",
    "submitted_at",
    "cluster",
    "cluster__name",
    "assessor",
    "assessor__username",
    "assessor__first_name",
    "assessor__last_name",
)


def assessments_for_admin(*, user, status: str = "", q: str = "", assessor_id: int | None = None) -> QuerySet:
    qs = (
        assessments_visible_to(user).select_related(None).select_related("cluster", "assessor").only(*DASHBOARD_COLUMNS)
    )
    if status:
        qs = qs.filter(status=status)
    if q:  # accent- and case-insensitive
        qs = search(qs, q, "cluster__name", "cluster__acronym")
    if assessor_id:
        qs = qs.filter(assessor_id=assessor_id)
    return qs.order_by("-updated_at", "-pk")


# The administrators' work, most urgent first (``admin_work``): an assessment nobody reviews yet, a Gold review
# without its second assessor, a second assessor's disagreement, a validated assessment to decide, and last the
# decisions that wait for a countersignature (the second assessor's work, shown so that nothing is lost).
WORK_ASSIGN, WORK_ASSIGN_SECOND, WORK_SETTLE, WORK_DECIDE, WORK_COUNTERSIGNATURE = 1, 2, 3, 4, 5
ADMIN_WORK_STATUSES = (AssessmentStatus.SUBMITTED, AssessmentStatus.VALIDATED)


def admin_work(*, user) -> QuerySet:
    """The assessments waiting for an administrator (submitted: to assign; validated: to decide), annotated with
    ``work`` (``WORK_*``) and ordered by it, then the longest waiting first. Empty for anybody else."""
    if not can(user, "assessment.oversee"):
        return Assessment.objects.none()
    second_review = Review.objects.filter(assessment=OuterRef("pk"), assessor=OuterRef("second_assessor"))
    needs_second = Q(second_assessor__isnull=True, recommended_level="gold", framework__gold_countersignature=True)
    return (
        assessments_for_admin(user=user)
        .filter(status__in=ADMIN_WORK_STATUSES)
        .annotate(
            work=Case(
                When(status=AssessmentStatus.SUBMITTED, then=Value(WORK_ASSIGN)),
                When(needs_second, then=Value(WORK_ASSIGN_SECOND)),
                When(
                    Q(second_assessor__isnull=False) & Exists(second_review.filter(disagreed_at__isnull=False)),
                    then=Value(WORK_SETTLE),
                ),
                When(
                    Q(second_assessor__isnull=False, framework__gold_countersignature=True)
                    & ~Exists(second_review.filter(countersigned_at__isnull=False)),
                    then=Value(WORK_COUNTERSIGNATURE),
                ),
                default=Value(WORK_DECIDE),
                output_field=IntegerField(),
            )
        )
        .order_by("work", "submitted_at", "pk")
    )


def assessment_counts_by_status(*, user) -> dict[str, int]:
    """How many assessments the user sees in each status, counted once per change of the assessments
    (``core.caching.ASSESSMENTS``: any assessment saved; not an answer), not on every view of the dashboard."""

    def count() -> dict[str, int]:
        rows = assessments_visible_to(user).order_by().values("status").annotate(n=Count("id"))
        counts = {value: 0 for value in AssessmentStatus.values}
        counts.update({row["status"]: row["n"] for row in rows})
        return counts

    return caching.cached(f"assessment-counts:{user.pk}", count, versions=(caching.ASSESSMENTS,))


def _pending_answers() -> Q:
    """Answers waiting for the assessor: declared and not (or no longer) reviewed."""
    return Q(reviewed=False) & (Q(declared_number__isnull=False) | ~Q(declared_option=""))


def assessments_for_assessor(*, user) -> QuerySet:
    """Only the assessments assigned to this assessor (nothing for anybody else), outstanding work first: in
    review as first assessor (those whose manager changed answers since the change request first), then to
    countersign as second assessor, then the rest by last change.

    The order is read from each assessment's own columns and, for the outstanding ones only, one probe of a
    small partial index (``answer_changed_pending``): no count over the answers, so the page costs the same
    for 50 or 12,000 assignments. ``with_review_figures`` adds the per-row counts to the page's rows."""
    if not can(user, "review.take"):
        return Assessment.objects.none()
    changed = Answer.objects.filter(_pending_answers(), assessment=OuterRef("pk"), changed_since_request=True)
    countersigned = Review.objects.filter(
        assessment=OuterRef("pk"), assessor=OuterRef("second_assessor"), countersigned_at__isnull=False
    )
    first_in_review = Q(assessor=user, status=AssessmentStatus.IN_REVIEW)
    second_validated = Q(second_assessor=user, status=AssessmentStatus.VALIDATED)
    return (
        assessments_visible_to(user)
        .filter(Q(assessor=user) | Q(second_assessor=user))
        .select_related(None)
        # The cluster's name comes with the page (one query for its 25 rows): a join here would be made for
        # every assignment before the sort.
        .prefetch_related(Prefetch("cluster", queryset=Cluster.objects.only("name")))
        .only(
            "pk",
            "reference_year",
            "status",
            "submitted_at",
            "updated_at",
            "assessor_id",
            "second_assessor_id",
            "cluster_id",
        )
        .annotate(
            # CASE evaluates its branches lazily: the subqueries run for the outstanding rows only.
            outstanding=Case(
                When(first_in_review, then=Value(1)),
                When(second_validated & ~Exists(countersigned), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            has_changes=Case(
                When(first_in_review, then=Exists(changed)), default=Value(False), output_field=BooleanField()
            ),
            countersigned=Case(
                When(second_assessor=user, then=Exists(countersigned)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-outstanding", "-has_changes", "submitted_at", "-updated_at", "-pk")
    )


def with_review_figures(assessments) -> list:
    """The rows of one page with ``to_review`` (answers waiting for a review) and ``changed`` (of which changed
    since the change request): one grouped query over the page's assessments only."""
    rows = list(assessments)
    figures = {
        row["assessment_id"]: row
        for row in Answer.objects.filter(_pending_answers(), assessment__in=[a.pk for a in rows])
        .order_by()
        .values("assessment_id")
        .annotate(to_review=Count("id"), changed=Count("id", filter=Q(changed_since_request=True)))
    }
    for assessment in rows:
        row = figures.get(assessment.pk, {})
        assessment.to_review, assessment.changed = row.get("to_review", 0), row.get("changed", 0)
    return rows


def assessor_counts(*, user) -> dict[str, int]:
    """The figures at the top of the assessor's dashboard, computed once per change of this assessor's own work
    (``core.caching.assessor_work``: an assessment assigned to them, its answers or its reviews saved) rather
    than on every view: they count every answer of every assessment in review, which grows with the assessor's
    assignments. Another cluster's autosave leaves them cached."""
    if not can(user, "review.take"):
        return {"in_review": 0, "answers_to_review": 0, "changed": 0, "to_countersign": 0}
    return caching.cached(
        f"assessor-counts:{user.pk}",
        lambda: _assessor_counts_uncached(user),
        versions=(caching.assessor_work(user.pk),),
    )


def _assessor_counts_uncached(user) -> dict[str, int]:
    mine = Assessment.objects.filter(assessor=user, status=AssessmentStatus.IN_REVIEW)
    answers = (
        Answer.objects.filter(_pending_answers(), assessment__in=mine)
        .order_by()
        .aggregate(n=Count("id"), changed=Count("id", filter=Q(changed_since_request=True)))
    )
    countersigned = Review.objects.filter(assessment=OuterRef("pk"), assessor=user, countersigned_at__isnull=False)
    to_countersign = (
        Assessment.objects.filter(second_assessor=user, status=AssessmentStatus.VALIDATED)
        .filter(~Exists(countersigned))
        .count()
    )
    return {
        "in_review": mine.count(),
        "answers_to_review": answers["n"],
        "changed": answers["changed"],
        "to_countersign": to_countersign,
    }


def conflicted_assessors_by_cluster(*, cluster_ids) -> dict[int, set[int]]:
    """For each cluster, the assessors who declared a conflict of interest with it (one query)."""
    result: dict[int, set[int]] = {}
    rows = Review.objects.filter(assessment__cluster_id__in=list(cluster_ids), conflict_declared=True).values_list(
        "assessment__cluster_id", "assessor_id"
    )
    for cluster_id, assessor_id in rows:
        result.setdefault(cluster_id, set()).add(assessor_id)
    return result


def assessments_needing_action(*, user, cluster=None) -> QuerySet:
    """The assessments of the clusters the user manages that wait for them (changes requested)."""
    if not (user and user.is_authenticated):
        return Assessment.objects.none()
    qs = (
        Assessment.objects.filter(cluster__managers=user, status=AssessmentStatus.CHANGES_REQUESTED)
        .select_related("cluster")
        .only("pk", "reference_year", "status", "cluster__name")
        .order_by("cluster__name", "reference_year")
    )
    if cluster is not None:
        qs = qs.filter(cluster=cluster)
    return qs


def reports_for(*, user, assessment: Assessment) -> QuerySet:
    if not can(user, "assessment.view", assessment):
        return Report.objects.none()
    return assessment.reports.select_related("label").order_by("-created_at")


def report_get(*, user, pk, capability: str = "report.download") -> Report:
    """A report of an assessment the user may see, if they have ``capability`` on it, else ``NotFound``."""
    report = (
        Report.objects.select_related("assessment", "assessment__cluster", "label")
        .filter(pk=pk, assessment__in=assessments_visible_to(user).values("pk"))
        .first()
    )
    if report is None or not can(user, capability, report):
        raise NotFound()
    return report


def report_ready_get(*, user, pk) -> Report:
    """A report the user may download (``report_get``) whose PDF is ready, else ``NotFound``."""
    report = report_get(user=user, pk=pk)
    if report.status != ReportStatus.READY or not report.file:
        raise NotFound()
    return report


def label_get(*, user, pk, capability: str) -> Label:
    """The label if the user may see it and has ``capability`` on it, else ``NotFound``."""
    label = labels_visible_to(user).filter(pk=pk).first()
    if label is None or not can(user, capability, label):
        raise NotFound()
    return label


def labels_visible_to(user) -> QuerySet:
    """Every label for an administrator, their clusters' for a manager, none for anybody else (the public registry
    has its own selector)."""
    qs = Label.objects.select_related("cluster", "assessment")
    if is_administrator(user):
        return qs
    if is_manager(user):
        return qs.filter(cluster__managers=user)
    return qs.none()


def ready_assessment_reports_of(*, cluster) -> QuerySet:
    """The cluster's assessment reports that are ready (the PDFs a manager may share with a funders' programme),
    the newest first."""
    return (
        Report.objects.filter(assessment__cluster=cluster, kind=ReportKind.ASSESSMENT, status=ReportStatus.READY)
        .select_related("assessment")
        .order_by("-created_at", "-pk")
    )
