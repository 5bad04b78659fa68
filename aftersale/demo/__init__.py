"""Demo data: a living shop for a newcomer to explore (`aftersale demo`).

Staff and customer accounts, a catalogue, ~120 orders on every channel and ~60 cases in every
status, all written through the real services. Deterministic: one seeded random, times relative
to now.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from aftersale.catalog.models import Order
from aftersale.common.models import User
from aftersale.common.roles import Role
from aftersale.knowledge.demo import knowledge_demo_load
from aftersale.sla.models import AgentProfile

from .people import ACCOUNTS, MARKER_USERNAME, Cast, people_create
from .play import story_play
from .script import Purchase, Story
from .shop import OrderBook, accounts_link, orders_load, products_create
from .stories import STORIES

SEED = 2026

DEMO_LOGINS: list[tuple[str, str, str]] = [(a.username, a.password, a.description) for a in ACCOUNTS]


def demo_load(*, force: bool = False) -> bool:
    """Load the demo data unless it is already there (or `force`); True when loaded."""
    if not force and User.objects.filter(username=MARKER_USERNAME).exists():
        return False
    rng = random.Random(SEED)
    with transaction.atomic():
        cast = people_create()
        products_create()
        book = OrderBook(rng, timezone.now())
        plays = _plays(STORIES)
        new_purchases = [(play.purchase, play.story.channel) for play in plays if not play.reuses]
        order_nos = orders_load(book=book, purchases=new_purchases, actor=cast["admin"])
        accounts_link(book, cast.users)
        _cases_play(plays, order_nos, cast)
        _enrol_agents(cast)
        knowledge_demo_load(actor=cast["admin"])
    return True


def _enrol_agents(cast: Cast) -> None:
    """After the stories, agents join automatic assignment (the first of each team is senior), so
    requests made while exploring the demo are routed to someone on shift."""
    agents = [user for user in cast.users.values() if user.role == Role.AGENT]
    seniors = {"agent1", "agent4"}
    for agent in agents:
        AgentProfile.objects.update_or_create(user=agent, defaults={"is_senior": agent.username in seniors})


@dataclass(frozen=True)
class _Play:
    """One case to play."""

    story: Story
    purchase: Purchase
    reuses: str = ""  # key of the earlier story whose order this case is about


def _plays(stories: tuple[Story, ...]) -> list[_Play]:
    first_purchase = {s.key: s.purchases[0] for s in stories if s.purchases}
    plays: list[_Play] = []
    for story in stories:
        if story.same_order_as:
            purchase = replace(first_purchase[story.same_order_as], until=None)
            plays.append(_Play(story, purchase, story.same_order_as))
        else:
            plays += [_Play(story, purchase) for purchase in story.purchases]
    return plays


def _cases_play(plays: list[_Play], order_nos: list[str], cast: Cast) -> None:
    """Play every case in turn; a story's first order is remembered for stories that reuse it."""
    numbers = iter(order_nos)
    first_order: dict[str, str] = {}
    for play in plays:
        order_no = first_order[play.reuses] if play.reuses else next(numbers)
        first_order.setdefault(play.story.key, order_no)
        order = Order.objects.select_related("customer").get(order_no=order_no)
        story_play(story=play.story, purchase=play.purchase, order=order, cast=cast)
