"""Writes of the labelling app, split by topic:

- ``answers``: the self-assessment (answers, proposals, progress, submission, offline file)
- ``evidence``: evidence files
- ``workflow``: assignment, review, validation, decision
- ``labels``: labels, certificates, expiry, revocation
- ``reports``: PDF reports and certificates (rendered by Celery tasks)
- ``audit``: the audit trail
"""
