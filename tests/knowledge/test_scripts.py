"""Reply scripts: variables checked at save, filled for a case as its viewer may see it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aftersale.common.errors import DomainError, NotFound
from aftersale.knowledge.selectors import script_render, scripts_for_case
from aftersale.knowledge.services import ScriptIn, script_create, script_update
from aftersale.sla.models import Clock, ClockKind, ClockState


@pytest.mark.parametrize(
    "body, named",
    [
        ("您好 {customer_nam}", "{customer_nam}"),
        ("{customer_name.__class__}", "{customer_name.__class__}"),
        ("{order_no!r}", "{order_no!r}"),
        ("{}", "{}"),
    ],
)
def test_an_unknown_variable_is_refused_with_a_field_error(people, body, named):
    with pytest.raises(DomainError) as refused:
        script_create(actor=people.director, data=ScriptIn(title="t", body=body))
    error = refused.value.errors[0]
    assert (error.field, error.code) == ("body", "unknown_variable")
    assert named in str(error.message) and "{customer_name}" in str(error.message)


def test_unbalanced_braces_are_refused_and_every_bad_field_is_named(people):
    with pytest.raises(DomainError) as refused:
        script_create(actor=people.director, data=ScriptIn(title="t", body="{case_no", body_en="{oops}"))
    assert [e.field for e in refused.value.errors] == ["body", "body_en"]


def test_a_refused_edit_leaves_the_script_as_it_was(kb, people):
    with pytest.raises(DomainError):
        script_update(
            actor=people.director, script=kb.general_script, data=ScriptIn(title="新", body="{nope}")
        )
    kb.general_script.refresh_from_db()
    assert kb.general_script.title == "通用问候"


def test_filled_for_a_case_with_its_values(kb, people, case, settings):
    due = timezone.now().replace(microsecond=0) + timezone.timedelta(days=2)
    Clock.objects.filter(case=case).delete()
    Clock.objects.create(
        case=case,
        kind=ClockKind.RESOLUTION,
        unit="hours",
        target=48,
        state=ClockState.RUNNING,
        started_at=timezone.now(),
        due_at=due,
    )
    rendered = script_render(user=people.agent, script=kb.quality_script, case=case, language="zh-hans")
    product = case.lines.get().order_line.product.name
    assert rendered.text == (
        f"张小明您好，非常抱歉{product}给您带来不便。"
        f"售后单 {case.number}（订单 {case.order.order_no}）已受理，"
        f"请于 {timezone.localtime(due):%Y-%m-%d %H:%M} 前将商品寄回：{settings.RETURN_ADDRESS}。客服 agent"
    )
    assert rendered.missing == []
    english = script_render(user=people.agent, script=kb.quality_script, case=case, language="en")
    assert english.text.startswith("Dear 张小明, we are sorry about your")


def test_a_value_the_case_lacks_is_left_for_the_agent_to_fill(kb, people, case):
    Clock.objects.filter(case=case).delete()
    rendered = script_render(user=people.agent, script=kb.quality_script, case=case, language="zh-hans")
    assert "请于 【截止时间】 前" in rendered.text
    assert rendered.missing == ["deadline"]


def test_filling_masks_what_the_viewer_may_not_see(kb, people, case):
    # The optimizer reads every case, with names masked; a script filled for them is masked too.
    rendered = script_render(user=people.director, script=kb.general_script, case=case)
    assert "director" in rendered.text
    optimizer = script_render(user=people.optimizer, script=kb.quality_script, case=case, language="zh-hans")
    assert optimizer.text.startswith("张**您好")


def test_a_case_or_script_out_of_reach_is_not_found(kb, people, case):
    case.team = people.team
    case.assignee = None
    case.save()
    with pytest.raises(NotFound):
        script_render(user=people.other_agent, script=kb.general_script, case=case)
    with pytest.raises(NotFound):
        script_render(user=people.agent, script=kb.other_team_script, case=case)
    assert scripts_for_case(user=people.customer_user, case=case) == []  # scripts are for staff
    with pytest.raises(NotFound):
        scripts_for_case(user=people.other_customer_user, case=case)


def test_suggestions_put_the_cases_category_first_and_leave_out_other_categories(kb, people, case):
    assert case.category.code == "quality_fault"
    titles = [r.title for r in scripts_for_case(user=people.agent, case=case, language="zh-hans")]
    assert titles == ["质量问题致歉", "通用问候"]
    # A script turned off is no longer suggested.
    script_update(
        actor=people.director,
        script=kb.quality_script,
        data=ScriptIn(title="质量问题致歉", body="x", categories=["quality_fault"], is_active=False),
    )
    assert [r.title for r in scripts_for_case(user=people.agent, case=case)] == ["通用问候"]
