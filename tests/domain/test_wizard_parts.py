"""The wizard shows "Phần k/4" (static/js/wizard.js PARTS) with no page total:
that promise holds only if every dossier has each of the four parts, the photo
part included, whatever is chosen and answered and whatever the province signs
electronically."""

from itertools import combinations

import pytest

from domain import validation
from domain.catalog import CATALOG
from tests.domain.sample_answers import valid_birth_answers, valid_death_answers

SAMPLES = {"khai-sinh": valid_birth_answers, "khai-tu": valid_death_answers}


def selections(group):
    optional = [p for p in group["procedures"] if p not in group["required"]]
    for size in range(len(optional) + 1):
        for extra in combinations(optional, size):
            chosen = [*group["required"], *extra]
            if validation.check_selection(group["id"], chosen) is None:
                yield chosen


def answer_variants(group_id):
    """The sample, and each radio or checkbox of the sample given its other values."""
    answers = SAMPLES[group_id]()
    yield answers
    for key in answers:
        field = validation.get_field(key)
        if field and field["type"] in ("radio", "checkbox"):
            values = (
                ["co", "khong"]
                if field["type"] == "checkbox"
                else [o["value"] for o in validation.field_options(field)]
            )
            for value in values:
                yield {**answers, key: value}


@pytest.mark.parametrize("group", CATALOG["groups"], ids=lambda g: g["id"])
def test_every_dossier_has_a_photo_to_take_even_with_electronic_declarations(group):
    for chosen in selections(group):
        for answers in answer_variants(group["id"]):
            photos = [
                a
                for a in validation.attachments_for(group["id"], chosen, answers)
                if not a.get("form")  # the declarations a province may sign electronically
            ]
            assert photos, (chosen, answers)
