"""Public pages: the QR landing, commune search, headers."""


def test_the_qr_link_preselects_the_commune_with_its_province(client):
    page = client.get("/x/05665")
    assert page.status_code == 200
    assert "Xã Văn Lăng" in page.text
    assert "Thái Nguyên" in page.text
    assert "/ho-so/moi?xa=05665&amp;nhom=khai-sinh" in page.text
    assert "0123 456 789" in page.text  # the configured placeholder contact


def test_a_commune_that_takes_no_dossiers_says_so(client):
    page = client.get("/x/02143")
    assert page.status_code == 200
    assert "chưa nhận hồ sơ trực tuyến" in page.text


def test_an_unknown_commune_code_is_404(client):
    assert client.get("/x/99999").status_code == 404
    assert client.get("/x/abc").status_code == 404


def test_searching_without_diacritics_finds_all_four_van_lang_communes(client):
    page = client.get("/?q=van+lang")
    for code in ("05665", "06154", "02143", "08134"):
        assert f"/x/{code}" in page.text
    assert "Lạng Sơn" in page.text and "Phú Thọ" in page.text


def test_the_commune_api_searches_on_the_server(client):
    results = client.get("/api/v1/communes?q=van lang").get_json()["results"]
    assert {r["code"] for r in results} == {"05665", "06154", "02143", "08134"}


def test_pages_send_a_strict_csp_and_are_not_cached(client):
    page = client.get("/x/05665")
    csp = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["Cache-Control"] == "no-store"


def test_text_is_gzip_compressed_for_browsers_that_accept_it(client):
    page = client.get("/x/05665", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"


def test_the_wizard_requires_signing_in(client):
    response = client.get("/ho-so/moi?xa=05665&nhom=khai-sinh")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dang-nhap/"


def test_the_openapi_document_is_3_1_and_lists_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.endswith("openapi.json"):
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in documented, f"{method} {path} missing from OpenAPI"
