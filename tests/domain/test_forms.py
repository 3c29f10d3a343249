"""The declaration templates: one per signed form of the catalog, laid out from answers."""

import copy

import pytest

from domain import forms
from domain.catalog import CATALOG
from tests.domain.sample_answers import valid_birth_answers, valid_death_answers

CONTEXT = forms.context_for("05665")
SIGNED = [
    attachment
    for procedure in CATALOG["procedures"].values()
    for attachment in procedure["attachments"]
    if attachment.get("form")
]


def values(items: list[dict]) -> list[str]:
    return [cell["value"] for item in items if item["kind"] == "line" for cell in item["cells"]]


def test_every_form_the_catalog_asks_to_sign_has_a_template():
    assert {a["id"] for a in SIGNED} == {
        "to-khai-khai-sinh", "to-khai-ct01", "to-khai-tk1-ts",
        "to-khai-khai-tu", "to-khai-tro-cap-mai-tang", "to-khai-ho-tro-mai-tang",
    }  # fmt: skip
    for attachment in SIGNED:
        assert forms.form_of(attachment) is not None, attachment["id"]


def test_the_newest_version_of_a_form_is_the_one_printed(monkeypatch):
    current = forms.templates()["khai-sinh"]
    newer = {**copy.deepcopy(current), "version": "2099-01", "title": "Mẫu mới"}
    monkeypatch.setattr(forms, "_all_templates", lambda: (current, newer))
    assert forms.templates()["khai-sinh"]["title"] == "Mẫu mới"


@pytest.mark.parametrize(
    "item, problem",
    [
        ({"line": [["Họ tên", "{khong-co.truong}"]]}, "unknown answer"),
        ({"line": [["Họ tên", "{tre.ten|nghieng}"]]}, "unknown filter"),
        ({"khung": "?"}, "exactly one"),
    ],
)
def test_a_template_with_a_typo_is_refused(item, problem):
    with pytest.raises(forms.FormError, match=problem):
        forms.check_template({"form": "x", "version": "1", "title": "x", "items": [item]})


def test_the_birth_declaration_carries_the_answers_as_the_paper_writes_them():
    answers = valid_birth_answers()
    shown = values(forms.layout(forms.templates()["khai-sinh"], answers, CONTEXT))
    day = "/".join(reversed(answers["tre.ngay_sinh"].split("-")))
    for expected in (
        "Ủy ban nhân dân xã Văn Lăng, tỉnh Thái Nguyên",
        "Nguyễn Thị Lan",
        "Trần Minh An",
        day,
        "Nam",
        "Kinh",
        "Việt Nam",
        "Trạm Y tế xã Văn Lăng, xã Văn Lăng, tỉnh Thái Nguyên",
        answers["me.ngay_sinh"][:4],
        answers["cha.so_dinh_danh"],
        "Số 12, thôn Làng Mới, xã Văn Lăng, tỉnh Thái Nguyên",
    ):
        assert expected in shown, expected


def test_an_unanswered_line_is_left_blank_for_the_hand_never_half_written():
    answers = valid_birth_answers()
    del answers["cha.noi_cu_tru_dia_chi"]
    del answers["cha.noi_cu_tru_xa"]
    answers["tre.chu_dem"] = ""
    items = forms.layout(forms.templates()["khai-sinh"], answers, CONTEXT)
    father = [i for i in items if i["kind"] == "line" and i["cells"][0]["label"] == "Nơi cư trú"]
    assert father[-1]["cells"][0]["value"] == ""
    assert "Trần An" in values(items)


def test_the_signature_and_its_date_stay_blank():
    items = forms.layout(forms.templates()["khai-tu"], valid_death_answers(), CONTEXT)
    signature = next(i for i in items if i["kind"] == "signature")
    column = signature["columns"][0]
    assert column["date"] and column["role"] == "NGƯỜI YÊU CẦU"
    assert column["name"] == "Lê Văn Bình"  # printed under the blank the citizen signs


def test_the_time_of_death_is_written_in_hours_and_minutes():
    answers = valid_death_answers()
    shown = values(forms.layout(forms.templates()["khai-tu"], answers, CONTEXT))
    day = "/".join(reversed(answers["tu-vong.ngay_mat"].split("-")))
    assert f"08 giờ 30 phút, ngày {day}" in shown
    del answers["tu-vong.gio_mat"]
    shown = values(forms.layout(forms.templates()["khai-tu"], answers, CONTEXT))
    assert f"ngày {day}" in shown


def test_the_insurance_form_writes_the_childs_name_in_capitals():
    shown = values(forms.layout(forms.templates()["tk1-ts"], valid_birth_answers(), CONTEXT))
    assert "TRẦN MINH AN" in shown


def test_the_funeral_forms_name_who_receives_the_money():
    answers = valid_death_answers()
    answers.update({
        "nguoi-nhan-tien.nguoi_nhan": "nguoi-khac",
        "nguoi-nhan-tien.ho_ten": "Lê Thị Hoa",
        "nguoi-nhan-tien.quan_he": "con",
    })  # fmt: skip
    for form_id in ("tro-cap-mai-tang", "ho-tro-mai-tang"):
        shown = values(forms.layout(forms.templates()[form_id], answers, CONTEXT))
        assert "Lê Thị Hoa" in shown and "1234567890123" in shown, form_id


@pytest.mark.parametrize(
    "iso, words",
    [
        ("2026-03-27", "Ngày hai mươi bảy tháng ba năm hai nghìn không trăm hai mươi sáu"),
        ("2025-04-05", "Ngày mồng năm tháng tư năm hai nghìn không trăm hai mươi lăm"),
        ("2021-11-21", "Ngày hai mươi mốt tháng mười một năm hai nghìn không trăm hai mươi mốt"),
        ("2010-12-15", "Ngày mười lăm tháng mười hai năm hai nghìn không trăm mười"),
        ("2004-01-10", "Ngày mồng mười tháng một năm hai nghìn không trăm linh bốn"),
    ],
)
def test_the_birth_date_is_also_written_in_words(iso, words):
    assert forms.date_words(iso) == words


def test_the_print_id_changes_with_a_printed_answer_and_only_then():
    template = forms.templates()["khai-sinh"]
    answers = valid_birth_answers()
    first = forms.fingerprint(template, forms.layout(template, answers, CONTEXT), "k")
    answers["nhan-ket-qua.hinh_thuc"] = "tai-xa"  # not on this paper
    assert forms.fingerprint(template, forms.layout(template, answers, CONTEXT), "k") == first
    answers["tre.ten"] = "Bình"
    assert forms.fingerprint(template, forms.layout(template, answers, CONTEXT), "k") != first


def test_the_print_id_is_keyed_so_it_tells_nothing_without_the_secret():
    template = forms.templates()["khai-sinh"]
    items = forms.layout(template, valid_birth_answers(), CONTEXT)
    assert forms.fingerprint(template, items, "a") != forms.fingerprint(template, items, "b")
