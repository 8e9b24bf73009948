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
from functools import lru_cache
from qa.ingest.locations import TextLocations
from qa.metadata.periods import NAM as _NAM, YEAR as _YEAR, Period, reviewed_and_planned
from qa.text.headings import NUMBER, ROMAN, heading_level
from qa.text.numbers import is_roman
from qa.text.vietnamese import fold_lower

__all__ = ["DocumentMetadata", "extract_metadata"]

# ---------------------------------------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _lower_char(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


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
    level: str = ""
    """"thành phố", "quận", "huyện" or ""."""
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
            "conference": self.conference, "date": self.date, "meeting_date": self.meeting_date,
            "title": self.title, "reviews": [p.to_json() for p in self.reviews],
            "plans": [p.to_json() for p in self.plans], "term": self.term,
            "period": period.to_json() if period else None, "years": sorted(self.years),
        } | ({"locations": self.locations.to_json()} if self.locations is not None else {}) \
          | ({"restored_title": self.restored_title} if self.restored_title else {})

    @classmethod
    def from_json(cls, data: dict) -> DocumentMetadata:
        names = ("doc_type", "number", "issuer", "level", "conference", "date", "meeting_date", "title",
                 "term", "restored_title")
        return cls(**{n: data.get(n) or "" for n in names},
                   reviews=tuple(Period.from_json(p) for p in data.get("reviews") or ()),
                   plans=tuple(Period.from_json(p) for p in data.get("plans") or ()),
                   locations=TextLocations.from_json(data["locations"]) if data.get("locations") else None)


# folded, lower-cased title word(s) -> accented display; number code -> the same type
_TYPES = {
    "ket luan": "Kết luận", "nghi quyet": "Nghị quyết", "bao cao": "Báo cáo", "chi thi": "Chỉ thị",
    "ke hoach": "Kế hoạch", "quy dinh": "Quy định", "thong bao": "Thông báo", "quyet dinh": "Quyết định",
    "chuong trinh": "Chương trình", "thong tri": "Thông tri", "quy che": "Quy chế", "huong dan": "Hướng dẫn",
    "to trinh": "Tờ trình",
}
_TYPE_CODES = {
    "kl": "Kết luận", "nq": "Nghị quyết", "bc": "Báo cáo", "ct": "Chỉ thị", "kh": "Kế hoạch",
    "qdi": "Quy định", "tb": "Thông báo", "qd": "Quyết định", "ctr": "Chương trình", "tt": "Thông tri",
    "qc": "Quy chế", "hd": "Hướng dẫn", "ttr": "Tờ trình",
}
# Hải Phòng's own places, so an accent-free OCR header still names its issuer the usual way.
_PLACES = {
    fold_lower(p): p for p in (
        "Hải Phòng", "Hồng Bàng", "Ngô Quyền", "Lê Chân", "Hải An", "Kiến An", "Đồ Sơn", "Dương Kinh",
        "Thủy Nguyên", "An Dương", "An Lão", "Kiến Thụy", "Tiên Lãng", "Vĩnh Bảo", "Cát Hải", "Bạch Long Vĩ")
}
_LEVEL_OF = {"thanh": "thành phố", "quan": "quận", "huyen": "huyện"}
_COMMITTEE = {"thành phố": "Thành ủy", "quận": "Quận ủy", "huyện": "Huyện ủy"}
_CODE_LEVEL = {"tu": "thành phố", "qu": "quận", "hu": "huyện"}

_NUMBER = re.compile(
    r"\b(?:s[o0-9]|số|sô|sỗ|sớ)\s*:?\s*"
    r"(\d{1,5}[a-z]?\s*-\s*[A-ZĐ][A-Za-zĐđ]{0,4}\s*/\s*[A-ZĐ][A-ZĐa-z]{0,5}"  # party style: 244-KL/TU
    # state style: 15/NQ-HĐND
    r"|\d{1,5}\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐ][A-ZĐa-z]{0,4}\s*-\s*[A-ZĐ][A-ZĐ]{1,6})",
    re.IGNORECASE)
_DATE_WORDS = rf"ngay\s+(\d{{1,2}})\s+thang\s+(\d{{1,2}})\s+{_NAM}\s+({_YEAR})"
_DATE_NUM = rf"(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})\s*[/.-]\s*({_YEAR})(?![\w/])"
_PLACE_DATE = re.compile(rf"[a-z][a-z ]{{1,30}},\s*{_DATE_WORDS}")
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
# Proper nouns to capitalise again once an all-caps title line is lower-cased (1 = capitalise that word).
_PROPER = [(re.compile(rf"\b{re.escape(fold_lower(p))}\b"), [w[0].isupper() for w in p.split()]) for p in (
    "Hội nghị", "Thành ủy", "Quận ủy", "Huyện ủy", "Ban Chấp hành", "Ban Thường vụ", "Đảng bộ", "Đảng ủy",
    "Thường trực", "Đại hội", "Trung ương", "Bộ Chính trị", "Ban Bí thư", "Quốc hội", "Chính phủ",
    "Hội đồng nhân dân", "Ủy ban nhân dân", "Mặt trận Tổ quốc", "Nhân dân", "xây dựng Đảng", "của Đảng",
    "Đảng Cộng sản Việt Nam", *_PLACES.values())]
_ROMAN_AFTER = re.compile(r"\b(?:khoa|qu[yi]|dai hoi|phan|tap|lan thu)\s+([ivxl]+)\b")


def extract_metadata(raw: str) -> DocumentMetadata:
    """The metadata a document states about itself, from its raw text as read; empty fields when unsure."""
    if not raw or not raw.strip():
        return DocumentMetadata()
    text = _clean(unicodedata.normalize("NFC", raw))
    lines = text.split("\n")
    keys = [fold_lower(line) for line in lines]
    key_all = "\n".join(keys)

    type_at, doc_type = _find_type_line(lines, keys)
    header = lines[:type_at] if type_at is not None else lines[:6]
    header_keys = keys[:type_at] if type_at is not None else keys[:6]
    title_lines, title_end = _title_block(lines, type_at)
    title_text = " ".join(" ".join(line.split()) for line in title_lines)
    title_key = fold_lower(title_text)
    intro = _intro(lines, title_end if type_at is not None else 0)
    intro_key = fold_lower(intro)

    number = ""
    for line in header:
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

    issue_date = ""
    for k in header_keys:
        m = _PLACE_DATE.search(k)
        if m and (issue_date := _iso(m.group(3), m.group(2), m.group(1))):
            break
    meeting_date = _meeting_date(intro_key) or _meeting_date(title_key)

    level, place, body = _issuer(header_keys, header, title_key, intro_key, key_all, text, number)
    issuer = ""
    if body:
        issuer = body
    elif level:
        issuer = f"{_COMMITTEE[level]} {place}".strip()
        if any(re.match(r"\s*t/m\s+ban thuong vu\b", k) for k in keys):
            issuer = f"Ban Thường vụ {issuer}"

    date_year = int((issue_date or self_date or meeting_date or "0")[:4]) or None
    reviews, plans = _review_plan(title_key, intro_key, lines, keys, title_end, date_year)
    term = ""
    t = _TERM.search(title_key)
    if t and (_TERM_SUBJECT.search(title_key) or not (reviews or plans)):
        term = f"{t.group(1)}-{t.group(2)}"
        if _TERM_SUBJECT.search(title_key):
            reviews, plans = _term_periods(int(t.group(1)), int(t.group(2)), title_key, key_all)

    return DocumentMetadata(
        doc_type=doc_type, number=number, issuer=issuer, level=level,
        conference=_conference(title_key) or _conference(intro_key),
        date=issue_date or self_date or meeting_date, meeting_date=meeting_date,
        title=_title(title_lines, doc_type) if doc_type else "",
        reviews=tuple(sorted(set(reviews))), plans=tuple(sorted(set(plans))), term=term)


def _clean(text: str) -> str:
    """Markdown and HTML left by converters, removed so header lines read as printed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"\*{4}", "\n", text)  # "**KẾT LUẬN****HỘI NGHỊ ...": two bold lines run together
    text = re.sub(r"<sup>.*?</sup>", "", text, flags=re.S)
    text = re.sub(r"<[^>\n]{1,40}>", "", text)
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s*", "", text)
    return text.replace("*", "").replace("\\", "")


def _is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _find_type_line(lines: list[str], keys: list[str]) -> tuple[int | None, str]:
    """The all-caps "KẾT LUẬN" / "NGHỊ QUYẾT" / "BÁO CÁO" line that starts the title block."""
    seen = 0
    for i, (line, k) in enumerate(zip(lines, keys)):
        s, ks = line.strip(), k.strip()
        if not s:
            continue
        seen += 1
        if seen > 15:
            break
        for word, display in _TYPES.items():
            if (ks == word or ks.startswith(word + " ")) and _is_upper(s[:len(word)]) \
                    and (ks == word or _is_upper(s)):
                return i, display
    return None, ""


def _title_block(lines: list[str], type_at: int | None) -> tuple[list[str], int]:
    """The type line and the caps / lower-case-subtitle lines under it; stops at the first body paragraph."""
    if type_at is None:
        return [], 0
    block = [lines[type_at]]
    subtitle = False
    i = type_at + 1
    while i < len(lines) and i < type_at + 20 and sum(map(len, block)) < 700:
        s = lines[i].strip()
        if not s:
            subtitle = False
        elif re.fullmatch(r"[-_=*]{3,}", s):
            break
        elif subtitle or _is_upper(s) or s[0].islower():
            subtitle = subtitle or s[0].islower() or not _is_upper(s)
            block.append(s)
        else:
            break
        i += 1
    return block, i


def _intro(lines: list[str], start: int) -> str:
    """The first body paragraph: where a document says which meeting it comes from and what it is for."""
    i = start
    while i < len(lines) and (not lines[i].strip() or re.fullmatch(r"\s*[-_=*]{3,}\s*", lines[i])):
        i += 1
    para: list[str] = []
    while i < len(lines) and lines[i].strip() and len(para) < 30:
        para.append(lines[i].strip())
        i += 1
    return "\n".join(para)


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
    """244-KL/TU -> Kết luận; 15/NQ-HĐND -> Nghị quyết."""
    k = fold_lower(number)
    m = re.match(r"\d+[a-z]?-([a-z]+)/", k) or re.match(r"\d+/(?:\d{4}/)?([a-z]+)-", k)
    return _TYPE_CODES.get(m.group(1), "") if m else ""


def _iso(year: str, month: str, day: str) -> str:
    try:
        return _Date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


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


def _issuer(header_keys: list[str], header: list[str], title_key: str, intro_key: str, key_all: str,
            text: str, number: str) -> tuple[str, str, str]:
    """(level, place, body name when it is not a party committee) from the header, the number, the title."""
    for k, line in zip(header_keys, header):
        if not _is_upper(line):
            continue
        m = re.search(r"\b(thanh|quan|huyen)\s+uy\b(?:\s+(.+?))??\s*(?:\b[dp]ang\s+cong\s+san\b|$)", k)
        if m:
            level = _LEVEL_OF[m.group(1)]
            place = _place(line[m.start(2):m.end(2)]) if m.group(2) else ""
            if not place and level == "thành phố" and "hai phong" in key_all:
                place = "Hải Phòng"
            return level, place, ""
        m = re.search(r"\b(uy ban nhan dan|hoi dong nhan dan)\s+(thanh pho|quan|huyen)\s+(.+?)\s*"
                      r"(?:\bcong hoa\b|$)", k)
        if m:
            level = {"thanh pho": "thành phố", "quan": "quận", "huyen": "huyện"}[m.group(2)]
            body = "Ủy ban nhân dân" if m.group(1).startswith("uy") else "Hội đồng nhân dân"
            return level, "", f"{body} {level} {_place(line[m.start(3):m.end(3)])}".strip()
    level = ""
    code = re.search(r"/([a-z]{2})\b", fold_lower(number))
    if code:
        level = _CODE_LEVEL.get(code.group(1), "")
    if not level:
        for k in (title_key, intro_key):
            hits = [(m.start(), _LEVEL_OF[m.group(1) or m.group(2)]) for m in re.finditer(
                r"\b(?:(thanh|quan|huyen)\s+uy|dang bo\s+(thanh|quan|huyen))\b", k)]
            if hits:
                level = min(hits)[1]
                break
    if not level:
        return "", "", ""
    if level == "thành phố":
        place = "Hải Phòng" if "hai phong" in key_all else ""
    else:
        word = "quan" if level == "quận" else "huyen"
        counts: dict[str, int] = {}
        for pk, name in _PLACES.items():
            if pk != "hai phong":
                counts[name] = len(re.findall(rf"\b{word}\s+{pk}\b", key_all))
        place = max(counts, key=counts.get) if counts and max(counts.values()) else ""
        if not place:
            unit = "quận" if level == "quận" else "huyện"
            named = re.findall(rf"\b{unit}\s+([A-ZĐ]\w+(?:\s+[A-ZĐ]\w+)?)", text)
            named = [n for n in named if not re.fullmatch(r"Ủy|Uỷ|U[ỷy]", n.split()[0])]
            place = max(set(named), key=named.count) if named else ""
    return level, place, ""


def _place(printed: str) -> str:
    printed = " ".join(printed.split()).strip(" ,.-")
    return _PLACES.get(fold_lower(printed)) or " ".join(w[:1].upper() + w[1:].lower() for w in printed.split())


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


def _title(block: list[str], doc_type: str) -> str:
    """The title block as one sentence-case line: caps lines lowered, proper nouns and numerals restored,
    OCR splits in the subtitle mended ("v ề" -> "về", "Quý H" -> "quý II")."""
    parts = []
    for line in block:
        line = " ".join(line.split())
        parts.append("".join(_lower_char(c) for c in line) if _is_upper(line) else line)
    s = " ".join(parts).strip(" ,;:")
    s = re.sub(r"\b([bcdđghklmnpqrstvx]) (?=[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
               r"ùúủũụừứửữựỳýỷỹỵ])", r"\1", s)
    k = fold_lower(s)
    chars = list(s)
    for m in re.finditer(r"\bqu[yi]\s+(h|n|ll|il)\b", k):
        chars[m.start(1):m.end(1)] = ["\0"] * (m.end(1) - m.start(1))
        chars[m.start(1)] = "II"
    for m in re.finditer(r"\bqu[yi]\s+(?:[ivx]+|[1-4]|h|n|ll|il)\b", k):
        chars[m.start()] = "q"
    for pat, mask in _PROPER:
        for m in pat.finditer(k):
            pos = m.start()
            for word, cap in zip(k[m.start():m.end()].split(" "), mask):
                if cap:
                    chars[pos] = chars[pos].upper()
                pos += len(word) + 1
    for m in _ROMAN_AFTER.finditer(k):
        for i in range(m.start(1), m.end(1)):
            chars[i] = chars[i].upper()
    s = "".join(c for c in chars if c != "\0")
    s = " ".join(s.split())
    return s[:1].upper() + s[1:] if s else ""
