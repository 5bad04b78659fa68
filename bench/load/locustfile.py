"""Sustained mixed traffic for bench/load_run.py (locust, headless).

Agents work their queues: list cases with filters (API), open the console's case page (HTML,
signed in), move cases along (start review, resolve) and write to customers. Customers take
in requests with their own API token and read their progress. Each simulated user sticks to one
of the web processes, alternately. A 409 (someone else moved the case first) is the system
answering correctly under contention: it is counted apart, as "conflict", not as an error.

Reads LOAD_SEED (a JSON file: the web URLs and what tests/deploy/seed.py printed).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

SEED = json.loads(open(os.environ["LOAD_SEED"], encoding="utf-8").read())
URLS: list[str] = SEED["urls"]
PASSWORD: str = SEED["agent_password"]
_counter = itertools.count()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

INQUIRIES = ["请问发票怎么开", "物流一直没有更新", "请问保修期多久", "能否修改收货地址"]
FAULTS = ["开机后有异响，无法正常使用", "收到时外壳有裂痕", "充电后无法开机"]


class _OnOneWeb(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.n = next(_counter)
        self.client.base_url = URLS[self.n % len(URLS)]


class Agent(_OnOneWeb):
    weight = 3
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        super().on_start()
        me = SEED["agents"][self.n % len(SEED["agents"])]
        self.me = me
        self.api = {"Authorization": f"Bearer {me['token']}"}
        page = self.client.get("/console/login/", name="GET /console/login/")
        token = _CSRF.search(page.text)
        self.client.post(
            "/console/login/",
            data={"username": me["username"], "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            name="POST /console/login/",
        )

    def _cases(self, **filters) -> list[dict]:
        query = "&".join(f"{k}={v}" for k, v in {"limit": 50, **filters}.items())
        name = "GET /api/v1/cases?" + "&".join(sorted(filters))
        answer = self.client.get(f"/api/v1/cases?{query}", headers=self.api, name=name)
        return answer.json()["items"] if answer.ok else []

    @task(4)
    def queue(self) -> None:
        self._cases(status=random.choice(["new", "under_review", "waiting_customer"]))

    @task(2)
    def queue_by_type(self) -> None:
        self._cases(case_type=random.choice(["after_sales", "inquiry"]), status="new")

    @task(3)
    def case_page(self) -> None:
        cases = self._cases(status="under_review") or self._cases(status="new")
        if cases:
            number = random.choice(cases)["number"]
            self.client.get(f"/console/cases/{number}/", name="GET /console/cases/<n>/ (HTML)")

    @task(2)
    def move_along(self) -> None:
        new = self._cases(status="new")
        if new:
            self._transition(random.choice(new), "start_review", "")
        under_review = self._cases(status="under_review")
        if under_review:
            self._transition(random.choice(under_review), "resolve", "已按政策处理完毕")

    @task(2)
    def write(self) -> None:
        cases = self._cases(status="under_review") or self._cases(status="new")
        if cases:
            number = random.choice(cases)["number"]
            self.client.post(
                f"/api/v1/cases/{number}/messages",
                json={"body": "您好，我们已收到您的反馈，正在核实处理。", "internal": False},
                headers=self.api,
                name="POST /api/v1/cases/<n>/messages",
            )

    def _transition(self, case: dict, action: str, reason: str) -> None:
        with self.client.post(
            f"/api/v1/cases/{case['number']}/transitions",
            json={"action": action, "version": case["version"], "reason": reason},
            headers=self.api,
            name=f"POST /api/v1/cases/<n>/transitions {action}",
            catch_response=True,
        ) as answer:
            if answer.status_code == 409:  # another agent was first: the right answer
                answer.success()
                self.environment.events.request.fire(
                    request_type="CONFLICT",
                    name=f"{action} (409, another agent first)",
                    response_time=0,
                    response_length=0,
                    exception=None,
                    context={},
                )


class Customer(_OnOneWeb):
    weight = 2
    wait_time = between(1.0, 4.0)

    def on_start(self) -> None:
        super().on_start()
        me = SEED["customers"][self.n % len(SEED["customers"])]
        self.me = me
        self.api = {"Authorization": f"Bearer {me['token']}"}
        self.orders = itertools.cycle(me["orders"])
        self.mine: list[str] = []

    @task(2)
    def submit(self) -> None:
        order_no = next(self.orders)
        if random.random() < 0.5:
            body = {"case_type": "inquiry", "category": "logistics_query", "resolution": "information"}
            description = random.choice(INQUIRIES)
        else:
            body = {"case_type": "after_sales", "category": "quality_fault", "resolution": "repair"}
            body["lines"] = [{"line_no": 1, "quantity": 1}]
            description = random.choice(FAULTS)
        answer = self.client.post(
            "/api/v1/cases",
            json={**body, "order_no": order_no, "description": description, "channel": "api"},
            headers=self.api,
            name="POST /api/v1/cases (customer)",
        )
        if answer.status_code == 201:
            self.mine.append(answer.json()["number"])

    @task(3)
    def my_cases(self) -> None:
        self.client.get("/api/v1/cases?limit=20", headers=self.api, name="GET /api/v1/cases (customer)")

    @task(4)
    def progress(self) -> None:
        if not self.mine:
            return
        number = random.choice(self.mine)
        self.client.get(f"/api/v1/cases/{number}", headers=self.api, name="GET /api/v1/cases/<n> (customer)")
        self.client.get(
            f"/api/v1/cases/{number}/events", headers=self.api, name="GET /api/v1/cases/<n>/events (customer)"
        )
