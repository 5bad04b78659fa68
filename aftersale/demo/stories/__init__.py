"""What the demo's customers asked for, and how the service team handled it.

Texts may name {product}, {order_no}, {store}, {amount} (the line's amount), {tenth} (10% of it),
{serial} and {batch}. A story is played once per purchase; `until` leaves a case part-way.
"""

from __future__ import annotations

from ..script import Story
from .after_sales import AFTER_SALES
from .complaints import COMPLAINTS
from .inquiries import INQUIRIES

STORIES: tuple[Story, ...] = INQUIRIES + AFTER_SALES + COMPLAINTS
