"""Metadata of documents nobody tuned the rules on (tests/data/unseen: Party and state bodies of other
provinces, every level, a law, a decree, a circular): each field right on at least 95 % of them."""
from __future__ import annotations

import pytest

from qa.ingest.documents import load_file
from qa.text.vietnamese import fold_lower
from tests.unseen import UNSEEN_DIR, load_expected

FIELDS = {"doc_type": "doc_type", "number": "number", "date": "date", "issuer": "issuer", "level": "level",
          "place": "province", "signer": "signer", "signer_title": "signer_position",
          "authority": "authority", "parent": "parent"}


def _same(a: str, b: str) -> bool:
    return fold_lower(a).strip(" .") == fold_lower(b).strip(" .")


@pytest.fixture(scope="module")
def metadata():
    expected = load_expected()
    assert len(expected) >= 15, "the unseen tier is missing"
    return {f: (load_file(UNSEEN_DIR / f).metadata, e) for f, e in expected.items()}


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_is_right_on_95_percent(metadata, field: str) -> None:
    wrong = [(f, getattr(m, FIELDS[field]), e.get(field, "")) for f, (m, e) in metadata.items()
             if not _same(str(getattr(m, FIELDS[field])), str(e.get(field, "")))]
    assert len(wrong) <= 0.05 * len(metadata), wrong


def test_a_directive_that_cites_a_conclusion_keeps_its_own_type_and_number(metadata) -> None:
    m, _ = metadata["ct_thanh_uy_da_nang_pccc_2024.txt"]
    assert (m.doc_type, m.number) == ("Chỉ thị", "29-CT/TU")


def test_nine_months_and_quarters_are_their_own_periods(metadata) -> None:
    m, _ = metadata["bc_thanh_uy_can_tho_9thang_2023.txt"]
    assert [p.label for p in m.reviews] == ["9 tháng đầu năm 2023"]
    m, _ = metadata["bc_dang_uy_xa_tan_lap_quy1_2024.txt"]
    assert ([p.label for p in m.reviews], [p.label for p in m.plans]) == (["quý I/2024"], ["quý II/2024"])
