"""Who may do what with programmes, contracts and yearly reports (registered with ``accounts.permissions`` when
the app is ready). A programme officer follows programmes: they see the clusters enrolled in them and review the
yearly reports; they change nothing of the labelling (no capability of ``labelling/rules.py`` names them).

Whether a report's step fits its status is asked of :data:`STEPS`, never by comparing statuses elsewhere."""

from accounts.permissions import follows, is_administrator, manages, register_all
from programmes.models import ReportStatus

# step -> the statuses of a yearly report it may start from
STEPS = {
    "edit": (ReportStatus.DRAFT, ReportStatus.RETURNED),
    "submit": (ReportStatus.DRAFT, ReportStatus.RETURNED),
    "approve": (ReportStatus.SUBMITTED,),
    "return": (ReportStatus.SUBMITTED,),
}
# step -> the status it leads to
LEADS_TO = {"submit": ReportStatus.SUBMITTED, "approve": ReportStatus.APPROVED, "return": ReportStatus.RETURNED}


def step_allowed(report, step: str) -> bool:
    return report is not None and report.status in STEPS[step]


def _follows_programme_of(user, obj) -> bool:
    return follows(user, getattr(obj, "programme", None))


def _manages_cluster_of(user, obj) -> bool:
    return manages(user, getattr(obj, "cluster", None))


register_all(
    {
        "programme.view": lambda u, p: is_administrator(u) or follows(u, p),
        "programme.manage": lambda u, _=None: is_administrator(u),
        # obj: an Enrolment (or anything with .programme and .cluster)
        "programme.cluster_view": lambda u, e: is_administrator(u) or _follows_programme_of(u, e),
        "contract.view": lambda u, c: is_administrator(u) or _follows_programme_of(u, c) or _manages_cluster_of(u, c),
        "contract.edit": lambda u, c: is_administrator(u) or _follows_programme_of(u, c),
        "yearly_report.view": lambda u, r: (
            is_administrator(u) or _follows_programme_of(u, r) or _manages_cluster_of(u, r)
        ),
        # obj: the Enrolment the report is started for
        "yearly_report.start": lambda u, e: _manages_cluster_of(u, e),
        # the cluster's managers fill the report; edit and submit also need the report's status to allow the step
        "yearly_report.fill": lambda u, r: _manages_cluster_of(u, r),
        "yearly_report.edit": lambda u, r: _manages_cluster_of(u, r) and step_allowed(r, "edit"),
        "yearly_report.submit": lambda u, r: _manages_cluster_of(u, r) and step_allowed(r, "submit"),
        # obj: an Enrolment; the assessment reports a manager shares with the programme (and withdraws)
        "programme.share_report": lambda u, e: _manages_cluster_of(u, e),
        # obj: a SharedReport; the programme's officers read what was shared with it
        "shared_report.view": lambda u, s: is_administrator(u) or _follows_programme_of(u, s),
        # nobody reviews their own cluster's report
        "yearly_report.review": lambda u, r: (
            (is_administrator(u) or _follows_programme_of(u, r)) and not _manages_cluster_of(u, r)
        ),
    }
)
