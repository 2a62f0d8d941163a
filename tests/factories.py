"""factory-boy factories shared by the whole suite. Add to them rather than building rows by hand."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from clusters.models import Cluster, ClusterKind, FinancingYear, Member, MemberType, TeamYear

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class AssessorFactory(UserFactory):
    role = Role.ASSESSOR


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR


class ClusterFactory(DjangoModelFactory):
    class Meta:
        model = Cluster
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cluster {n}")
    acronym = factory.Sequence(lambda n: f"CL{n}")
    kind = ClusterKind.POLE
    legal_form = "Association loi 1901"
    country = "FR"
    region = "24"
    city = "Orléans"
    website = "https://example.org"
    year_founded = 2005
    sectors = factory.LazyFunction(lambda: ["cosmétique"])

    @factory.post_generation
    def managers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.managers.add(*extracted)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    cluster = factory.SubFactory(ClusterFactory)
    name = factory.Sequence(lambda n: f"Membre {n} SAS")
    member_type = MemberType.SME
    size_class = "small"
    region = "24"
    member_since = datetime.date(2018, 1, 1)
    fee_paying = True
    active = True


class TeamYearFactory(DjangoModelFactory):
    class Meta:
        model = TeamYear

    cluster = factory.SubFactory(ClusterFactory)
    year = 2025
    staff_fte = Decimal("4.5")
    staff_headcount = 5
    staff_with_degree = 4
    board_seats = 20
    board_company_seats = 12
    strategy_document = True
    strategy_adopted_on = datetime.date(2024, 1, 15)
    action_plan = "complete"
    performance_contract = True


class FinancingYearFactory(DjangoModelFactory):
    class Meta:
        model = FinancingYear

    cluster = factory.SubFactory(ClusterFactory)
    year = 2025
    state = Decimal("150000")
    regional = Decimal("200000")
    eu = Decimal("50000")
    member_fees = Decimal("120000")
    paid_services = Decimal("60000")
    other_private = Decimal("20000")


class AssessmentFactory(factory.Factory):
    """An assessment made through ``assessment_create`` (so it has its answers); extra fields are set after.

    ``AssessmentFactory(cluster=cluster, status="submitted", assessor=assessor)``; the framework defaults to
    the default one (call ``framework_ensure_default()`` or use the ``framework`` fixture first).
    """

    class Meta:
        model = "labelling.Assessment"

    cluster = factory.SubFactory(ClusterFactory)
    reference_year = 2025
    framework = None
    previous = None
    created_by = None

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("AssessmentFactory only creates (it needs the database)")

    @classmethod
    def _create(cls, model_class, *, cluster, reference_year, framework=None, previous=None, created_by=None, **extra):
        from labelling.services.answers import assessment_create

        assessment = assessment_create(
            user=created_by, cluster=cluster, reference_year=reference_year, framework=framework, previous=previous
        )
        if extra:
            for field, value in extra.items():
                setattr(assessment, field, value)
            assessment.save(update_fields=[*extra, "updated_at"])
        return assessment


def _label_expiry(awarded_on):
    from indicators.computations import label_expiry

    return label_expiry(awarded_on)


class LabelFactory(DjangoModelFactory):
    """A label on a decided assessment (made through AssessmentFactory; needs the default framework)."""

    class Meta:
        model = "labelling.Label"

    assessment = factory.SubFactory(AssessmentFactory, status="decided", validated_on=datetime.date(2026, 3, 1))
    cluster = factory.LazyAttribute(lambda o: o.assessment.cluster)
    level = "bronze"
    # The real shape (labelling.models.CERTIFICATE_NUMBER_RE): sequence and verification code.
    certificate_number = factory.Sequence(lambda n: f"GRP-2026-{900000 + n:06d}-TESTC{n % 1000:03d}")
    awarded_on = datetime.date(2026, 3, 15)
    expires_on = factory.LazyAttribute(lambda o: _label_expiry(o.awarded_on))
    status = "active"


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = "labelling.Report"

    assessment = factory.SubFactory(AssessmentFactory)
    kind = "assessment"
    language = "fr"
    status = "pending"


class OfficerFactory(UserFactory):
    role = Role.OFFICER


class ProgrammeFactory(DjangoModelFactory):
    """A State programme of the pôles' set over 2023-2026 (add officers and enrolments after)."""

    class Meta:
        model = "programmes.Programme"

    name_fr = factory.Sequence(lambda n: f"Programme {n}")
    name_en = factory.LazyAttribute(lambda o: f"{o.name_fr} (EN)")
    funder = "État — DGE"
    funder_kind = "state"
    starts_on = datetime.date(2023, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    indicator_set = "poles-competitivite"


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = "programmes.Enrolment"

    programme = factory.SubFactory(ProgrammeFactory)
    cluster = factory.SubFactory(ClusterFactory)
    joined_on = datetime.date(2023, 1, 1)


class CommitteeMemberFactory(UserFactory):
    role = Role.COMMITTEE
