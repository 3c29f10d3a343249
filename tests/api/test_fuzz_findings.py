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
