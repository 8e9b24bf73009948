"""What a staffer searches and filters documents by (type, number, issuer, dates, periods), and the period
vocabulary ("quý II năm 2022", "6 tháng đầu năm", "các năm 2021, 2022") shared with questions.

Everything is read from the header and the opening of a document and matched on accent-folded, lower-cased
text, so the accent-stripped OCR file ("S6 244-KL/TU", "KET LUAN", "nim 2023") reads like the others.
A field the document does not state stays empty: nothing is guessed from the file name or the corpus.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date as _Date

from qa.ingest.locations import TextLocations
from qa.metadata.header import read_header, read_signature
from qa.metadata.issuer import Issuer, parse_body, tier_of
from qa.metadata.periods import NAM as _NAM
from qa.metadata.periods import YEAR as _YEAR
from qa.metadata.periods import Period, reviewed_and_planned
from qa.metadata.places import district, province
from qa.metadata.title import clean, find_type_line, intro, title_block, title_of
from qa.metadata.types import DOCUMENT_NUMBER, PARTY_CODES, STATE_CODES
from qa.text.headings import NUMBER, ROMAN, heading_level
from qa.text.numbers import is_roman
from qa.text.vietnamese import fold_lower

__all__ = ["DocumentMetadata", "extract_metadata"]

# ---------------------------------------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------------------
# Document metadata
# ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentMetadata:
    doc_type: str = ""
    """"Kết luận", "Nghị quyết", "Báo cáo", ... (always the accented form) or ""."""
    number: str = ""
    """As printed ("244-KL/TU"); "" when the document does not state its own number."""
    issuer: str = ""
    """The issuing body as a user names it: "Tỉnh ủy Quảng Ninh", "Hội đồng nhân dân tỉnh Bình Định"."""
    level: str = ""
    """Its level: "trung ương", "tỉnh", "thành phố trực thuộc trung ương", "thành phố thuộc tỉnh", "quận",
    "huyện", "thị xã", "xã", "phường", "thị trấn", "đặc khu", or ""."""
    parent: str = ""
    """The body printed above the issuer in the header ("Đảng bộ huyện Đông Anh", "Ủy ban nhân dân
    tỉnh X")."""
    province: str = ""
    """The province or centrally-run city the issuer belongs to ("" for central bodies or when unknown)."""
    signer: str = ""
    signer_position: str = ""
    """"Bí thư", "Phó Chủ tịch", "Chủ tịch Quốc hội", as signed."""
    authority: str = ""
    """"T/M", "TM.", "KT.", "TL." ... as printed before the position, "" when signed in one's own name."""
    signed_for: str = ""
    """What the authority is for, as printed: "BAN CHẤP HÀNH", "HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH"."""
    recipients: tuple[str, ...] = ()
    conference: str = ""
    """"Hội nghị lần thứ 7, khóa XVI" or ""."""
    date: str = ""
    """ISO date: the issue date when printed, else the meeting date."""
    meeting_date: str = ""
    title: str = ""
    reviews: tuple[Period, ...] = ()
    plans: tuple[Period, ...] = ()
    term: str = ""
    """"2020-2025" when the document is about a term (sơ kết giữa nhiệm kỳ, tổng kết nhiệm kỳ)."""
    locations: TextLocations | None = None
    """Where each page (PDF) or paragraph (DOCX) begins in the raw text, so a citation can name it."""
    restored_title: str = ""
    """The title in its machine-restored reading when the document lost its accents (set at index time)."""

    @property
    def period(self) -> Period | None:
        """The period the document is mainly for: what it plans, else what it reviews."""
        if self.plans:
            return self.plans[0]
        return self.reviews[0] if self.reviews else None

    @property
    def tier(self) -> str:
        """What a question can ask for: "trung ương", "tỉnh", "huyện" or "xã" ("" when unknown)."""
        return tier_of(self.level)

    @property
    def years(self) -> frozenset[int]:
        years = {p.year for p in self.reviews + self.plans}
        if not years and self.term:
            a, b = (int(x) for x in self.term.split("-"))
            years = set(range(a, b + 1))
        return frozenset(years)

    def to_json(self) -> dict:
        period = self.period
        return {
            "doc_type": self.doc_type, "number": self.number, "issuer": self.issuer, "level": self.level,
            "parent": self.parent, "province": self.province, "signer": self.signer,
            "signer_position": self.signer_position, "authority": self.authority,
            "signed_for": self.signed_for,
            "recipients": list(self.recipients),
            "conference": self.conference, "date": self.date, "meeting_date": self.meeting_date,
            "title": self.title, "reviews": [p.to_json() for p in self.reviews],
            "plans": [p.to_json() for p in self.plans], "term": self.term,
            "period": period.to_json() if period else None, "years": sorted(self.years),
        } | ({"locations": self.locations.to_json()} if self.locations is not None else {}) \
          | ({"restored_title": self.restored_title} if self.restored_title else {})

    @classmethod
    def from_json(cls, data: dict) -> DocumentMetadata:
        names = ("doc_type", "number", "issuer", "level", "parent", "province", "signer", "signer_position",
                 "authority", "signed_for", "conference", "date", "meeting_date", "title", "term",
                 "restored_title")
        return cls(**{n: data.get(n) or "" for n in names}, recipients=tuple(data.get("recipients") or ()),
                   reviews=tuple(Period.from_json(p) for p in data.get("reviews") or ()),
                   plans=tuple(Period.from_json(p) for p in data.get("plans") or ()),
                   locations=TextLocations.from_json(data["locations"]) if data.get("locations") else None)


# folded, lower-cased title word(s) -> accented display; number code -> the same type
_NUMBER = re.compile(rf"\b(?:s[o0-9]|số|sô|sỗ|sớ)\s*:?\s*({DOCUMENT_NUMBER})", re.IGNORECASE)
_DATE_WORDS = rf"ngay\s+(\d{{1,2}})\s+thang\s+(\d{{1,2}})\s+{_NAM}\s+({_YEAR})"
_DATE_NUM = rf"(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})\s*[/.-]\s*({_YEAR})(?![\w/])"
_PLACE_DATE = re.compile(rf"[a-z][a-z .'-]{{1,40}},\s*(?:{_DATE_WORDS}|ngay\s+{_DATE_NUM})")
_LEAD_DATE = re.compile(rf"^\s*(?:{_DATE_WORDS}|ngay\s+{_DATE_NUM})\s*,")
# The code after the slash of a Party number says the committee's tier (Hướng dẫn 36-HD/VPTW).
_CODE_TIER = {"tw": "trung ương", "tu": "tỉnh", "hu": "huyện", "qu": "quận"}
_MEETING = re.compile(
    rf"(?:\bhop|\bhoi nghi\b[^.;]{{0,160}}?\bvao)\s+(?:\w+\s+)?(?:{_DATE_WORDS}|ngay\s+{_DATE_NUM})")
_NUMWORD = r"(?:nhat|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi)"
_LAN_THU = rf"\b[l1i]an\s+th[a-z]{{1,2}}\s+(\d{{1,2}}|{_NUMWORD}(?:\s+{_NUMWORD}){{0,2}})\b"
_KHOA = r"\bkhoa\s+([ivxl]+(?:\s[ivxl]+)?)\b"
_CONFERENCE = re.compile(rf"\bhoi nghi\b[^.;()]{{0,80}}?{_LAN_THU}(?:[^.;()]{{0,100}}?{_KHOA})?")
_CONFERENCE_KHOA_FIRST = re.compile(rf"\bhoi nghi\b[^.;()]{{0,80}}?{_KHOA}[^.;()]{{0,40}}?{_LAN_THU}")
_TERM = re.compile(rf"\bnhiem ky\s+({_YEAR})\s*[-–]\s*({_YEAR})\b")
_TERM_SUBJECT = re.compile(r"\b(?:giua nhiem ky|nua nhiem ky|so ket|tong ket|toan khoa|ca nhiem ky)\b")
_CUTOFF = re.compile(
    rf"\bden\s+(?:het\s+)?(?:thang\s+(\d{{1,2}})\s+{_NAM}\s+|thang\s+(\d{{1,2}})\s*/\s*)({_YEAR})\b")
_SIGNATURE = re.compile(r"^\s*(?:t/m\b|noi nh[a-z]n\b)")



def extract_metadata(raw: str) -> DocumentMetadata:
    """The metadata a document states about itself, from its raw text as read; empty fields when unsure."""
    if not raw or not raw.strip():
        return DocumentMetadata()
    text = clean(unicodedata.normalize("NFC", raw))
    lines = text.split("\n")
    keys = [fold_lower(line) for line in lines]
    key_all = "\n".join(keys)

    type_at, doc_type = find_type_line(lines, keys)
    header = lines[:type_at] if type_at is not None else lines[:6]
    header_keys = keys[:type_at] if type_at is not None else keys[:6]
    title_lines, title_end = title_block(lines, type_at)
    title_text = " ".join(" ".join(line.split()) for line in title_lines)
    title_key = fold_lower(title_text)
    intro_text = intro(lines, title_end if type_at is not None else 0)
    intro_key = fold_lower(intro_text)

    head = read_header(header)
    number = ""
    for line in ([head.number_cell] if head.number_cell else []) + header:
        m = _NUMBER.search(line)
        if m:
            number = re.sub(r"\s+", "", m.group(1))
            break
    self_date = ""
    if doc_type:
        number_ref, self_date = _self_reference(text, key_all, doc_type)
        number = number or number_ref
    if not doc_type and number:
        doc_type = _type_from_number(number)

    issue_date = _issue_date([fold_lower(head.date_cell)] if head.date_cell else header_keys) \
        or _issue_date(header_keys) or _lead_date(intro_key) or _passed_date(key_all)
    meeting_date = _meeting_date(intro_key) or _meeting_date(title_key)

    signature = read_signature(lines)
    issuer = head.issuer or _issuer_from_text(title_key, intro_key, key_all)
    name = issuer.name if issuer else ""
    level = issuer.level if issuer else _level_from_number(number)

    date_year = int((issue_date or self_date or meeting_date or "0")[:4]) or None
    reviews, plans = _review_plan(title_key, intro_key, lines, keys, title_end, date_year)
    term = ""
    t = _TERM.search(title_key)
    if t and (_TERM_SUBJECT.search(title_key) or not (reviews or plans)):
        term = f"{t.group(1)}-{t.group(2)}"
        if _TERM_SUBJECT.search(title_key):
            reviews, plans = _term_periods(int(t.group(1)), int(t.group(2)), title_key, key_all)

    return DocumentMetadata(
        doc_type=doc_type, number=number, issuer=name, level=level,
        parent=head.parent.name if head.parent else "",
        province=(issuer.province if issuer else "") or _province_named(intro_key),
        signer=signature.signer, signer_position=signature.position, authority=signature.authority,
        signed_for=signature.on_behalf_of,
        recipients=signature.recipients,
        conference=_conference(title_key) or _conference(intro_key),
        date=issue_date or self_date or meeting_date, meeting_date=meeting_date,
        title=title_of(title_lines, doc_type) if doc_type else "",
        reviews=tuple(sorted(set(reviews))), plans=tuple(sorted(set(plans))), term=term)


def _self_reference(text: str, key_all: str, doc_type: str) -> tuple[str, str]:
    """"(ban hành kèm theo Nghị quyết số 02-NQ/QU, ngày 20/12/2021)": an annex naming its own document."""
    type_key = fold_lower(doc_type)
    m = re.search(rf"\bkem theo\s+{type_key}\s+(so)\s", key_all)
    if not m:
        return "", ""
    n = _NUMBER.match(text, m.start(1))
    if not n or _type_from_number(n.group(1)) not in ("", doc_type):
        return "", ""
    after = key_all[n.end():n.end() + 40]
    d = re.match(rf"\s*,?\s*ngay\s+{_DATE_NUM}", after)
    iso = _iso(d.group(3), d.group(2), d.group(1)) if d else ""
    return re.sub(r"\s+", "", n.group(1)), iso


def _type_from_number(number: str) -> str:
    """244-KL/TU -> Kết luận, 12-TT/TU -> Thông tri (Party); 15/NQ-HĐND -> Nghị quyết, 07/2025/TT-BVHTTDL ->
    Thông tư (state)."""
    k = fold_lower(number)
    m = re.match(r"\d+[a-z]?-([a-z]+)/", k)
    if m:
        return PARTY_CODES.get(m.group(1), "")
    m = re.match(r"\d+/(?:\d{4}/)?([a-z]+)-", k)
    return STATE_CODES.get(m.group(1), "") if m else ""


def _iso(year: str, month: str, day: str) -> str:
    try:
        return _Date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


def _issue_date(keys: list[str]) -> str:
    """"Hạ Long, ngày 14 tháng 11 năm 2016" or "Quy Nhơn, ngày 12/7/2023" in the header."""
    for k in keys:
        m = _PLACE_DATE.search(k)
        if m:
            d = (_iso(m.group(3), m.group(2), m.group(1)) if m.group(1)
                 else _iso(m.group(6), m.group(5), m.group(4)))
            if d:
                return d
    return ""


_PASSED = re.compile(rf"\bthong qua\s+{_DATE_WORDS}")


def _passed_date(key_all: str) -> str:
    """A law's date is the day the National Assembly passed it ("... thông qua ngày 20 tháng 11 năm 2024")."""
    found = list(_PASSED.finditer(key_all))
    return _iso(found[-1].group(3), found[-1].group(2), found[-1].group(1)) if found else ""


def _lead_date(intro_key: str) -> str:
    """"Ngày 14-11-2016, Ban Chấp hành Đảng bộ tỉnh ... đã ban hành ...": a date that opens the text."""
    m = _LEAD_DATE.search(intro_key)
    if not m:
        return ""
    return (_iso(m.group(3), m.group(2), m.group(1)) if m.group(1)
            else _iso(m.group(6), m.group(5), m.group(4)))


# With no header, the body that speaks in the title or the opening ("Hội nghị Thành ủy", "Ban Chấp hành
# Đảng bộ quận", "Đảng ủy xã ... kết luận"), and the unit words that name its own place in the text.
_SPEAKER = re.compile(r"\b(?:(?P<kind>tinh|thanh|quan|huyen|thi) uy"
                      r"|dang bo (?P<unit>thanh pho|tinh|quan|huyen|thi xa)"
                      r"|dang uy (?P<commune>xa|phuong|thi tran))\b")
_SPEAKER_UNIT = {"tinh": "tinh", "thanh": "thanh pho", "quan": "quan", "huyen": "huyen", "thi": "thi xa"}
_COMMITTEE_OF = {"tinh": "Tỉnh ủy", "thanh pho": "Thành ủy", "quan": "Quận ủy", "huyen": "Huyện ủy",
                 "thi xa": "Thị ủy"}


def _issuer_from_text(title_key: str, intro_key: str, key_all: str) -> Issuer | None:
    """The issuer of a document printed without its header: the committee its title or opening speaks as,
    placed by the place its text names most often after that unit word ("thành phố Hải Phòng")."""
    for key in (title_key, intro_key):
        m = _SPEAKER.search(key)
        if m:
            break
    else:
        return None
    if m.group("commune"):
        return None  # a commune is too small to be found in the place lists: say nothing rather than guess
    unit = _SPEAKER_UNIT.get(m.group("kind") or "", m.group("unit") or "")
    counts: dict[str, int] = {}
    for n in re.finditer(rf"\b{unit}\s+([a-z]+(?:\s[a-z]+){{0,2}})", key_all):
        words = n.group(1).split()
        for size in range(len(words), 0, -1):
            name = " ".join(words[:size])
            found = province(name) if unit in ("tinh", "thanh pho") else None
            found = found or district(name)
            if found and (unit != "tinh" or found.kind == "tỉnh"):
                counts[found.name] = counts.get(found.name, 0) + 1
                break
    if not counts:
        return Issuer(_COMMITTEE_OF[unit], "")
    place = max(counts, key=lambda k: counts[k])
    return parse_body(f"{_COMMITTEE_OF[unit]} {place}")


_PROVINCE_NAMED = re.compile(r"\b(?:tinh|thanh pho)\s+([a-z]+(?:\s[a-z]+){0,2})")


def _province_named(intro_key: str) -> str:
    """The province the opening names ("phường Tân An, thành phố Buôn Ma Thuột, tỉnh Đắk Lắk"), when the
    header did not say: the last one named, as an address ends with its province."""
    found = ""
    for m in _PROVINCE_NAMED.finditer(intro_key):
        words = m.group(1).split()
        for size in range(len(words), 0, -1):
            p = province(" ".join(words[:size]))
            if p:
                found = p.name
                break
    return found


def _level_from_number(number: str) -> str:
    """With no header to read, a Party number's code gives the committee's level: "/TW", "/TU", "/HU",
    "/QU"."""
    m = re.search(r"/([a-z]{2})\b", fold_lower(number))
    return _CODE_TIER.get(m.group(1), "") if m else ""


def _meeting_date(key: str) -> str:
    m = _MEETING.search(key)
    if not m:
        return ""
    if m.group(1):
        return _iso(m.group(3), m.group(2), m.group(1))
    return _iso(m.group(6), m.group(5), m.group(4))


def _number_word(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    units = {"nhat": 1, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6,
             "bay": 7, "tam": 8, "chin": 9}
    parts = word.split()
    if "muoi" in parts:
        i = parts.index("muoi")
        tens = units.get(parts[i - 1], 1) if i > 0 else 1
        rest = units.get(parts[i + 1], 0) if i + 1 < len(parts) else 0
        return tens * 10 + rest
    return units.get(parts[0])


def _conference(key: str) -> str:
    """"HỘI NGHỊ LẦN THỨ BẢY ... KHÓA VI" -> "Hội nghị lần thứ 7, khóa VI"."""
    m = _CONFERENCE.search(key)
    if m:
        n, khoa = m.group(1), m.group(2)
    else:
        m = _CONFERENCE_KHOA_FIRST.search(key)
        if not m:
            return ""
        khoa, n = m.group(1), m.group(2)
    number = _number_word(n)
    if not number:
        return ""
    if khoa:  # "khoa X VI" (OCR) is XVI, but "khóa XVI v ề" is XVI followed by a split "về"
        joined = khoa.replace(" ", "")
        khoa = joined if is_roman(joined) else khoa.split()[0]
    return f"Hội nghị lần thứ {number}" + (f", khóa {khoa.upper()}" if khoa else "")


def _review_plan(title_key: str, intro_key: str, lines: list[str], keys: list[str], body_start: int,
                 date_year: int | None) -> tuple[list[Period], list[Period]]:
    """What the document looks back on and what it sets tasks for, read from the words around each period:
    "kết quả thực hiện nhiệm vụ quý I" reviews, "nhiệm vụ, giải pháp trọng tâm quý II năm 2022" plans. The
    title and the opening paragraph speak first; top-level headings ("I. KẾT QUẢ ... NĂM 2021") fill in."""
    reviews: list[Period] = []
    plans: list[Period] = []
    for key in (title_key, intro_key):
        r, p = reviewed_and_planned(key, date_year)
        reviews += r
        plans += p
    if not reviews or not plans:
        years = {p.year for p in reviews + plans}
        default = min(years) if len(years) == 1 else date_year
        r_h: list[Period] = []
        p_h: list[Period] = []
        for line, k in zip(lines[body_start:], keys[body_start:]):
            if _SIGNATURE.match(k):
                break
            if heading_level(line) in (ROMAN, NUMBER):
                r, p = reviewed_and_planned(k, default)
                r_h += r
                p_h += p
        reviews = reviews or r_h
        plans = plans or p_h
    return reviews, plans


def _term_periods(a: int, b: int, title_key: str, key_all: str) -> tuple[list[Period], list[Period]]:
    """A term report reviews the term so far and plans the rest of it. The cut-off is the one the text
    states ("Số liệu tính từ đầu nhiệm kỳ đến tháng 6 năm 2023"); else the middle of the term."""
    if not re.search(r"\b(?:giua nhiem ky|nua nhiem ky|so ket)\b", title_key):
        return [Period(y) for y in range(a, b + 1)], []  # tổng kết: the whole term, nothing after it
    cut_year, cut_month = (a + b + 1) // 2, 12
    for m in _CUTOFF.finditer(key_all):
        y = int(m.group(3))
        if a <= y <= b:
            cut_year, cut_month = y, int(m.group(1) or m.group(2))
            break
    reviews = [Period(y) for y in range(a, cut_year)]
    if cut_month <= 3:
        reviews.append(Period(cut_year, quarter=1))
    elif cut_month <= 6:
        reviews.append(Period(cut_year, half=1))
    else:
        reviews.append(Period(cut_year))
    plans = [Period(cut_year, half=2)] if cut_month <= 6 else []
    plans += [Period(y) for y in range(cut_year + 1, b + 1)]
    return reviews, plans
