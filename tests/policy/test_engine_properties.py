"""Properties of the engine that must hold for every input."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from aftersale.policy.engine import CaseFacts, LineFacts, compile_playbook, evaluate, window_from
from aftersale.policy.schema import Playbook

SH = ZoneInfo("Asia/Shanghai")
DEFAULT = compile_playbook(Playbook(name="test"))
sign_offs = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(SH)
)


def goods(signed_at: datetime, **flags) -> LineFacts:
    return LineFacts(
        category="clothing",
        unit_price=Decimal("100"),
        paid_at=signed_at - timedelta(days=2),
        shipped_at=signed_at - timedelta(days=1),
        signed_at=signed_at,
        **flags,
    )


def no_reason_ok(playbook, line, at) -> bool:
    return (
        evaluate(playbook, line, CaseFacts(category="no_reason_return"), at=at)
        .entitlements["return_refund"]
        .eligible
    )


@given(sign_offs)
def test_window_runs_from_next_midnight_for_exactly_seven_days(signed_at):
    end = datetime.combine(signed_at.date() + timedelta(days=8), datetime.min.time(), tzinfo=SH)
    line = goods(signed_at)
    assert no_reason_ok(DEFAULT, line, end - timedelta(microseconds=1))
    assert not no_reason_ok(DEFAULT, line, end)


@given(sign_offs, st.integers(min_value=0, max_value=20 * 24 * 60))
def test_eligible_exactly_while_the_local_day_count_is_at_most_seven(signed_at, minutes_later):
    at = signed_at + timedelta(minutes=minutes_later)
    assert no_reason_ok(DEFAULT, goods(signed_at), at) == ((at.date() - signed_at.date()).days <= 7)


@given(sign_offs, st.integers(min_value=0, max_value=10 * 24 * 60))
def test_the_same_instant_in_another_time_zone_gives_the_same_answer(signed_at, minutes_later):
    at = signed_at + timedelta(minutes=minutes_later)
    in_utc = goods(signed_at.astimezone(UTC))
    assert no_reason_ok(DEFAULT, in_utc, at.astimezone(UTC)) == no_reason_ok(DEFAULT, goods(signed_at), at)


def test_leap_day_counts_as_a_day():
    window = window_from(datetime(2028, 2, 27, 23, 59, tzinfo=SH), 7, SH)
    assert window.start == datetime(2028, 2, 28, tzinfo=SH)
    assert window.end == datetime(2028, 3, 6, tzinfo=SH)
    assert window.day_of(datetime(2028, 2, 29, 8, tzinfo=SH)) == 2


def test_sign_off_just_before_and_after_midnight():
    before = window_from(datetime(2026, 11, 15, 23, 59, 59, tzinfo=SH), 7, SH)
    after = window_from(datetime(2026, 11, 16, 0, 0, 1, tzinfo=SH), 7, SH)
    assert before.end == datetime(2026, 11, 23, tzinfo=SH)
    assert after.end == datetime(2026, 11, 24, tzinfo=SH)


flags = st.sampled_from(["is_custom_made", "is_perishable", "is_digital_unsealed", "is_periodical"])


@given(sign_offs, flags, st.integers(min_value=7, max_value=365), st.booleans(), st.integers(0, 6))
def test_statutory_exclusions_hold_under_any_playbook(signed_at, flag, window_days, honour, day):
    playbook = compile_playbook(
        Playbook.model_validate(
            {
                "name": "generous",
                "returns": {
                    "no_reason": {
                        "window_days": window_days,
                        "honour_checkout_confirmation": honour,
                        "freight_payer": "seller",
                    },
                    "any_reason_exchange_days": 30,
                },
            }
        )
    )
    line = goods(signed_at, **{flag: True})
    result = evaluate(
        playbook, line, CaseFacts(category="no_reason_return"), at=signed_at + timedelta(days=day)
    )
    assert not result.entitlements["return_refund"].eligible
    assert result.entitlements["return_refund"].rule == "statutory_exclusion"
    assert not result.entitlements["exchange"].eligible


@given(st.integers(min_value=0, max_value=6), st.integers(min_value=16, max_value=300))
def test_repeated_fault_counts_finished_repairs_of_the_serial(repairs, day):
    signed_at = datetime(2026, 1, 10, 10, tzinfo=SH)
    line = goods(signed_at, warranty_months=12)
    result = evaluate(
        DEFAULT,
        line,
        CaseFacts(category="quality_fault", completed_repairs=repairs),
        at=signed_at + timedelta(days=day),
    )
    assert result.entitlements["exchange"].eligible == (repairs >= 2)
    assert result.entitlements["return_refund"].eligible == (repairs >= 2)
