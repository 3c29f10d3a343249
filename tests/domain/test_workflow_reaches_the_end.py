"""Every combination the catalog allows, 1..n procedures, can be worked to its end.

A dossier with a single procedure once stuck at "accepted": recording its
only result asked for ACCEPTED -> DONE, which the state machine did not allow.
"""

from itertools import combinations

import pytest

from domain.catalog import CATALOG
from domain.statuses import Status as S
from domain.workflow import JUSTICE, State, Step, available, plan
from tests.domain.test_workflow import apply


def _combinations():
    for group in CATALOG["groups"]:
        pids = group["procedures"]
        for n in range(1, len(pids) + 1):
            for combo in combinations(pids, n):  # catalog order, as a dossier stores them
                yield pytest.param(combo, id="+".join(combo))


COMBINATIONS = list(_combinations())


def _new(combo) -> State:
    agency = CATALOG["procedures"]
    return State(S.SUBMITTED, tuple(Step(p, agency[p]["agency"], S.SUBMITTED) for p in combo))


def _act(current: State, action: str, role: str, pid=None) -> State:
    assert (action, pid) in available(role, current), (action, role, pid, current)
    return apply(current, plan(action, role, current, pid))


def _open_step(current: State) -> Step | None:
    return next((s for s in current.steps if s.status == S.IN_PROCESS), None)


def _work(current: State, on_each_step) -> State:
    for _ in range(20):
        step = _open_step(current)
        if step is None:
            return current
        current = on_each_step(current, step)
    raise AssertionError(f"the dossier never reached its end: {current}")


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_every_combination_goes_from_accepted_to_done_and_returned(combo):
    current = _act(_new(combo), "accept", JUSTICE)
    assert current.status == S.ACCEPTED
    current = _work(current, lambda c, s: _act(c, "record_result", s.agency, s.procedure_id))
    assert current.status == S.DONE
    assert _act(current, "return_at_office", JUSTICE).status == S.RETURNED


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_every_combination_finishes_after_a_fee_and_a_supplement_on_each_step(combo):
    def slow_step(current, step):
        for action in ("request_payment", "confirm_payment", "request_supplement"):
            current = _act(current, action, step.agency, step.procedure_id)
        current = _act(current, "resubmit", "citizen")
        return _act(current, "record_result", step.agency, step.procedure_id)

    current = _work(_act(_new(combo), "accept", JUSTICE), slow_step)
    assert current.status == S.DONE
    assert _act(current, "send_by_post", JUSTICE).status == S.RETURNED


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_every_combination_ends_when_each_step_is_stopped(combo):
    current = _work(
        _act(_new(combo), "accept", JUSTICE),
        lambda c, s: _act(c, "stop", s.agency, s.procedure_id),
    )
    assert current.status == S.STOPPED
    assert available(JUSTICE, current) == []


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_every_combination_with_a_result_and_a_stop_still_delivers_the_result(combo):
    """The first step stopped (the rest go on when it is not the registration),
    the others done: whatever was done is returned to the citizen."""
    first = {"done": False}

    def mixed(current, step):
        if not first["done"] and step.agency != JUSTICE:
            first["done"] = True
            return _act(current, "stop", step.agency, step.procedure_id)
        return _act(current, "record_result", step.agency, step.procedure_id)

    current = _work(_act(_new(combo), "accept", JUSTICE), mixed)
    done = [s for s in current.steps if s.status == S.DONE]
    assert current.status == (S.DONE if done else S.STOPPED)
    if done:
        assert _act(current, "return_at_office", JUSTICE).status == S.RETURNED
