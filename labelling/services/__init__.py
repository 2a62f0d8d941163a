"""Writes of the labelling app, split by topic (the reads are in ``labelling.selectors``):

- ``answers``: the self-assessment (create, answers, eligibility, submission, withdrawal)
- ``evidence``: evidence files
- ``offline``: the offline questionnaire file
- ``proposals``: the proposals from the cluster's records
- ``workflow``: assignment, conflicts of interest, review, countersignature, validation, decision
- ``labels``: labels, certificates, expiry, revocation
- ``reports``: PDF reports and certificates (rendered by Celery tasks)
- ``notifications``: the e-mails the steps send (through the outbox)
- ``steps``: the check of the workflow's steps against ``labelling.models.TRANSITIONS``
"""
