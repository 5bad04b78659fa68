"""The demo's staff and customer accounts, and the two agent teams."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from aftersale.common.models import Team, User
from aftersale.common.roles import Department, Role

TEAMS = ("一组", "二组")


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: Role
    display_name: str
    description: str
    team: str | None = None
    department: str = ""


ACCOUNTS: tuple[Account, ...] = (
    Account("admin", "admin-2026", Role.ADMIN, "系统管理员", "管理员"),
    Account("director", "director-2026", Role.DIRECTOR, "王海燕", "售后总监"),
    Account("lead1", "lead-2026", Role.TEAM_LEAD, "陈静", "客服组长 · 一组", "一组"),
    Account("agent1", "agent-2026", Role.AGENT, "李娜", "售后客服专员 · 一组", "一组"),
    Account("agent2", "agent-2026", Role.AGENT, "王磊", "售后客服专员 · 一组", "一组"),
    Account("agent3", "agent-2026", Role.AGENT, "张敏", "售后客服专员 · 一组", "一组"),
    Account("lead2", "lead-2026", Role.TEAM_LEAD, "赵刚", "客服组长 · 二组", "二组"),
    Account("agent4", "agent-2026", Role.AGENT, "孙悦", "售后客服专员 · 二组", "二组"),
    Account("agent5", "agent-2026", Role.AGENT, "周洋", "售后客服专员 · 二组", "二组"),
    Account("optimizer", "optimizer-2026", Role.OPTIMIZER, "吴思远", "流程优化师（只读）"),
    Account("expert", "expert-2026", Role.EXPERT, "黄志强", "资深专家组"),
    Account(
        "warehouse",
        "dept-2026",
        Role.DEPARTMENT,
        "马建华",
        "部门成员 · 仓储部",
        department=Department.WAREHOUSE,
    ),
    Account("qc", "dept-2026", Role.DEPARTMENT, "郭晓峰", "部门成员 · 品控/研发部", department=Department.QC),
    Account("ops", "dept-2026", Role.DEPARTMENT, "何倩", "部门成员 · 运维组", department=Department.OPS),
    Account("customer1", "customer-2026", Role.CUSTOMER, "林晓雨", "消费者 林晓雨"),
    Account("customer2", "customer-2026", Role.CUSTOMER, "周子轩", "消费者 周子轩"),
)

MARKER_USERNAME = "admin"


@dataclass
class Cast:
    """The demo's people by username, with the questions the stories ask about them."""

    users: dict[str, User]

    def __getitem__(self, username: str) -> User:
        return self.users[username]

    @property
    def director(self) -> User:
        return self.users["director"]

    def lead_of(self, user: User) -> User:
        """Who hands work to `user`: their team lead, or the director for those outside a team."""
        if user.team is not None and user.team.lead is not None:
            return user.team.lead
        return self.director

    def department_member(self, department: str) -> User:
        return next(
            u for u in self.users.values() if u.role == Role.DEPARTMENT and u.department == department
        )


def people_create() -> Cast:
    """Create (or reset) the teams and every demo account."""
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
    # Accounts of one role share a password: hash each password once.
    hashes = {password: make_password(password) for password in {a.password for a in ACCOUNTS}}
    users = {account.username: _account_create(account, teams, hashes) for account in ACCOUNTS}
    for team in teams.values():
        team.lead = next(u for u in users.values() if u.role == Role.TEAM_LEAD and u.team == team)
        team.save(update_fields=["lead"])
    return Cast(users)


def _account_create(account: Account, teams: dict[str, Team], hashes: dict[str, str]) -> User:
    is_admin = account.role == Role.ADMIN
    user, _ = User.objects.update_or_create(
        username=account.username,
        defaults={
            "role": account.role,
            "display_name": account.display_name,
            "team": teams[account.team] if account.team else None,
            "department": account.department,
            "is_staff": account.role != Role.CUSTOMER,
            "is_superuser": is_admin,
            "is_active": True,
            "password": hashes[account.password],
        },
    )
    return user
