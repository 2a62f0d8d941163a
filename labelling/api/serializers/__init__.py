"""The labelling API's serializers, by topic: ``selfassessment`` and ``workflow``."""
