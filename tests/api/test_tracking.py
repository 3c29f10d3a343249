"""Following a dossier: code plus the phone's last 4 digits; a code alone reveals nothing."""

from tests.api.flow import complete_draft, confirmation_code
from tests.api.spec_check import assert_matches_spec
from tests.conftest import Api
from tests.helpers import sign_in_as
from tests.test_auth import csrf_from


def submitted(api, app) -> str:
    draft_id = complete_draft(api)
    otp = confirmation_code(api, app, draft_id)
    return api.post(
        "/dossiers",
        json={"draft_id": draft_id, "idempotency_key": "t" * 32, "confirmation_code": otp},
    ).get_json()["code"]


def test_code_and_last_four_digits_show_the_timeline(api, app):
    code = submitted(api, app)
    anonymous = Api(app.test_client())
    response = anonymous.post("/status", json={"code": code.lower(), "phone_last4": "5678"})
    assert response.status_code == 200
    assert_matches_spec("post", "/status", response)
    body = response.get_json()
    assert body["label"] == "Mới đăng ký"
    assert [p["procedure_id"] for p in body["progress"]][0] == "dang-ky-khai-sinh"


def test_the_status_reveals_no_personal_data(api, app):
    code = submitted(api, app)
    text = Api(app.test_client()).post("/status", json={"code": code, "phone_last4": "5678"}).text
    # The phone (+84912345678) however written; not "0912" alone, which the
    # dossier's code holds on 12 September (X05665-260912-0001).
    for personal in ("912345678", "912 345 678", "912.345.678", "+8491", "Nguyễn"):
        assert personal not in text


def test_a_code_with_the_wrong_digits_is_not_found(api, app):
    code = submitted(api, app)
    response = Api(app.test_client()).post("/status", json={"code": code, "phone_last4": "1111"})
    assert response.status_code == 404
    assert_matches_spec("post", "/status", response)


def test_wrong_guesses_are_rate_limited(app):
    anonymous = Api(app.test_client())
    statuses = [
        anonymous.post(
            "/status", json={"code": f"X05665-261124-{i:04d}", "phone_last4": "1234"}
        ).status_code
        for i in range(1, 32)
    ]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
    refused = anonymous.post("/status", json={"code": "X05665-261124-0099", "phone_last4": "1234"})
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert "thử lại" in refused.get_json()["error"]["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 3600


def test_right_lookups_never_count_against_the_guess_limit(api, app):
    code = submitted(api, app)
    anonymous = Api(app.test_client())
    for _ in range(40):
        assert (
            anonymous.post("/status", json={"code": code, "phone_last4": "5678"}).status_code == 200
        )
    wrong = anonymous.post("/status", json={"code": code, "phone_last4": "0000"})
    assert wrong.status_code == 404


def test_the_tracking_page_works_without_javascript(api, app):
    code = submitted(api, app)
    client = app.test_client()
    page = client.get("/theo-doi")
    result = client.post(
        "/theo-doi", data={"code": code, "phone_last4": "5678", "csrf_token": csrf_from(page.text)}
    )
    assert result.status_code == 200
    assert code in result.text
    assert "Mới đăng ký" in result.text


def test_a_signed_in_citizen_sees_all_their_dossiers(api, app):
    code = submitted(api, app)
    response = api.get("/dossiers")
    assert_matches_spec("get", "/dossiers", response)
    assert [d["code"] for d in response.get_json()["dossiers"]] == [code]
    assert code in api.client.get("/ho-so").text


def test_another_citizen_cannot_open_my_dossier(api, app):
    from tests.conftest import make_citizen

    code = submitted(api, app)
    other = app.test_client()
    sign_in_as(app, other, citizen_id=make_citizen(app, "+84987654321"))
    assert other.get(f"/api/v1/dossiers/{code}").status_code == 404
    assert other.get(f"/ho-so/{code}").status_code == 404


def test_a_lookup_from_a_signed_in_phone_leaves_its_session_as_it_was(api, app):
    # The lookup skips the session cookie (services.web.sessionless): the
    # citizen stays signed in, with the same cookie, and the lookup still works.
    code = submitted(api, app)
    before = api.client.get_cookie("session").value
    response = api.post("/status", json={"code": code, "phone_last4": "5678"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert api.client.get_cookie("session").value == before
    assert [d["code"] for d in api.get("/dossiers").get_json()["dossiers"]] == [code]


def test_the_lookup_answer_is_the_json_of_the_status(api, app):
    # The answer is kept as JSON bytes per dossier version; it must be what
    # the citizen's own page would show as public status.
    code = submitted(api, app)
    public = Api(app.test_client()).post("/status", json={"code": code, "phone_last4": "5678"})
    assert public.mimetype == "application/json"
    own = api.get(f"/dossiers/{code}").get_json()
    assert public.get_json()["code"] == own["code"] == code
    assert public.get_json()["label"] == own["label"]
    assert public.get_json()["progress"] == own["progress"]
