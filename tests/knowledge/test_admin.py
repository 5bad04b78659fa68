"""Editing in the admin: variables checked, the index kept up to date."""

from __future__ import annotations

from aftersale.knowledge.models import ReplyScript
from aftersale.knowledge.selectors import article_search, script_search


def test_a_script_with_an_unknown_variable_is_refused_in_the_admin(people, as_user):
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    client = as_user(people.admin)
    refused = client.post(
        "/admin/knowledge/replyscript/add/",
        {"title": "t", "body": "您好 {nmae}", "sort_order": 100, "is_active": "on"},
    )
    assert refused.status_code == 200
    assert "未知变量 {nmae}" in refused.content.decode()
    assert not ReplyScript.objects.exists()
    saved = client.post(
        "/admin/knowledge/replyscript/add/",
        {"title": "催寄回", "body": "请于 {deadline} 前寄回", "sort_order": 100, "is_active": "on"},
    )
    assert saved.status_code == 302
    assert [h.obj.title for h in script_search(user=people.director, query="寄回")] == ["催寄回"]


def test_an_article_saved_in_the_admin_is_searchable(people, as_user):
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    client = as_user(people.admin)
    saved = client.post(
        "/admin/knowledge/article/add/",
        {
            "kind": "faq",
            "slug": "screen",
            "title": "屏幕破裂怎么办",
            "body": "拍照申请售后",
            "sort_order": 100,
            "is_published": "on",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert [h.obj.slug for h in article_search(user=None, query="屏幕碎了")] == ["screen"]
    team_faq = client.post(
        "/admin/knowledge/article/add/",
        {"kind": "faq", "slug": "t", "title": "x", "body": "y", "sort_order": 100, "team": people.team.pk},
    )
    assert "不能限定客服组" in team_faq.content.decode()
