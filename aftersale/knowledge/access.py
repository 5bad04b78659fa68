"""Who may read and edit which piece of knowledge."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from aftersale.common.errors import DomainError, PermissionDenied
from aftersale.common.models import Team
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import ALL_CASES_ROLES, HANDLING_ROLES, STAFF_ROLES, Role

# Write articles and scripts; a team lead only for the teams they lead.
EDITOR_ROLES = frozenset({Role.TEAM_LEAD, Role.DIRECTOR, Role.EXPERT, Role.ADMIN})
# Put a resolved case in the case library.
LIBRARIAN_ROLES = HANDLING_ROLES


def is_staff(user) -> bool:
    return bool(getattr(user, "is_active", False) and role_of(user) in STAFF_ROLES)


def team_ids(user) -> set[int]:
    """The teams whose restricted content `user` may read (their own, and those they lead)."""
    role = role_of(user)
    ids: set[int] = set()
    if role in (Role.AGENT, Role.TEAM_LEAD) and user.team_id:
        ids.add(user.team_id)
    if role == Role.TEAM_LEAD:
        ids |= set(user.led_teams.values_list("id", flat=True))
    return ids


def team_filter(user) -> Q:
    """Content restricted to a team shows only to that team (and to the roles that see everything)."""
    if role_of(user) in ALL_CASES_ROLES:
        return Q()
    return Q(team__isnull=True) | Q(team_id__in=team_ids(user))


def require_editor(actor, team: Team | None) -> None:
    require_role(actor, EDITOR_ROLES, action=_("编辑知识库"))
    if role_of(actor) == Role.TEAM_LEAD and (team is None or not actor.led_teams.filter(pk=team.pk).exists()):
        raise PermissionDenied("team", _("组长只能编辑限定为本人所带客服组的内容"), code="forbidden")


def require_no_team_for_faq(kind: str, team: Team | None) -> None:
    if kind == "faq" and team is not None:
        raise DomainError("team", _("常见问题面向所有客户，不能限定客服组"), code="faq_team")
