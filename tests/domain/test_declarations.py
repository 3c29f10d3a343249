"""Electronic declaration where the province allows it: the setting and its effect
on the papers asked for."""

import pytest

from domain import declarations, validation
from tests.domain.sample_answers import BIRTH_PROCEDURES, valid_birth_answers


def ids(attachments):
    return [a["id"] for a in attachments]


def test_by_default_every_signed_form_is_asked_for():
    pairs = declarations.parse("")
    assert declarations.electronic(pairs, 19, BIRTH_PROCEDURES) == []


@pytest.mark.parametrize(
    "setting, province, expected",
    [
        ("19:dang-ky-khai-sinh", 19, ["dang-ky-khai-sinh"]),
        ("19:dang-ky-khai-sinh", 20, []),
        ("*:cap-the-bhyt", 1, ["cap-the-bhyt"]),
        ("19:*", 19, ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]),
        (" 19 : dang-ky-khai-sinh ; 19:cap-the-bhyt ", 19, ["dang-ky-khai-sinh", "cap-the-bhyt"]),
        ("01:dang-ky-khai-sinh", 1, ["dang-ky-khai-sinh"]),
    ],
)
def test_the_setting_is_per_province_and_per_procedure(setting, province, expected):
    pairs = declarations.parse(setting)
    assert declarations.electronic(pairs, province, BIRTH_PROCEDURES) == expected


@pytest.mark.parametrize(
    "setting", ["dang-ky-khai-sinh", "19:khai-sinh", "tinh:dang-ky-khai-sinh", "19:xoa-thuong-tru"]
)
def test_a_mistyped_setting_is_refused(setting):
    # xoa-thuong-tru has no signed form: the setting can mean nothing there.
    with pytest.raises(ValueError, match="ELECTRONIC_DECLARATION"):
        declarations.parse(setting)


def test_an_electronic_declaration_drops_only_the_signed_form():
    answers = valid_birth_answers()
    asked = validation.attachments_for("khai-sinh", BIRTH_PROCEDURES, answers)
    electronic = validation.attachments_for(
        "khai-sinh", BIRTH_PROCEDURES, answers, electronic=["dang-ky-khai-sinh"]
    )
    assert "to-khai-khai-sinh" in ids(asked)
    assert ids(electronic) == [i for i in ids(asked) if i != "to-khai-khai-sinh"]
    assert "giay-chung-sinh" in ids(electronic)  # the hospital's paper is still needed
