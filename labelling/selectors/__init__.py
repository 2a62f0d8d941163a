"""Reads of the labelling app, one module a topic (every public name is also importable from here):

- ``assessments``: who sees which assessment and label (``assessments_visible_to``, ``labels_visible_to``),
  the dashboards
- ``registry``: the public registry, a cluster's labels, certificates and their validity
- ``scoring``: the score the validated values earn, the preview of the declared ones
- ``selfassessment``: what is missing before submission, the progress, the summary page's reads
- ``review``: reviews, the countersignature, the assessment page's reads
- ``anomalies``: the answers worth a look first (against the records' proposal and the peers' range)
- ``peers``: the benchmark population as frames for ``indicators.benchmarking``, one assessment's position among
  its peers, the administrators' statistics
- ``report``: what the PDF report and the certificate show (shaped by ``labelling.presenters.report``)

Every read that depends on who asks takes the user and starts from a visibility selector. Selectors never write
and never import a service.
"""

from __future__ import annotations

from labelling.selectors.assessments import (
    ADMIN_WORK_STATUSES,
    DASHBOARD_COLUMNS,
    WORK_ASSIGN,
    WORK_ASSIGN_SECOND,
    WORK_COUNTERSIGNATURE,
    WORK_DECIDE,
    WORK_SETTLE,
    admin_work,
    assessment_counts_by_status,
    assessment_get,
    assessments_for_admin,
    assessments_for_assessor,
    assessments_needing_action,
    assessments_visible_to,
    assessor_counts,
    conflicted_assessors_by_cluster,
    label_get,
    labels_visible_to,
    report_get,
    reports_for,
    with_review_figures,
)
from labelling.selectors.peers import (
    MIN_PEERS,
    BenchmarkPosition,
    PopulationStatistics,
    benchmark_population,
    benchmark_position_for,
    population_key,
    population_statistics,
)
from labelling.selectors.registry import (
    REGISTRY_COLUMNS,
    REGISTRY_ORDER,
    RegistryFilters,
    cluster_label_history,
    current_labels_of,
    label_by_number,
    label_validity,
    registry_choices,
    registry_count,
    registry_filtered,
    registry_labels,
    signer_facts,
    verification_url,
)
from labelling.selectors.report import (
    CertificateFacts,
    LevelPathFacts,
    ReportFacts,
    certificate_facts,
    level_path_facts,
    report_download_name,
    report_facts,
)
from labelling.selectors.review import (
    AUDIT_ON_DETAIL,
    DETAIL_CAPABILITIES,
    DetailFacts,
    countersignature_state,
    detail_facts,
    review_answers,
    review_for,
)
from labelling.selectors.scoring import (
    SCORED_STATUSES,
    Scoring,
    assessment_result,
    assessment_score,
    assessment_score_preview,
    assessment_scoring,
    framework_specs_of,
    previous_scored_assessment,
)
from labelling.selectors.selfassessment import (
    SummaryFacts,
    assessment_evidence_missing,
    assessment_missing,
    assessment_missing_items,
    assessment_progress,
    category_answers,
    previous_answers,
    summary_facts,
)

__all__ = [
    "AUDIT_ON_DETAIL",
    "BenchmarkPosition",
    "CertificateFacts",
    "LevelPathFacts",
    "MIN_PEERS",
    "PopulationStatistics",
    "ReportFacts",
    "benchmark_population",
    "benchmark_position_for",
    "certificate_facts",
    "level_path_facts",
    "population_key",
    "population_statistics",
    "report_download_name",
    "report_facts",
    "DASHBOARD_COLUMNS",
    "DETAIL_CAPABILITIES",
    "DetailFacts",
    "REGISTRY_COLUMNS",
    "REGISTRY_ORDER",
    "RegistryFilters",
    "SCORED_STATUSES",
    "Scoring",
    "SummaryFacts",
    "ADMIN_WORK_STATUSES",
    "WORK_ASSIGN",
    "WORK_ASSIGN_SECOND",
    "WORK_COUNTERSIGNATURE",
    "WORK_DECIDE",
    "WORK_SETTLE",
    "admin_work",
    "assessment_counts_by_status",
    "assessment_evidence_missing",
    "assessment_get",
    "assessment_missing",
    "assessment_missing_items",
    "assessment_progress",
    "assessment_result",
    "assessment_score",
    "assessment_score_preview",
    "assessment_scoring",
    "assessments_for_admin",
    "assessments_for_assessor",
    "assessments_needing_action",
    "assessments_visible_to",
    "assessor_counts",
    "category_answers",
    "cluster_label_history",
    "current_labels_of",
    "conflicted_assessors_by_cluster",
    "countersignature_state",
    "detail_facts",
    "label_by_number",
    "label_get",
    "label_validity",
    "labels_visible_to",
    "previous_answers",
    "framework_specs_of",
    "previous_scored_assessment",
    "registry_choices",
    "registry_count",
    "registry_filtered",
    "registry_labels",
    "report_get",
    "reports_for",
    "review_answers",
    "review_for",
    "signer_facts",
    "summary_facts",
    "verification_url",
    "with_review_figures",
]
