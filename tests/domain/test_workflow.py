"""The one-stop state machine: who may do what, in which state, and what follows."""

import random

import pytest

from domain.statuses import Status as S
from domain.workflow import (
    ACTIONS,
    DOSSIER_TRANSITIONS,
    ROLES,
    STEP_TRANSITIONS,
    State,
    Step,
    WorkflowError,
    available,
    can_see,
    plan,
)

BIRTH = (
    ("dang-ky-khai-sinh", "tu-phap"),
    ("dang-ky-thuong-tru", "cong-an"),
    ("cap-the-bhyt", "bhxh"),
)
DEATH = (
    ("dang-ky-khai-tu", "tu-phap"),
    ("xoa-thuong-tru", "cong-an"),
    ("tro-cap-mai-tang", "bhxh"),
    ("ho-tro-mai-tang", "ldtbxh"),
)


def state(status, steps, statuses=None, reached=()):
    statuses = statuses or [S.SUBMITTED] * len(steps)
    return State(
        status,
        tuple(Step(p, a, st, p in reached) for (p, a), st in zip(steps, statuses, strict=True)),
    )


def apply(current: State, result) -> State:
    return State(
        result.status,
        tuple(
            Step(
                s.procedure_id,
                s.agency,
                result.steps.get(s.procedure_id, s.status),
                s.reached or s.procedure_id in result.started,
            )
            for s in current.steps
        ),
    )


NEW = state(S.SUBMITTED, BIRTH)


def test_accepting_starts_the_registration_at_the_justice_desk():
    result = plan("accept", "tu-phap", NEW)
    assert result.status == S.ACCEPTED
    assert result.steps == {"dang-ky-khai-sinh": S.IN_PROCESS}
    assert result.started == ["dang-ky-khai-sinh"]


def test_the_chain_goes_justice_then_police_then_insurance():
    current = apply(NEW, plan("accept", "tu-phap", NEW))
    birth = plan("record_result", "tu-phap", current, "dang-ky-khai-sinh")
    assert birth.started == ["dang-ky-thuong-tru"] and birth.status == S.IN_PROCESS
    current = apply(current, birth)
    residence = plan("record_result", "cong-an", current, "dang-ky-thuong-tru")
    assert residence.started == ["cap-the-bhyt"]
    current = apply(current, residence)
    card = plan("record_result", "bhxh", current, "cap-the-bhyt")
    assert card.status == S.DONE
    current = apply(current, card)
    assert plan("return_at_office", "tu-phap", current).status == S.RETURNED


def test_insurance_and_social_affairs_receive_a_death_dossier_side_by_side():
    current = state(S.SUBMITTED, DEATH)
    for role, pid in (("tu-phap", None), ("tu-phap", "dang-ky-khai-tu")):
        current = apply(
            current, plan("accept" if pid is None else "record_result", role, current, pid)
        )
    result = plan("record_result", "cong-an", current, "xoa-thuong-tru")
    assert sorted(result.started) == ["ho-tro-mai-tang", "tro-cap-mai-tang"]
    current = apply(current, result)
    current = apply(current, plan("record_result", "ldtbxh", current, "ho-tro-mai-tang"))
    assert current.status == S.IN_PROCESS  # insurance still working
    current = apply(current, plan("record_result", "bhxh", current, "tro-cap-mai-tang"))
    assert current.status == S.DONE


def test_a_chain_without_the_police_step_goes_straight_to_insurance():
    steps = (BIRTH[0], BIRTH[2])
    current = apply(state(S.SUBMITTED, steps), plan("accept", "tu-phap", state(S.SUBMITTED, steps)))
    assert plan("record_result", "tu-phap", current, "dang-ky-khai-sinh").started == [
        "cap-the-bhyt"
    ]


def test_stopping_the_registration_stops_every_linked_step():
    current = apply(NEW, plan("accept", "tu-phap", NEW))
    result = plan("stop", "tu-phap", current, "dang-ky-khai-sinh")
    assert result.status == S.STOPPED
    assert set(result.steps.values()) == {S.STOPPED}


def test_stopping_one_linked_step_lets_the_chain_go_on():
    current = apply(NEW, plan("accept", "tu-phap", NEW))
    current = apply(current, plan("record_result", "tu-phap", current, "dang-ky-khai-sinh"))
    result = plan("stop", "cong-an", current, "dang-ky-thuong-tru")
    assert result.started == ["cap-the-bhyt"] and result.status == S.IN_PROCESS


@pytest.mark.parametrize(
    ("asked_at", "role", "pid", "back_to"),
    [
        ("reception", "tu-phap", None, S.SUBMITTED),
        ("police", "cong-an", "dang-ky-thuong-tru", S.IN_PROCESS),
    ],
)
def test_a_resubmitted_supplement_returns_to_whoever_asked(asked_at, role, pid, back_to):
    current = NEW
    if asked_at == "police":
        current = apply(current, plan("accept", "tu-phap", current))
        current = apply(current, plan("record_result", "tu-phap", current, "dang-ky-khai-sinh"))
    current = apply(current, plan("request_supplement", role, current, pid))
    assert current.status == S.SUPPLEMENT_REQUESTED
    result = plan("resubmit", "citizen", current)
    assert result.status == back_to


def test_a_payment_pauses_the_step_until_it_is_confirmed():
    current = apply(NEW, plan("accept", "tu-phap", NEW))
    current = apply(current, plan("request_payment", "tu-phap", current, "dang-ky-khai-sinh"))
    assert current.status == S.PAYMENT_REQUESTED
    with pytest.raises(WorkflowError):
        plan("record_result", "tu-phap", current, "dang-ky-khai-sinh")
    current = apply(current, plan("confirm_payment", "tu-phap", current, "dang-ky-khai-sinh"))
    assert current.status == S.ACCEPTED


@pytest.mark.parametrize("role", [r for r in ROLES if r != "tu-phap"] + ["citizen"])
def test_only_the_justice_officer_accepts_a_new_dossier(role):
    with pytest.raises(WorkflowError) as error:
        plan("accept", role, NEW)
    assert error.value.code == "forbidden"


def test_an_agency_cannot_act_on_another_agencys_step():
    current = apply(NEW, plan("accept", "tu-phap", NEW))
    current = apply(current, plan("record_result", "tu-phap", current, "dang-ky-khai-sinh"))
    with pytest.raises(WorkflowError) as error:
        plan("record_result", "bhxh", current, "dang-ky-thuong-tru")
    assert error.value.code == "forbidden"


def test_acting_twice_on_the_same_step_is_refused_as_not_now():
    current = apply(NEW, plan("accept", "tu-phap", NEW))
    with pytest.raises(WorkflowError) as error:
        plan("accept", "tu-phap", current)
    assert error.value.code == "not_now"


@pytest.mark.parametrize("status", [S.DONE, S.RETURNED, S.NOT_ACCEPTED, S.STOPPED, S.WITHDRAWN])
def test_the_citizen_cannot_withdraw_a_finished_dossier(status):
    with pytest.raises(WorkflowError):
        plan("withdraw", "citizen", state(status, BIRTH, [S.DONE] * 3))


def test_the_admin_has_no_action_and_sees_no_dossier():
    current = apply(NEW, plan("accept", "tu-phap", NEW))
    assert available("quan-tri", current) == []
    assert not can_see("quan-tri", current)


def test_an_agency_sees_a_dossier_only_once_it_reached_it():
    current = apply(NEW, plan("accept", "tu-phap", NEW))
    assert not can_see("cong-an", current)
    current = apply(current, plan("record_result", "tu-phap", current, "dang-ky-khai-sinh"))
    assert can_see("cong-an", current) and not can_see("bhxh", current)


def test_any_sequence_of_actions_follows_the_transition_tables():
    """Random walks over both groups: every plan stays inside the declared state machine
    (plan() raises AssertionError otherwise) and every terminal state offers nothing."""
    rng = random.Random(63)
    roles = [*ROLES, "citizen"]
    for _ in range(300):
        current = state(S.SUBMITTED, rng.choice([BIRTH, DEATH]))
        for _ in range(15):
            options = [(r, a, p) for r in roles for a, p in available(r, current)]
            if not options:
                assert current.status in (S.RETURNED, S.NOT_ACCEPTED, S.STOPPED, S.WITHDRAWN)
                break
            role, action, pid = rng.choice(options)
            before = current
            current = apply(current, plan(action, role, current, pid))
            assert (
                current.status == before.status
                or current.status in DOSSIER_TRANSITIONS[before.status]
            )
            for old, new in zip(before.steps, current.steps, strict=True):
                assert old.status == new.status or new.status in STEP_TRANSITIONS[old.status]
    assert set(ACTIONS) >= {"accept", "refuse", "withdraw", "resubmit", "send_by_post"}
