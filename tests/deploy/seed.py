"""Seed a deployed database with people, API tokens and orders, through the real services.

Run as its own process with the deployment's environment (DATABASE_URL, …):
`python -m tests.deploy.seed --agents 4 --customers 20 --orders-per-customer 5`; prints JSON:
{"admin": token, "agents": [{"id", "username", "token"}], "customers": [{"username", "token",
"phone", "orders": [order_no, …]}]}. Used by tests/deploy and bench/load_run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta


def seed(*, agents: int, customers: int, orders_per_customer: int, agent_password: str = "") -> dict:
    from django.db import transaction
    from django.utils import timezone

    from aftersale.catalog.models import Customer
    from aftersale.catalog.services import orders_upsert
    from aftersale.common.models import Team, User
    from aftersale.common.roles import Role
    from aftersale.common.services import token_create

    def user(username: str, role: str, **extra) -> User:
        person = User.objects.create(username=username, role=role, display_name=username, **extra)
        person.set_unusable_password()
        person.save(update_fields=["password"])
        return person

    with transaction.atomic():
        team = Team.objects.create(name="部署一组")
        admin = user("deploy_admin", Role.ADMIN)
        lead = user("deploy_lead", Role.TEAM_LEAD, team=team)
        team.lead = lead
        team.save(update_fields=["lead"])
        staff = [user(f"deploy_agent{i}", Role.AGENT, team=team) for i in range(1, agents + 1)]
        if agent_password:  # for the console's pages (session sign-in)
            for agent in staff:
                agent.set_password(agent_password)
                agent.save(update_fields=["password"])

    signed = timezone.now() - timedelta(days=2)
    orders = [
        {
            "order_no": f"DO{c:05d}{n:03d}",
            "channel": "platform",
            "store": "官方旗舰店",
            "customer": {"name": f"顾客{c}", "phone": f"137{c:08d}"},
            "paid_at": (signed - timedelta(days=3)).isoformat(),
            "shipped_at": (signed - timedelta(days=2)).isoformat(),
            "signed_at": signed.isoformat(),
            "payment_method": "alipay",
            "paid_amount": "598.00",
            "lines": [
                {
                    "line_no": 1,
                    "sku": f"DSKU-{n % 7}",
                    "product_name": "空气炸锅",
                    "category": "appliance",
                    "quantity": 2,
                    "unit_price": "199.00",
                },
                {
                    "line_no": 2,
                    "sku": f"DSKU-E{n % 5}",
                    "product_name": "蓝牙耳机",
                    "category": "electronics",
                    "quantity": 1,
                    "unit_price": "200.00",
                },
            ],
        }
        for c in range(1, customers + 1)
        for n in range(1, orders_per_customer + 1)
    ]
    for start in range(0, len(orders), 2000):
        report = orders_upsert(orders=orders[start : start + 2000], actor=admin)
        if report.errors:
            raise SystemExit(f"seed: orders refused: {report.errors[:3]}")

    people = []
    for c in range(1, customers + 1):
        phone = f"137{c:08d}"
        account = user(f"deploy_cust{c}", Role.CUSTOMER)
        Customer.objects.filter(phone=phone).update(user=account)
        people.append(
            {
                "username": account.username,
                "token": token_create(username=account.username, name="deploy"),
                "phone": phone,
                "orders": [f"DO{c:05d}{n:03d}" for n in range(1, orders_per_customer + 1)],
            }
        )
    return {
        "admin": token_create(username=admin.username, name="deploy"),
        "agents": [
            {"id": a.pk, "username": a.username, "token": token_create(username=a.username)} for a in staff
        ],
        "customers": people,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2)
    parser.add_argument("--customers", type=int, default=4)
    parser.add_argument("--orders-per-customer", type=int, default=5)
    parser.add_argument("--agent-password", default="", help="let the agents sign in to the console")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersale.settings")
    import django

    django.setup()
    data = seed(
        agents=args.agents,
        customers=args.customers,
        orders_per_customer=args.orders_per_customer,
        agent_password=args.agent_password,
    )
    json.dump(data, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
