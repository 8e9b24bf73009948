"""What kind of answer a question asks for: a quantity, a date, a person, a place, a definition, yes or no,
a direction of change, or a fact the document states about itself (who signed it, its number, its date,
its issuer). The answer box must then show an item of that kind, or say that the documents do not.

Matched on the folded question, so "bao nhieu" typed without accents reads like "bao nhiêu".
"""
from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["Asks", "asks", "stance"]


class Asks(StrEnum):
    SIGNER = "signer"
    ISSUER = "issuer"
    NUMBER = "number"
    ISSUE_DATE = "issue_date"
    DIRECTION = "direction"
    QUANTITY = "quantity"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    YES_NO = "yes_no"
    DEFINITION = "definition"
    OTHER = "other"

    @property
    def from_metadata(self) -> bool:
        """Answered from what a document says about itself (header, signature block)."""
        return self in (Asks.SIGNER, Asks.ISSUER, Asks.NUMBER, Asks.ISSUE_DATE)

    @property
    def wants_item(self) -> bool:
        """An answer of this kind must hold an item of it (a figure, a date, a name)."""
        return self in (Asks.QUANTITY, Asks.DATE, Asks.PERSON)


# In order: the first that matches decides ("ai ký" is a signer before it is a person).
_PATTERNS: tuple[tuple[Asks, re.Pattern[str]], ...] = tuple((kind, re.compile(p)) for kind, p in (
    (Asks.SIGNER, r"\b(?:ai|nguoi nao|dong chi nao) (?:da )?ky\b|\bnguoi ky\b|\bky boi ai\b|\bdo ai ky\b"
                  r"|\bai la nguoi ky\b|\bky ban hanh\b.*\bai\b"),
    (Asks.ISSUER, r"\b(?:co quan|don vi|cap) nao ban hanh\b|\bdo (?:co quan|don vi) nao\b|\bai ban hanh\b"
                  r"|\bdo ai ban hanh\b|\bcua co quan nao\b"),
    (Asks.ISSUE_DATE, r"\bban hanh (?:vao )?(?:ngay nao|khi nao|luc nao|bao gio)\b|\bngay ban hanh\b"
                      r"|\b(?:ngay nao|khi nao) ban hanh\b"),
    (Asks.NUMBER, r"\bso hieu\b|\bso ky hieu\b|\bso may\b|\bmang so\b|\bky hieu (?:la )?gi\b"),
    (Asks.DIRECTION, r"\btang hay giam\b|\bgiam hay tang\b|\b(?:tang|giam) (?:the nao|ra sao)\b"
                     r"|\bbien dong (?:the nao|ra sao)\b"),
    (Asks.DATE, r"\bngay (?:nao|may)\b|\bkhi nao\b|\bbao gio\b|\b(?:thoi gian|thoi diem|luc) nao\b"),
    (Asks.QUANTITY, r"\bbao nhieu\b|(?<!nha )\bmay (?!moc)[a-z]+|\bphan tram\b|\bso luong\b"),
    (Asks.DATE, r"\b(?:thang|nam|quy) nao\b|\bthoi han\b|\bhan chot\b|\btu ngay\b.*\?$"),
    (Asks.PERSON, r"\bai\b|\bnguoi nao\b|\bdong chi nao\b|\bten (?:la )?gi\b"),
    (Asks.PLACE, r"\bo dau\b|\btai dau\b|\bnoi nao\b|\bcho nao\b|\b(?:dia diem|dia ban|dia phuong|xa|phuong"
                 r"|huyen|quan|tinh|thanh pho|khu(?: do thi)?|tuyen duong|duong|can cu|cang) nao\b"),
    (Asks.YES_NO, r"\b(?:co|phai|da|duoc)\b.+\b(?:khong|chua)\s*\??$|\bdung khong\b|\bcung ngay khong\b"),
    (Asks.DEFINITION, r"\bla gi\b|\bduoc hieu\b|\bgom (?:nhung )?gi\b|\bnhung gi\b|\bnoi dung gi\b"
                      r"|\bquy dinh gi\b|\bde cap (?:den )?(?:noi dung )?gi\b"),
))


def asks(folded: str) -> Asks:
    """The kind of answer a (folded, lower-cased) question asks for."""
    for kind, pattern in _PATTERNS:
        if pattern.search(folded):
            return kind
    return Asks.OTHER


# A figure set as a target ("chỉ tiêu", "mục tiêu", "phấn đấu") or one achieved ("kết quả", "thực tế", "đạt
# được"): a question about the 2023 target is not answered by the 2023 result, nor the other way round.
# "Kế hoạch" and "dự toán" are left out: a result is measured against them ("bằng 58% dự toán").
_PLANNED = re.compile(r"\b(?:chi tieu|muc tieu|phan dau|dat ra|de ra|du kien)\b")
_ACHIEVED = re.compile(r"\b(?:ket qua|thuc te|dat duoc|da dat|uoc dat|thuc hien duoc|ket thuc)\b")


def stance(folded: str) -> str:
    """"plan" when the question asks for a target, "review" for a result, "" when it says neither or both."""
    planned, achieved = bool(_PLANNED.search(folded)), bool(_ACHIEVED.search(folded))
    return "plan" if planned and not achieved else "review" if achieved and not planned else ""
