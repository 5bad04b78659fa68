from __future__ import annotations

from ninja import Router, Schema

from .permissions import role_of

router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    team_id: int | None
    department: str


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request):
    user = request.auth
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name or user.username,
        role=role_of(user),
        team_id=user.team_id,
        department=user.department,
    )
