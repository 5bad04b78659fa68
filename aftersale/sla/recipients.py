"""Who hears about a case at each rung of the escalation chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aftersale.cases.models import Case
from aftersale.common.models import Team, User
from aftersale.common.roles import Role

# Chain names in the playbook mapped to roles; the operations manager is the after-sales director.
CHAIN_ROLES = {"agent": Role.AGENT, "team_lead": Role.TEAM_LEAD, "operations_manager": Role.DIRECTOR}
# A clock about a department's object (a work order) climbs the department's own chain: its
# responsible person, then the department's members, then the rungs above as for a case.
DEPARTMENT_RUNGS = {"agent": "responsible", "team_lead": "department"}


@dataclass(frozen=True)
class ClockOwner:
    """Who answers for the object a clock refers to."""

    name: str
    department: str
    responsible_id: int | None = None


# Given object ids, who answers for each. Registered by the app that owns the objects, since sla
# may not import it (e.g. fulfilment for "work_order:<id>" clocks).
OwnerLookup = Callable[[list[int]], dict[int, ClockOwner]]
_owner_lookups: dict[str, OwnerLookup] = {}


def register_owner_lookup(clock_kind: str, lookup: OwnerLookup) -> None:
    _owner_lookups[clock_kind] = lookup


def ref_id(ref: str) -> int | None:
    """The object id of a clock ref such as "work_order:12"."""
    _prefix, _sep, value = ref.partition(":")
    return int(value) if value.isdigit() else None


class Directory:
    """Staff looked up once per sweep or handler call, not once per case."""

    def __init__(self) -> None:
        self._by_role: dict[str, list[int]] = {}
        self._leads: dict[int, int | None] | None = None
        self._by_department: dict[str, list[int]] = {}
        self._owners: dict[tuple[str, int], ClockOwner | None] = {}

    def role(self, role: str) -> list[int]:
        if role not in self._by_role:
            self._by_role[role] = list(
                User.objects.filter(role=role, is_active=True).order_by("id").values_list("id", flat=True)
            )
        return self._by_role[role]

    def department(self, department: str) -> list[int]:
        if department not in self._by_department:
            self._by_department[department] = list(
                User.objects.filter(role=Role.DEPARTMENT, department=department, is_active=True)
                .order_by("id")
                .values_list("id", flat=True)
            )
        return self._by_department[department]

    def for_rung(self, case: Case, rung: str) -> list[int]:
        role = CHAIN_ROLES.get(rung, Role.DIRECTOR)
        if role == Role.AGENT:
            return [case.assignee_id] if case.assignee_id else self.leads(case)
        if role == Role.TEAM_LEAD:
            return self.leads(case)
        return self.role(role)

    def leads(self, case: Case) -> list[int]:
        lead_id = self._team_leads().get(case.team_id) if case.team_id else None
        return [lead_id] if lead_id else self.role(Role.TEAM_LEAD)

    def _team_leads(self) -> dict[int, int | None]:
        if self._leads is None:
            self._leads = dict(Team.objects.values_list("id", "lead_id"))
        return self._leads

    # ---- clocks about an object owned by a department -------------------------------------

    def load_owners(self, clocks: Iterable) -> None:
        """Look up the owners of a batch of clocks at once (one query per clock kind)."""
        wanted: dict[str, set[int]] = {}
        for clock in clocks:
            object_id = ref_id(clock.ref)
            if clock.kind in _owner_lookups and object_id is not None:
                wanted.setdefault(clock.kind, set()).add(object_id)
        for kind, ids in wanted.items():
            found = _owner_lookups[kind](sorted(ids))
            self._owners.update({(kind, object_id): found.get(object_id) for object_id in ids})

    def owner(self, clock) -> ClockOwner | None:
        object_id = ref_id(clock.ref)
        if clock.kind not in _owner_lookups or object_id is None:
            return None
        if (clock.kind, object_id) not in self._owners:
            self.load_owners([clock])
        return self._owners[(clock.kind, object_id)]

    def rung_for(self, clock, rung: str) -> str:
        """The rung of the chain as it applies to this clock (a department's own for its objects)."""
        return DEPARTMENT_RUNGS.get(rung, rung) if self.owner(clock) else rung

    def for_clock(self, clock, rung: str) -> list[int]:
        owner = self.owner(clock)
        if owner is None or rung not in ("responsible", "department"):
            return self.for_rung(clock.case, rung)
        if rung == "responsible" and owner.responsible_id:
            return [owner.responsible_id]
        # Nobody in the department: the director hears of it rather than nobody.
        return self.department(owner.department) or self.role(Role.DIRECTOR)
