"""The case library: resolved cases kept with their lesson, searchable, linked from similar cases."""

from __future__ import annotations

import pytest

from aftersale.common.errors import Conflict, DomainError, NotFound, PermissionDenied
from aftersale.knowledge.selectors import reference_case_link, reference_search, reference_similar
from aftersale.knowledge.services import reference_case_mark
from tests.conftest import make_case

from .conftest import resolve


@pytest.fixture
def damaged(order, people):
    case = make_case(
        order,
        people.agent,
        category_code="transit_damage",
        description="快递到了外箱压扁，手机屏幕碎裂，联系电话13812345678，张小明",
    )
    return resolve(case, people.agent)


def test_only_a_resolved_case_can_be_marked(case, people):
    with pytest.raises(DomainError) as refused:
        reference_case_mark(actor=people.agent, case=case, lesson="教训")
    assert refused.value.errors[0].code == "not_resolved"


def test_marking_keeps_the_lesson_masks_the_customer_and_records_an_internal_event(damaged, people):
    ref = reference_case_mark(actor=people.agent, case=damaged, lesson="外箱压扁的一律先补发再追责快递。")
    assert ref.category.code == "transit_damage"
    assert ref.skus == [damaged.lines.get().order_line.product.sku]
    assert "13812345678" not in ref.summary and "138****5678" in ref.summary
    assert "张小明" not in ref.summary and "张**" in ref.summary
    event = damaged.events.get(kind="case.referenced")
    assert (event.is_public, event.payload["reference"]) == (False, ref.pk)
    with pytest.raises(Conflict):
        reference_case_mark(actor=people.agent, case=damaged, lesson="again")


def test_who_may_mark(damaged, people):
    for user in (people.optimizer, people.warehouse, people.customer_user):
        with pytest.raises(PermissionDenied):
            reference_case_mark(actor=user, case=damaged, lesson="x")
    damaged.team = people.team
    damaged.assignee = None
    damaged.save()
    with pytest.raises(NotFound):
        reference_case_mark(actor=people.other_agent, case=damaged, lesson="x")
    with pytest.raises(DomainError) as refused:
        reference_case_mark(actor=people.agent, case=damaged, lesson="  ")
    assert refused.value.errors[0].field == "lesson"


def test_searchable_by_every_member_of_staff_the_case_itself_only_by_those_who_may_see_it(damaged, people):
    damaged.team = people.team
    damaged.assignee = None
    damaged.save()
    reference_case_mark(actor=people.agent, case=damaged, lesson="外箱压扁先补发")
    for user in (people.other_agent, people.optimizer, people.warehouse):
        hits = reference_search(user=user, query="屏幕碎了")
        assert [h.obj.case_id for h in hits] == [damaged.pk]
    hit = reference_search(user=people.other_agent, query="补发")[0].obj
    assert reference_case_link(people.other_agent, hit) is False
    assert reference_case_link(people.agent, hit) is True
    assert reference_search(user=people.customer_user, query="屏幕碎了") == []


def test_similar_reference_cases_by_category_sku_and_words(damaged, order, people):
    reference_case_mark(actor=people.agent, case=damaged, lesson="外箱压扁先补发")
    other = make_case(order, people.agent, category_code="quality_fault", description="耳机左声道没有声音")
    other = resolve(other, people.agent)
    reference_case_mark(actor=people.agent, case=other, lesson="先远程排查")
    new = make_case(order, people.agent, category_code="transit_damage", description="收到时屏幕已经碎了")
    hits = reference_similar(user=people.agent, case=new)
    # Same category, same SKU and the words 屏幕/碎 beat same SKU alone.
    assert [h.obj.case_id for h in hits] == [damaged.pk, other.pk]
    assert hits[0].hits > hits[1].hits
    # A reference case is never "similar" to itself.
    assert [h.obj.case_id for h in reference_similar(user=people.agent, case=damaged)] == [other.pk]
