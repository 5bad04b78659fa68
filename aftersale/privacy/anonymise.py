"""Erase the personal data of one case or one customer, keeping what the statistics need.

Kept: the rows themselves, their ids, types, categories, statuses, timestamps, amounts, SKUs, the
events' kinds and transition times. Erased: names, phone numbers, e-mail addresses, free text that
may hold personal data (descriptions, messages, notes, comments, work-order text), evidence files,
channel identities and the free-text values inside event payloads (see `events_scrub`).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from aftersale.cases.models import Case, CaseEvent, Evidence, IdentityCheck, Message
from aftersale.catalog.models import Customer
from aftersale.channels.models import InboundMail, Notification, OutboxMessage, OutboxStatus, SocialIdentity
from aftersale.common.auth import cache_key
from aftersale.common.models import ApiToken, User
from aftersale.fulfilment.models import CompensationOffer, Inspection, WorkOrder
from aftersale.knowledge.models import ReferenceCase
from aftersale.knowledge.services import reference_index
from aftersale.quality.models import FollowUp, Survey

ERASED = "[已匿名]"
ANONYMOUS_NAME = "已匿名客户"
# Keys of event payloads whose values are free text or contact data; their values become ERASED.
# Every other key (ids, codes, statuses, amounts, times, counts) stays for mining and KPIs.
PERSONAL_PAYLOAD_KEYS = frozenset(
    {
        "reason",  # transitions, cancellations, declines, withdrawals, hold placements
        "diagnosis",  # repair.diagnosed
        "address",  # return.authorized (the return address, contact and phone)
        "contact",
        "phone",
        "title",  # case.referenced
        "params",  # notification parameters
        "note",  # compensation decisions, follow-ups
        "comment",
        "summary",
        "result",  # work_order.completed
        "description",  # compensation.requested
    }
)
# Keys that are free text in some kinds only ("action" is the transition's code elsewhere).
PERSONAL_PAYLOAD_KEYS_OF = {"work_order.created": frozenset({"action"})}


def case_erase(case: Case) -> dict[str, int] | None:
    """Erase one case's personal data; None if someone changed the case meanwhile (another runner).

    Runs inside the caller's transaction. The conditional update on the case's version is the claim:
    of two runners, the second updates no row and stops."""
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        description=ERASED, outcome_note="", version=F("version") + 1
    )
    if updated != 1:
        return None
    case.version += 1
    case.description, case.outcome_note = ERASED, ""
    counts = {
        "messages": Message.objects.filter(case=case).exclude(body=ERASED).update(body=ERASED),
        "evidence_files": _evidence_delete(case),
        "events_scrubbed": events_scrub(case),
    }
    IdentityCheck.objects.filter(case=case).update(phone_masked="")
    Survey.objects.filter(case=case).update(comment="")
    FollowUp.objects.filter(case=case).update(note="")
    CompensationOffer.objects.filter(case=case).update(description="", decision_note="")
    WorkOrder.objects.filter(case=case).update(action=ERASED, result="")
    Inspection.objects.filter(rma__case=case).update(reason="")
    Notification.objects.filter(case=case).delete()
    OutboxMessage.objects.filter(case=case).exclude(status=OutboxStatus.PENDING).update(
        recipient="", subject="", body="", payload={}
    )
    InboundMail.objects.filter(case=case).update(from_address="", subject="")
    for ref in ReferenceCase.objects.filter(case=case).select_related("category"):
        ref.summary = ERASED
        ref.save(update_fields=["summary", "updated_at"])
        reference_index(ref)
    return counts


def customer_erase(customer: Customer) -> bool:
    """Erase a customer's name, phone, account and channel identities; False if already done."""
    updated = (
        Customer.objects.filter(pk=customer.pk, phone=customer.phone)
        .exclude(name=ANONYMOUS_NAME, phone=_anonymous_phone(customer))
        .update(name=ANONYMOUS_NAME, phone=_anonymous_phone(customer))
    )
    if updated != 1:
        return False
    old_phone, email = customer.phone, ""
    customer.name, customer.phone = ANONYMOUS_NAME, _anonymous_phone(customer)
    if customer.user_id:
        user = User.objects.get(pk=customer.user_id)
        email = user.email
        user.username = f"anonymised-{user.pk}"
        user.email = user.first_name = user.last_name = ""
        if hasattr(user, "display_name"):
            user.display_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        _tokens_revoke(user)
    SocialIdentity.objects.filter(customer=customer).delete()
    Notification.objects.filter(customer=customer).delete()
    IdentityCheck.objects.filter(order__customer=customer).update(phone_masked="")  # failed checks too
    # Messages sent to the phone or address outside any case (sign-in codes, say), and mail taken in
    # from the address that matched no case.
    addresses = [a for a in (old_phone, email) if a]
    OutboxMessage.objects.filter(recipient__in=addresses).exclude(status=OutboxStatus.PENDING).update(
        recipient="", subject="", body="", payload={}
    )
    if email:
        InboundMail.objects.filter(from_address__iexact=email).update(from_address="", subject="")
    return True


def _tokens_revoke(user: User) -> None:
    """The closed account's API tokens stop working at once, not when their cached grant expires."""
    keys = [
        cache_key(digest) for digest in ApiToken.objects.filter(user=user).values_list("key_hash", flat=True)
    ]
    ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _anonymous_phone(customer: Customer) -> str:
    return f"anon-{customer.pk}"  # the phone is unique: each erased customer keeps a distinct value


def _evidence_delete(case: Case) -> int:
    deleted = 0
    for evidence in Evidence.objects.filter(case=case).exclude(file=""):
        evidence.file.delete(save=False)
        deleted += 1
    Evidence.objects.filter(case=case).update(file="", original_name="")
    return deleted


def events_scrub(case: Case) -> int:
    """Replace the personal values inside this case's event payloads; the number of events changed.

    Case events are append-only, enforced by database triggers. Erasure is the one sanctioned
    exception, allowed inside this transaction only."""
    changed = []
    for event_id, kind, payload in CaseEvent.objects.filter(case=case).values_list("id", "kind", "payload"):
        keys = PERSONAL_PAYLOAD_KEYS | PERSONAL_PAYLOAD_KEYS_OF.get(kind, frozenset())
        scrubbed = _scrubbed(payload, keys)
        if scrubbed != payload:
            changed.append((event_id, scrubbed))
    if not changed:
        return 0
    with _append_only_lifted():
        for event_id, payload in changed:
            CaseEvent.objects.filter(pk=event_id).update(payload=payload)
    return len(changed)


def _scrubbed(value, keys: frozenset[str]):
    if isinstance(value, dict):
        return {
            key: ERASED if key in keys and item not in ("", None, ERASED) else _scrubbed(item, keys)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrubbed(item, keys) for item in value]
    return value


class _append_only_lifted:
    """Let this transaction rewrite event payloads. PostgreSQL: the append-only trigger lets an
    UPDATE through while `aftersale.erasure` is on (cases migration 0005; no table lock). SQLite,
    one writer at a time anyway: the update trigger is dropped and made again."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL aftersale.erasure = 'on'")
            else:
                cursor.execute("DROP TRIGGER IF EXISTS cases_caseevent_no_update")

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL aftersale.erasure = 'off'")
            else:
                cursor.execute(
                    "CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE ON cases_caseevent "
                    "BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;"
                )
        return False
