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
