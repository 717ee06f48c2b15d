import factory
from django.contrib.auth import get_user_model

from people.models import Company, Customer, OrgUnit, Person, Skill, Team
from people.roles import EmploymentType, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-word-1")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"公司{n}")
    kind = Company.Kind.OWN


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"区站{n}")
    code = factory.Sequence(lambda n: f"U{n}")
    kind = OrgUnit.Kind.STATION


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"班组{n}")
    unit = factory.SubFactory(OrgUnitFactory)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"技能{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"员工{n}")
    staff_no = factory.Sequence(lambda n: f"S{n:05d}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    role = Role.ENGINEER
    employment_type = EmploymentType.OWN
    employer = factory.SubFactory(CompanyFactory)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"用户{n}")
    account_no = factory.Sequence(lambda n: f"KD{n:08d}")
    phone = "13512341203"
    address = "人民路1号"
    unit = factory.SubFactory(OrgUnitFactory)
