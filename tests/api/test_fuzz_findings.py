"""What schemathesis found, kept as plain tests so they cannot come back."""

import pytest

from tests.api.spec_check import assert_matches_spec


@pytest.mark.parametrize(
    "disposition", [b"form-data", b'form-data; filename="trang.jpg"'], ids=["field", "file"]
)
def test_a_multipart_part_without_a_name_is_a_400_not_a_crash(api, disposition):
    body = b"--B\r\nContent-Disposition: " + disposition + b"\r\n\r\nx\r\n--B--\r\n"
    response = api.client.post(
        "/api/v1/drafts/0b0e7a4e-7c55-4b7e-a4c4-0d5ee5a1b0a1/uploads",
        data=body,
        headers={**api._headers(), "Content-Type": "multipart/form-data; boundary=B"},
    )
    assert response.status_code == 400
    assert_matches_spec("post", "/api/v1/drafts/x/uploads", response)


def test_a_nameless_part_without_a_csrf_header_is_also_a_400(client):
    body = b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n"
    response = client.post(
        "/dang-nhap/so-dien-thoai", data=body, content_type="multipart/form-data; boundary=B"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["1.5", "abc", "1e3", ""])
def test_a_province_that_is_not_a_whole_number_is_refused(client, value):
    response = client.get("/api/v1/communes", query_string={"tinh": value})
    assert response.status_code == 400
    assert "số" in response.get_json()["error"]["message"]


def test_a_whole_number_province_still_lists_its_communes(client):
    response = client.get("/api/v1/communes", query_string={"tinh": "19"})
    assert response.status_code == 200
    assert any(c["code"] == "05665" for c in response.get_json()["results"])


DEEP = "[" * 2000 + "]" * 2000


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/status"),
        ("post", "/api/v1/passkeys/sign-in"),
        ("put", "/api/v1/drafts/0b0e7a4e-7c55-4b7e-a4c4-0d5ee5a1b0a1"),
        ("patch", "/api/v1/drafts/0b0e7a4e-7c55-4b7e-a4c4-0d5ee5a1b0a1"),
        ("post", "/api/v1/dossiers"),
    ],
)
def test_json_nested_2000_levels_is_a_400_with_a_message(api, method, path):
    response = api.client.open(
        path, method=method, data=DEEP, content_type="application/json", headers=api._headers()
    )
    assert response.status_code == 400
    assert "lồng nhau" in response.get_json()["error"]["message"]


def test_json_nested_just_under_the_recursion_limit_is_also_refused(api):
    # 900 levels parse, and then overflowed the schema validator's recursion.
    body = '{"code":' * 900 + '"x"' + "}" * 900
    response = api.client.post("/api/v1/status", data=body, content_type="application/json")
    assert response.status_code == 400


def test_a_nul_character_in_json_is_refused_before_it_reaches_the_database(api):
    response = api.client.post(
        "/api/v1/status",
        data='{"code": "X05665-261126-0001\\u0000", "phone_last4": "5678"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "ký tự" in response.get_json()["error"]["message"]


def test_a_json_string_posted_to_a_page_is_refused_not_read_as_a_form(client):
    token = client.get("/api/v1/csrf-token").get_json()["token"]
    response = client.post(
        "/can-bo/dang-nhap",
        data='"x"',
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 415
    assert "biểu mẫu" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "①②③④", "١٢٣٤"])
def test_a_passkey_number_in_the_path_that_no_row_can_have_is_a_404(citizen_client, value):
    token = citizen_client.get("/api/v1/csrf-token").get_json()["token"]
    response = citizen_client.post(
        f"/tai-khoan/khoa-dang-nhap/{value}/xoa", data={"csrf_token": token}
    )
    assert response.status_code == 404
