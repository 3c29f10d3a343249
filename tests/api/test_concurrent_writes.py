"""The page and the service worker send the same thing at the same moment.

SQLite serialises writers anyway; these matter on PostgreSQL (`make test-pg`),
where both requests used to pass the "already there?" check and the loser
broke a unique index: a 500 to the phone.
"""

import threading

from sqlalchemy import func, select

from extensions import db
from models import Draft, Upload
from tests.api.flow import upload_page
from tests.conftest import Api, make_citizen
from tests.helpers import new_draft_id, sign_in_as

TIMES = 4


def at_once(*calls):
    """Run the calls in threads released together; return their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait(5)
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def signed_in(app, citizen_id):
    client = app.test_client()
    sign_in_as(app, client, citizen_id=citizen_id)
    api = Api(client)
    api._headers()
    return api


def test_the_same_photo_sent_twice_at_once_is_stored_once(app, api):
    draft_id = new_draft_id()
    body = {
        "commune_code": "05665",
        "group_id": "khai-sinh",
        "procedure_ids": ["dang-ky-khai-sinh"],
        "answers": {"noi-sinh.giay_chung_sinh": "co"},
    }
    assert api.put(f"/drafts/{draft_id}", json=body).status_code == 201
    page, worker = signed_in(app, api.client.citizen_id), signed_in(app, api.client.citizen_id)
    for i in range(TIMES):
        client_id = f"photo-{i:04d}-abcdef"
        paper = ["giay-chung-sinh", "to-khai-khai-sinh"][i % 2]  # 2 pages each at most
        statuses = at_once(
            lambda: upload_page(page, draft_id, paper, client_id).status_code,
            lambda: upload_page(worker, draft_id, paper, client_id).status_code,
        )
        assert sorted(statuses) == [200, 201]
    with app.app_context():
        stored = db.session.scalar(select(func.count()).where(Upload.draft_id == draft_id))
    assert stored == TIMES


def test_a_new_draft_put_twice_at_once_is_one_draft_with_both_answers(app):
    citizen_id = make_citizen(app)
    page, worker = signed_in(app, citizen_id), signed_in(app, citizen_id)
    for _ in range(TIMES):
        draft_id = new_draft_id()
        bodies = [
            {"commune_code": "05665", "group_id": "khai-sinh", "answers": {"tre.ho": "Nguyễn"}},
            {"commune_code": "05665", "group_id": "khai-sinh", "answers": {"tre.ten": "An"}},
        ]
        statuses = at_once(
            lambda: page.put(f"/drafts/{draft_id}", json=bodies[0]).status_code,
            lambda: worker.put(f"/drafts/{draft_id}", json=bodies[1]).status_code,
        )
        assert sorted(statuses) == [200, 201]
        with app.app_context():
            draft = db.session.get(Draft, draft_id)
            assert {"tre.ho", "tre.ten"} <= set(draft.answers)
