"""The labelling forms, by topic: ``selfassessment`` (the manager's pages) and ``workflow`` (review, decision,
reports, registry)."""
