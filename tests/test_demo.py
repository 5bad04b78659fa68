"""The demo data: loaded once, a case in every status, orders on every channel, working logins."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case, CaseEvent, CaseType, Evidence, Message, Priority
from aftersale.catalog.models import Channel, Customer, Order
from aftersale.common.models import User
from aftersale.common.roles import Role
from aftersale.demo import DEMO_LOGINS, demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo():
    assert demo_load() is True


def test_loads_once(demo):
    counts = (Case.objects.count(), CaseEvent.objects.count(), Order.objects.count())
    assert demo_load() is False
    assert (Case.objects.count(), CaseEvent.objects.count(), Order.objects.count()) == counts


def test_force_loads_again_without_duplicating_orders_or_people(demo):
    cases, orders, users = Case.objects.count(), Order.objects.count(), User.objects.count()
    assert demo_load(force=True) is True
    assert Case.objects.count() == 2 * cases
    assert (Order.objects.count(), User.objects.count()) == (orders, users)


def test_cases_cover_every_status_type_and_priority(demo):
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Case.objects.values_list("case_type", flat=True)) == set(CaseType.values)
    assert set(Case.objects.values_list("priority", flat=True)) == set(Priority.values)
    assert not Case.objects.filter(events__isnull=True).exists()
    assert Case.objects.exclude(department="").exists()
    assert Case.objects.filter(description__contains="12315").exists()
    assert Evidence.objects.filter(case__category__code="transit_damage").count() >= 2


def test_orders_on_every_channel_and_customers_with_accounts(demo):
    assert set(Order.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert Order.objects.count() >= 100
    linked = Customer.objects.filter(user__isnull=False)
    assert linked.count() == 2
    assert Message.objects.filter(author__customer__in=linked, is_internal=False).exists()


def test_demo_logins_authenticate(demo):
    for username, password, _role in DEMO_LOGINS:
        user = authenticate(RequestFactory().post("/console/login/"), username=username, password=password)
        assert user is not None, username
        assert user.is_staff == (user.role != Role.CUSTOMER), username
    assert User.objects.get(username="admin").is_superuser
