"""Presenters of the labelling app: what the pages and the PDF documents show, shaped from data a selector
already read, one module a kind of output (every public name of ``pages`` is also importable from here):

- ``pages``: the HTML pages (the category and summary pages, the assessment's page, the badge)
- ``report``: the PDF report and the certificate (their contexts, the radar's and strips' geometry, the path to
  the next level, also shown on the summary page)

A presenter does no query of its own and decides no rule: it turns answers, facts and forms into the rows and
flags a template draws (display strings, links, form fields, badge geometry). Reads are selectors'
(``labelling.selectors``), writes services'. ``tests/test_architecture.py`` checks that they query nothing.
"""

from __future__ import annotations

from labelling.presenters.pages import (
    BADGE_COLOURS,
    BADGE_GREY,
    badge_for,
    detail_actions,
    detail_context,
    fill_rows,
    indicator_criterion,
    indicator_thresholds,
    report_retry,
    review_groups,
    review_rows,
    shows_anomalies,
    status_flags,
    summary_context,
    threshold_guidance,
    with_status_flags,
)
from labelling.presenters.report import certificate_context, level_path_for, report_context

__all__ = [
    "BADGE_COLOURS",
    "BADGE_GREY",
    "badge_for",
    "certificate_context",
    "detail_actions",
    "detail_context",
    "fill_rows",
    "indicator_criterion",
    "indicator_thresholds",
    "level_path_for",
    "report_context",
    "review_groups",
    "review_rows",
    "shows_anomalies",
    "report_retry",
    "status_flags",
    "summary_context",
    "threshold_guidance",
    "with_status_flags",
]
