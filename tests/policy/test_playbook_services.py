import pytest
import yaml

from aftersale.common.errors import DomainError, PermissionDenied
from aftersale.policy.models import PlaybookVersion
from aftersale.policy.services import (
    DEFAULT_PLAYBOOK,
    playbook_activate,
    playbook_active,
    playbook_diff,
    playbook_publish,
    playbook_version,
)

pytestmark = pytest.mark.django_db


def default_with(**changes) -> str:
    data = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    for path, value in changes.items():
        node = data
        *parents, leaf = path.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return yaml.safe_dump(data, allow_unicode=True)


def test_the_default_playbook_is_version_one_and_active():
    version = playbook_version()
    assert version.number == 1 and version.is_active
    assert playbook_active().version == 1
    assert playbook_active().playbook.returns.no_reason.window_days == 7


def test_invalid_playbook_is_refused_whole_with_every_path(people):
    source = default_with(
        returns__no_reason__window_days=5,
        quality__exchange_days=10,
        quality__repairs_before_replacement=3,
        refund_only__unknown_rule=True,
    )
    with pytest.raises(DomainError) as refused:
        playbook_publish(source=source, reason="试一下", actor=people.director)
    errors = {e.field: str(e.message) for e in refused.value.errors}
    assert errors["returns.no_reason.window_days"] == "必须 ≥ 7（法定最低）"
    assert errors["quality.exchange_days"] == "必须 ≥ 15（三包法定最低）"
    assert errors["quality.repairs_before_replacement"] == "必须 ≤ 2（三包法定上限）"
    assert errors["refund_only.unknown_rule"] == "不允许的字段"
    assert PlaybookVersion.objects.count() == 1
    assert playbook_active().version == 1


def test_no_reason_returns_cannot_be_switched_off(people):
    with pytest.raises(DomainError) as refused:
        playbook_publish(
            source=default_with(returns__no_reason__enabled=False), reason="x", actor=people.director
        )
    assert refused.value.errors[0].field == "returns.no_reason.enabled"


def test_conditions_are_typed_and_whitelisted(people):
    source = default_with(
        speedy_refund__conditions={"all": [{"field": "customer.password", "op": "eq", "value": 1}]}
    )
    with pytest.raises(DomainError) as refused:
        playbook_publish(source=source, reason="x", actor=people.director)
    assert refused.value.errors[0].field.startswith("speedy_refund.conditions.all.0")
    source = default_with(
        speedy_refund__conditions={"all": [{"field": "line.amount", "op": "lte", "value": "abc"}]}
    )
    with pytest.raises(DomainError):
        playbook_publish(source=source, reason="x", actor=people.director)


def test_broken_yaml_names_the_line(people):
    with pytest.raises(DomainError) as refused:
        playbook_publish(source="name: x\nreturns: [\n", reason="x", actor=people.director)
    assert refused.value.errors[0].field == "source"


def test_publishing_makes_a_new_active_version_and_the_diff_reads(people):
    version = playbook_publish(
        source=default_with(returns__no_reason__window_days=14, quality__exchange_days=30),
        reason="双十一延长退换期",
        actor=people.director,
    )
    assert version.number == 2 and version.is_active
    assert not PlaybookVersion.objects.get(number=1).is_active
    assert playbook_active().playbook.returns.no_reason.window_days == 14
    diff = playbook_diff(playbook_version(1), version)
    assert {"path": "returns.no_reason.window_days", "old": 7, "new": 14} in diff["changes"]
    assert {"path": "quality.exchange_days", "old": 15, "new": 30} in diff["changes"]
    assert "-    window_days: 7" in diff["text"] and "+    window_days: 14" in diff["text"]
    playbook_activate(number=1, actor=people.director)
    assert playbook_active().version == 1
    assert PlaybookVersion.objects.filter(is_active=True).count() == 1


@pytest.mark.parametrize("persona", ["agent", "team_lead", "optimizer", "customer_user"])
def test_only_directors_and_admins_edit_the_playbook(people, persona):
    with pytest.raises(PermissionDenied):
        playbook_publish(source=default_with(), reason="x", actor=getattr(people, persona))
