"""Clean a document's raw text for display and search while keeping an exact map back to the raw file.

The seed documents come from two sources: markdown conversions (bold/heading marks, ``<sup>N</sup>``
footnotes, page breaks that split sentences) and OCR (hard line wraps, misread diacritics, digits for
letters). Everything downstream (chunking, BM25, the dense model, citations) wants the author's text, one
paragraph per line; a citation must still point at the exact bytes of the raw file. So every pass here works
on a *mapped string*: text plus, for each character, the raw range it came from.

Three layers, each small and pure:

* character rules (NFC, Ð, tone-mark convention, markdown marks, OCR repair, whitespace), shared by
  :func:`normalize_document` and :func:`normalize_fragment`;
* line/block rules (page numbers, separators, footnote blocks, joining wrapped lines and page breaks),
  used by :func:`normalize_document` only;
* a Vietnamese syllable model (which spellings can be a syllable at all, and which are common in
  administrative text), used to decide OCR repairs by general rules instead of per-file word tables.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
import re
import unicodedata
from dataclasses import dataclass, field

from qa.text.vietnamese import (OLD_TONE_RE, canonical_tones, fold, move_tone,
                                 valid_folded, valid_syllable)

__all__ = ["Footnote", "NormalizedText", "normalize_document", "normalize_fragment"]


# --------------------------------------------------------------------------------------------------
# Public data classes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Footnote:
    """A footnote block cut out of the running text."""

    label: str
    text: str
    spans: tuple[tuple[int, int], ...]


@dataclass
class NormalizedText:
    """Normalised text of one document and the map from each of its characters back to the raw text."""

    raw: str
    text: str
    starts: array
    """Raw offset where each character of `text` begins (array of int32)."""
    ends: array
    footnotes: list[Footnote] = field(default_factory=list)
    footnote_refs: list[tuple[int, str]] = field(default_factory=list)
    cuts: list[tuple[int, int]] = field(default_factory=list)

    def raw_spans(self, a: int, b: int) -> list[tuple[int, int]]:
        """Raw [start, end) ranges that ``text[a:b]`` came from.

        One range from the first to the last character, split around every cut inside it, so a chunk
        joined across a page break or a footnote block never claims the footnote block. Whitespace at the
        ends of each range is left out and empty ranges are dropped.
        """
        a, b = max(a, 0), min(b, len(self.text))
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and self.text[b - 1].isspace():
            b -= 1
        if a >= b:
            return []
        lo, hi = self.starts[a], max(self.ends[a:b])
        pieces: list[tuple[int, int]] = []
        pos = lo
        i = bisect.bisect_right(self.cuts, (lo, float("inf"))) - 1
        i = max(i, 0)
        for cs, ce in self.cuts[i:]:
            if cs >= hi:
                break
            if ce <= pos:
                continue
            if cs > pos:
                pieces.append((pos, cs))
            pos = max(pos, ce)
        if pos < hi:
            pieces.append((pos, hi))
        return [p for p in (_trim_range(self.raw, s, e) for s, e in pieces) if p[0] < p[1]]


def _trim_range(raw: str, s: int, e: int) -> tuple[int, int]:
    while s < e and raw[s].isspace():
        s += 1
    while e > s and raw[e - 1].isspace():
        e -= 1
    return s, e


# Common syllables of administrative Vietnamese, accent-folded, roughly most frequent first. Used only to
# rank the candidate readings of an OCR-damaged token (s6 -> "so", ndm -> "nam" rather than "nom"); a
# candidate must also be a valid syllable. General vocabulary, not words picked from any one document.
_COMMON_SYLLABLES = """
va cac cua dang trong thanh pho nhan dan chi dao cong tac xay dung dang hoi nghi quyet phat trien kinh te xa
thuc hien nhiem vu tinh hinh quan ly tren dia ban nam quy toan bo chap hanh thuong uy lanh tap trung bao
dam can tiep tuc giai phap chinh tri quoc phong an ninh doi ngoai ket qua dau tu nguon von ngan sach thu
chuong trinh ke hoach so voi cung ky tang truong dat duoc mot nhung da co khong chua con de ra sau khi xem
xet thao luan noi theo che lam viec lan khoa tai ngay thang ho minh viet hai tuong duc cach hoc to chuc
vien dai hieu nang cao chat luong ve cho la nhu tao nhat dong nhieu hon moi nay den hop tham gia nhan dan
muc tieu chu cap huyen xa phuong thi tran don vi co quan doan the hoi dong uy ban mat tran nha nuoc cu
nhat la tiep nhan dien tich luc luong dich benh covid dau tranh ton giao van hoa y te giao duc dao tao
khoa hoc cong nghe thong tin so hoa chuyen doi dien tu hanh chinh thu tuc cai cach ky luat cuong kiem tra
giam sat tieu cuc tham nhung lang phi phong chong toi pham trat tu an toan giao thong do thi nong thon
moi kieu mau xay dung ha tang cang bien logistics du lich thuong mai dich vu cong nghiep san xuat xuat
khau nhap khau kim ngach gia tri tang truong ty le phan tram ty dong trieu nghin so sanh cung ky thuc
te ke hoach de ra dat vuot hoan thanh hoan thien tien do giai ngan giai phong mat bang tai nguyen moi
truong dat dai quy hoach khu cum trung tam thanh lap sap xep kien toan bo may bien che can bo cong chuc
vien chuc lao dong viec lam an sinh xa hoi ngheo can ngheo nguoi co cong chinh sach ho tro nha o tai
dinh cu nhu cau uu tien dong bo quyet liet kip thoi chu dong linh hoat sang tao hieu qua thiet thuc ro
net ton tai han che khuyet diem nguyen nhan khach quan chu quan bai hoc kinh nghiem danh gia so ket tong
ket kiem diem phe binh tu phe binh doan ket thong nhat dan chu tap the ca nhan phu trach nguoi dung dau
guong mau neu guong dao duc loi song suy thoai tu dien bien tu chuyen hoa chi thi ket luan quy dinh quy
che thong tri thong bao huong dan ban hanh trien khai quan triet tuyen truyen hoc tap lam theo tu tuong
phong cach ho chi minh bac dang vien chi bo dang bo to chuc co so dang uy quan uy huyen uy thanh uy
tinh uy bi thu pho bi thu thuong truc thuong vu chap hanh trung uong bo chinh tri ban bi thu chinh phu
quoc hoi thu tuong bo nganh dia phuong don vi doanh nghiep hop tac xa ho gia dinh tre em phu nu thanh
nien cuu chien binh nong dan cong nhan tri thuc doanh nhan
duoi tren giua truoc sau ben ngoai trong cung voi cho boi vi nen do neu thi ma nhung hay hoac con ca
tat moi tung nhieu it hon nhat rat qua lai van cung dang se da vua moi tung chua khong chang ai gi nao
dau sao bao nhieu the nay kia ay do day kia nhu the
ba bac bach bai banh bat bay be ben benh bi bien biet bieu binh boc boi bon bong bua bui buoc buoi
ca cai cam cang canh cat cau cay coi cot cua cuc cung cuoc cuoi cuu
cha chac chan chang chanh chao chat chau chay chia chien chieu chiu choi chon chong chua chuan chung
chuyen chut
dac dam dan dao dap dau day dem deu dia dich dien dieu dinh do doan doc don du dua duc duoi duy
em gan gang gap giai giam gian giang giao giap giat gioi gio giu giua gin ghi go goc gop gom gui gi
ha hac ham han hang hanh hao hap hat hau hay he het hien hiep hieu hinh hoa hoac hoan hoang hoat hoi
hom hong hop hu hua hung huong huu huy huyen
kem kien kiem kieu kinh kha khac khach khai kham khan khang khao khap khau khia khien khich khieu kho
khoan khoang khoe khoi khong khu khung khuyen khuyet
lac lai lan lang lanh lap lau le len lenh lich lien liet lieu linh lo loai loi lon long loc lu lua
luan luat luc luong luu luy luyen
ma mac mai man mang manh mat mau may men mien minh mo moc mon mong mot mua muc mung muon muoi
na nai nan nang nao nay nen neu ngan nganh ngheo nghe nghia nghiem nghien nghiep nghin ngo ngoai ngu
nguoi nguon nguy nguyen nha nhan nhanh nhat nhau nhe nhi nhieu nhiet nhin nhu nhung no noi nong nu
nua nuoc
oi on ong
pha phai pham phan phap phat phe phi phia phien phieu pho phoi phong phu phuc phuong
quan quang quay que quoc quy quyen quyet
ra rang rat re rieng ro rong rung rut
sach sai san sang sao sat sau se sinh so soat son song su sua suat suc sung suot suy
ta tac tai tam tan tang tao tap tat tay te ten tet thac thai tham than thang thanh thao thap that
thay the them then theo thi thich thien thiet thieu tho thoai thoi thong thu thua thuan thuat thuc
thue thuoc thuong thuy thuyet tich tien tiep tiet tieu tin tinh to toa toan toc toi ton tong tot
tra trach trai tram tran trang tranh trao trat tre tren tri trien trinh tro trong tru trung truoc
truong truyen tu tua tuc tue tung tuong tuy tuyen
ung uong uu uy
vai van vang vao vat ve ven vi vien viec viet vinh vo voi von vong vu vua vuc vung vuot vuon vui vuong
xac xay xe xem xet xin xu xuan xuat xung xuyen
nhien duong yeu cham anh hut muu dut duyet dot di bam kheo giup me keo bau niem gay nap uoc nham tiem
xuc luot chot ngua buc sac com luoc luon giay som tuan bu xanh khe lop hiem ran lui soc kep vanh tim
nhay rao yen tuoi tau mui nhon am sot lung vay giac truy sy ngoi huan goi nui khanh soan nep thoang mao
nuoi ngao phep nhom mam non ga khuc rai sieu kin thau xuong khat ngung thach rap khuon bung nga chuoi
but tron nho ngam nut treo ngoc vac cuon dip lien thoat nuoc dan xin gop gui giam kip lang dich ung
ngu nghiep giu vung biet dan gan long bac dong ngay dao kiet hut
"""
_COMMON_RANK: dict[str, int] = {}
for _w in _COMMON_SYLLABLES.split():
    _COMMON_RANK.setdefault(_w, len(_COMMON_RANK))


# Word pairs that are unambiguous in administrative text, written correctly. An OCR pair that folds to
# one of these but carries other diacritics (kiếm soát, tố chức, phù họp, cao hon) is replaced by it.
# Only pairs whose misspelled twins are not words of their own in this register belong here.
_LEXICON_PAIRS = """
xây dựng|phát triển|kinh tế|xã hội|chính trị|quốc phòng|an ninh|đối ngoại|thành phố|thành ủy|
thường vụ|thường trực|chấp hành|đảng bộ|đảng viên|cán bộ|tổ chức|kiểm tra|giám sát|kỷ luật|kỷ cương|
lãnh đạo|chỉ đạo|điều hành|nhiệm vụ|giải pháp|trọng tâm|trọng điểm|kết quả|kết luận|nghị quyết|
chương trình|kế hoạch|thực hiện|triển khai|tập trung|tiếp tục|bảo đảm|đảm bảo|nâng cao|chất lượng|
hiệu quả|đẩy mạnh|mạnh mẽ|tăng cường|kiểm soát|phù hợp|đô thị|nông thôn|kiểu mẫu|văn hóa|văn phòng|
y tế|giáo dục|đào tạo|dịch bệnh|tham nhũng|tiêu cực|lãng phí|hành chính|thủ tục|cải cách|chuyển đổi|
đổi mới|ngân sách|nhà nước|đầu tư|công nghiệp|dịch vụ|du lịch|thương mại|cảng biển|hạ tầng|giao thông|
công trình|dự án|tiến độ|giải ngân|giải phóng|mặt bằng|tài nguyên|môi trường|đất đai|quy hoạch|địa bàn|
trên địa|nhân dân|vận động|mặt trận|tổ quốc|đoàn thể|ủy viên|ủy ban|cấp ủy|quận ủy|huyện ủy|đảng ủy|
đảng đoàn|bí thư|hội nghị|hội đồng|đại hội|đại biểu|quốc hội|chính phủ|trung ương|nhiệm kỳ|hạn chế|
chủ yếu|dứt điểm|bổ sung|không để|nơi nhận|cao hơn|hơn nữa|đối với|tiến tới|hiện đại|đại hóa|
chỉnh trang|tình hình|tình huống|hoàn thành|hoàn thiện|nghiêm túc|chưa nghiêm|thực tiễn|sản xuất|
sản phẩm|xuất khẩu|nhập khẩu|kim ngạch|tăng trưởng|ước đạt|ước tăng|hàng hóa|qua cảng|cảng hàng|
hàng không|tuyến đường|an sinh|an toàn|trật tự|vững chắc|giữ vững|ổn định|khắc phục|tồn tại|khó khăn|
vướng mắc|tháo gỡ|đồng bộ|toàn diện|quyết liệt|kịp thời|chủ động|sáng tạo|quyết tâm|nỗ lực|thời gian|
thời cơ|thuận lợi|công tác|công nghệ|thông tin|nông nghiệp|thủy sản|lâm nghiệp|xuất nhập|nguồn thu|
thu hút|nguồn lực|vốn đầu|thị trường|doanh nghiệp|hợp tác|khu công|cụm công|phê duyệt|thủ tướng|
bầu cử|dân chủ|đoàn kết|thống nhất|tư tưởng|đạo đức|lối sống|học tập|quán triệt|tuyên truyền|
trách nhiệm|người đứng|đứng đầu|nêu gương|chính quyền|chính sách|người có|có công|người nghèo|
hộ nghèo|nhà ở|tái định|định cư|chung cư|công viên|chiếu sáng|sửa chữa|nâng cấp|cải tạo|khởi công|
vắc xin|tiêm phòng|phòng chống|chống dịch|diễn biến|tai nạn|vi phạm|xử lý|khiếu nại|tố cáo|đơn thư|
nội chính|tư pháp|luân chuyển|quy định|quy chế|làm việc|kiện toàn|sắp xếp|bộ máy|biên chế|
tháng tư|quý một|năm nay|thành công|tích cực|nổi bật|to lớn|vượt qua|đáp ứng|yêu cầu|dân số|
lao động|việc làm|bảo hiểm|gia đình|thương binh|liệt sĩ|cựu chiến|chiến binh|thanh niên|phụ nữ|
nông dân|công đoàn|báo cáo|tờ trình|kế toán|tài chính|tài sản|kiểm toán|thanh tra|hệ thống|góp phần|
hội nhập|quốc tế|mục tiêu|chỉ tiêu|nhiệm vụ|phương thức|phương châm|tiến hành|điều chỉnh|trung hạn|
"""
_LEXICON: dict[str, str] = {}
for _p in _LEXICON_PAIRS.replace("\n", "").split("|"):
    _p = canonical_tones(unicodedata.normalize("NFC", _p.strip()))
    if " " in _p:
        _LEXICON.setdefault(fold(_p).lower(), _p)


# --------------------------------------------------------------------------------------------------
# Mapped string
# --------------------------------------------------------------------------------------------------


class _Mapped:
    """Text plus, per character, the raw [start, end) it came from. Every edit goes through :meth:`sub`."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str, starts: list[int], ends: list[int]):
        self.text, self.starts, self.ends = text, starts, ends

    @classmethod
    def from_raw(cls, raw: str, a: int, b: int) -> _Mapped:
        return cls(raw[a:b], list(range(a, b)), list(range(a + 1, b + 1)))

    def __len__(self) -> int:
        return len(self.text)

    def sub(self, pattern: re.Pattern, repl) -> _Mapped:
        """Like ``pattern.sub`` but keeping the map: characters common to the match and its
        replacement keep their own raw offsets; the rest take the span of the replaced characters.
        ``repl`` is a string or a function returning the replacement (``None`` = leave the match)."""
        text = self.text
        out_t: list[str] = []
        out_s: list[int] = []
        out_e: list[int] = []
        pos = 0
        for m in pattern.finditer(text):
            a, b = m.span()
            new = repl(m) if callable(repl) else repl
            if new is None or new == text[a:b] or a == b:
                continue
            out_t.append(text[pos:a])
            out_s.extend(self.starts[pos:a])
            out_e.extend(self.ends[pos:a])
            ns, ne = _map_replacement(text[a:b], new, self.starts[a:b], self.ends[a:b])
            out_t.append(new)
            out_s.extend(ns)
            out_e.extend(ne)
            pos = b
        if not out_t:
            return self
        out_t.append(text[pos:])
        out_s.extend(self.starts[pos:])
        out_e.extend(self.ends[pos:])
        return _Mapped("".join(out_t), out_s, out_e)

    def strip(self) -> _Mapped:
        t = self.text
        a, b = 0, len(t)
        while a < b and t[a].isspace():
            a += 1
        while b > a and t[b - 1].isspace():
            b -= 1
        if a == 0 and b == len(t):
            return self
        return _Mapped(t[a:b], self.starts[a:b], self.ends[a:b])

    def slice(self, a: int, b: int) -> _Mapped:
        return _Mapped(self.text[a:b], self.starts[a:b], self.ends[a:b])

    @staticmethod
    def join(parts: list[_Mapped], seps: list[str]) -> _Mapped:
        """Concatenate ``parts`` with ``seps[i]`` between part i and i+1; a separator maps to the raw gap
        between its neighbours (the newline, blank lines or cut block it stands for)."""
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for i, part in enumerate(parts):
            if not part.text:
                continue
            sep = seps[i - 1] if text else ""
            if sep:
                left, right = ends[-1], part.starts[0]
                text.append(sep)
                starts.extend([min(left, right)] * len(sep))
                ends.extend([max(left, right)] * len(sep))
            text.append(part.text)
            starts.extend(part.starts)
            ends.extend(part.ends)
        return _Mapped("".join(text), starts, ends)


def _map_replacement(old: str, new: str, s: list[int], e: list[int]) -> tuple[list[int], list[int]]:
    lim = min(len(old), len(new))
    p = 0
    while p < lim and old[p] == new[p]:
        p += 1
    q = 0
    while q < lim - p and old[-1 - q] == new[-1 - q]:
        q += 1
    ns, ne = list(s[:p]), list(e[:p])
    mid = len(new) - p - q
    if mid:
        if len(old) - p - q > 0:
            ms, me = s[p], max(e[p : len(old) - q])
        elif p:
            ms, me = s[p - 1], e[p - 1]
        else:
            ms, me = s[len(old) - q], e[len(old) - q]
        ns += [ms] * mid
        ne += [me] * mid
    ns += s[len(old) - q :]
    ne += e[len(old) - q :]
    return ns, ne


# --------------------------------------------------------------------------------------------------
# Character rules: Unicode and markdown
# --------------------------------------------------------------------------------------------------

# Footnote references survive the character passes as private-use characters and are turned into
# ``footnote_refs`` at the very end. MARK_SUP: a markdown <sup>N</sup>; MARK_OCR: a digit glued to a word
# in OCR text, accepted only if it continues the document's footnote numbering.
_MARK_SUP = 0xE000
_MARK_OCR = 0xF000
_MARK_RE = re.compile("[\ue000-\ue3ff\uf000-\uf3ff]")

_COMBINING_RE = re.compile(r".[\u0300-\u036f]+", re.DOTALL)
_ETH_RE = re.compile("[\u00d0\u00f0]")
_HEADING_MARK_RE = re.compile(r"^\s*#{1,6}\s*")
_SUP_RE = re.compile(r"<sup>\s*([^<>\s]{1,4})\s*</sup>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?(?:b|i|u|em|strong|span|p|br|sub|sup|font|div|mark)\b[^>]*>", re.IGNORECASE)
_STARS_RE = re.compile(r"(?<!\()\*+|\*+(?!\))")
_MD_ESCAPE_RE = re.compile(r"\\(?=[*_#\-.()\[\]])")
_BACKSLASH_RE = re.compile(r"\\")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000\ufeff]+")
_TAB_RE = re.compile(r"\s*\t\s*")


def _nfc(m: _Mapped) -> _Mapped:
    if unicodedata.is_normalized("NFC", m.text):
        return m
    return m.sub(_COMBINING_RE, lambda x: unicodedata.normalize("NFC", x.group(0)))


def _eth(m: _Mapped) -> _Mapped:
    """Ð (U+00D0, Icelandic eth) looks exactly like Đ and turns up in converted files."""
    return m.sub(_ETH_RE, lambda x: "Đ" if x.group(0) == "\u00d0" else "đ")


def _tones(m: _Mapped) -> _Mapped:
    return m.sub(OLD_TONE_RE, move_tone)


def _sup_marker(x: re.Match) -> str:
    label = x.group(1)
    return chr(_MARK_SUP + int(label)) if label.isdigit() and int(label) < 1024 else ""


def _markup(m: _Mapped, *, keep_refs: bool, table: bool = False) -> _Mapped:
    """Remove markdown/HTML marks from one line: heading marks, bold/italic stars, tags, and <sup>N</sup>
    (kept as a marker when it is a footnote reference in running text)."""
    m = m.sub(_HEADING_MARK_RE, "")
    m = m.sub(_SUP_RE, _sup_marker if keep_refs else "")
    m = m.sub(_TAG_RE, "")
    m = m.sub(_STARS_RE, "")
    m = m.sub(_MD_ESCAPE_RE, "")
    m = m.sub(_BACKSLASH_RE, " ")  # a stray backslash is OCR noise for a separator ("mẫu”\ xây dựng")
    if table:
        m = m.strip().sub(_TAB_RE, " | ")
    return m


def _collapse_spaces(m: _Mapped) -> _Mapped:
    m = m.sub(_SPACES_RE, lambda x: None if x.group(0) == " " else " ")
    return m.strip()


# --------------------------------------------------------------------------------------------------
# OCR repair
# --------------------------------------------------------------------------------------------------

_LETTER = r"[^\W\d_]"
_WORD_RE = re.compile(_LETTER + "+")

# "ừ" (and the cluster "ĩỉ‘") is how this OCR reads a word-initial "tr": ừong, ừên, phát ừiển, duy ừì.
_TR_RE = re.compile(r"(?<![^\W\d_])(ừ|Ừ|[ĩỉìíị][ĩỉìíị‘’']{1,2})(" + _LETTER + r"+)")
# "ư" followed by a plain o is never a Vietnamese rhyme; the o lost its horn (kỷ cưong, chất lưọng).
_UO_RE = re.compile(r"([ưƯ])([oóòỏõọOÓÒỎÕỌ])(?=" + _LETTER + ")")
_HORN = {"o": "ơ", "ó": "ớ", "ò": "ờ", "ỏ": "ở", "õ": "ỡ", "ọ": "ợ"}
# "m" misread for "n" in a final "ng" (thưomg -> thương).
_MG_RE = re.compile(r"(?<=" + _LETTER + r")([mM])([gG])(?!" + _LETTER + ")")
# A Vietnamese word never ends in j: it is a misread ";" (thành phốj -> thành phố;).
_J_RE = re.compile(r"(?<=[^\W\d_a-zA-Z])j(?=\s|$)")
# Junk glued to the front of a word after a space: ".tuyến", "‘-với" (a real quote or dash has a space).
_LEAD_JUNK_RE = re.compile(r"(?<=\s)(?:\.|[‘’'`]?-)(?=" + _LETTER + r")")
# A syllable split by a stray space: "v ề", "m ãu", "ủ y".
_SPLIT_RE = re.compile(
    r"(?<![^\W\d_])([bcdđghklmnpqrstvx]|[ùúủũụòóỏõọàáảãạèéẻẽẹìíỉĩị]) ("
    + _LETTER
    + r"{1,5})(?!"
    + _LETTER
    + ")"
)
# A word with two tone marks (hộí, VỚÍ): keep the first.
_TONES_CLASS = "\u0300\u0301\u0303\u0309\u0323"

_ROMAN_RE = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")
_QUARTER_KEY = r"(?:[Qq]u[ýy]|QU[ÝY]|[Kk]h[óo]a|KH[ÓO]A|[Pp]h[ầa]n|PH[ẦA]N)"
_ROMAN_MISREAD = {
    "H": "II",
    "n": "II",
    "ll": "II",
    "Il": "II",
    "lI": "II",
    "l": "I",
    "m": "III",
    "IH": "III",
    "HI": "III",
    "Hl": "III",
    "lH": "III",
    "lll": "III",
    "lV": "IV",
    "Vl": "VI",
}
_QUARTER_RE = re.compile(
    r"(?<![^\W\d_])("
    + _QUARTER_KEY
    + r")(\s+)("
    + "|".join(sorted(_ROMAN_MISREAD, key=len, reverse=True))
    + r")(?=[\s,.;:)]|$)"
)
_ROMAN_SPLIT_RE = re.compile(
    r"(?<![^\W\d_])((?:[Kk]h[óo]a|KH[ÓO]A|[Đđ]ại hội|ĐẠI HỘI)\s+)([IVX]{1,4}) ([IVX]{1,4})(?![^\W\d_])"
)
_ROMAN_DIGIT_RE = re.compile(r"(?<![\w])([IVX]*[IVX][IVX1l]*[1l][IVX1l]*)(?![\w])")
_HEADING_COMMA_RE = re.compile(r"^(\d{1,2}),(\d{1,2}),(?=\s+[A-ZÀ-ỸĐ])")
_CODE_QB_RE = re.compile(r"(?<![^\W\d_])QB(?=/[A-ZĐ])|(?<=/)QB(?![^\W\d_])")

# Confusions of the English OCR model that produced the accent-stripped file: each character it wrote,
# with the letters it may stand for ("" = noise to drop). Digits and symbols are always wrong inside a
# word; letters are only reconsidered when the word cannot be Vietnamese as written.
_GLYPH_OPTIONS = {
    "0": ("o", "u", ""),
    "1": ("l", "i", ""),
    "3": ("a",),
    "4": ("a",),
    "5": ("o",),
    "6": ("o", ""),
    "&": ("o", "e", "a", ""),
    "@": ("e",),
    "€": ("e", ""),
    "¢": ("e", "o", ""),
    "¥": ("y",),
}
_LETTER_OPTIONS = {  # only inside a word (not its first letter)
    "d": ("o", "a", ""),
    "b": ("o",),
    "p": ("o",),
    "t": ("u", ""),
    "i": ("a", "u", ""),
    "r": ("",),
    "y": ("u",),
    "w": ("u", ""),
    "l": ("i", "u"),
    "g": ("o",),
    "é": ("a", "o", ""),
    "e": ("a", "o"),
}
_FIRST_LETTER_OPTIONS = {"p": ("đ",), "g": ("u",), "w": ("u",), "1": ("l",), "t": ("u",), "i": ("l",)}
_NOISE_CHARS = "&@€¢¥"
_TOKEN_RE = re.compile(r"(?:[^\W_]|[&@€¢¥])+")
_DIGIT_RE = re.compile(r"\d")
_GLUED_NOTE_RE = re.compile(r"(" + _LETTER + r"{2,})([1-9])")


def _match_case(src: str, dst: str) -> str:
    """Give ``dst`` the case pattern of ``src`` (all capitals, capitalised, or lower case)."""
    letters = [c for c in src if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return dst.upper()
    if letters and letters[0].isupper():
        return dst[:1].upper() + dst[1:]
    return dst


def _fix_tr(x: re.Match) -> str | None:
    head, rest = x.group(1), x.group(2)
    tr = "Tr" if head[0].isupper() else "tr"
    return tr + rest if valid_syllable(tr + rest) else None


def _fix_uo(x: re.Match) -> str:
    o = x.group(2)
    horned = _HORN[o.lower()]
    return x.group(1) + (horned.upper() if o.isupper() else horned)


def _fix_mg(x: re.Match) -> str | None:
    word_start = x.start()
    s = x.string
    while word_start > 0 and (s[word_start - 1].isalpha()):
        word_start -= 1
    word = s[word_start : x.end()]
    fixed = word[:-2] + ("NG" if x.group(1).isupper() else "ng")
    if valid_folded(word) or not valid_folded(fixed):
        return None
    return "NG" if x.group(1).isupper() else "ng"


def _fix_split(x: re.Match) -> str | None:
    a, b = x.group(1), x.group(2)
    joined = a + b
    if not valid_syllable(joined):
        return None
    if len(a) == 1 and a in "bcdđghklmnpqrstvx":
        return joined if not b.isascii() or not valid_syllable(b) else None
    return joined if len(b) == 1 else None


def _fix_two_tones(word: str) -> str:
    d = unicodedata.normalize("NFD", word)
    if sum(c in _TONES_CLASS for c in d) < 2:
        return word
    out, seen = [], False
    for c in d:
        if c in _TONES_CLASS:
            if seen:
                continue
            seen = True
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


def _fix_quarter(x: re.Match) -> str:
    return x.group(1) + x.group(2) + _ROMAN_MISREAD[x.group(3)]


def _fix_roman_split(x: re.Match) -> str | None:
    joined = x.group(2) + x.group(3)
    return x.group(1) + joined if _ROMAN_RE.match(joined) else None


def _fix_roman_digit(x: re.Match) -> str | None:
    token = x.group(1)
    if sum(c in "IVX" for c in token) < 2:
        return None
    fixed = token.replace("1", "I").replace("l", "I")
    return fixed if _ROMAN_RE.match(fixed) else None


def _is_code_context(text: str, a: int, b: int) -> bool:
    """Whether a token sits inside a document number, date or figure (244-KL/TU, 13/4/2023, Covid-19)."""
    s = a
    while s > 0 and not text[s - 1].isspace():
        s -= 1
    e = b
    while e < len(text) and not text[e].isspace():
        e += 1
    chunk = text[s:e].strip("()[]“”\"',.;:")
    if "/" not in chunk and "-" not in chunk:
        return False
    return any(c.isdigit() for c in chunk) or sum(c.isupper() for c in chunk) >= 2


def _candidates(token: str, *, letters: bool, max_letter_edits: int):
    """Readings of ``token`` under the OCR confusions, with their cost: (reading, letters changed,
    letters dropped, how far down the digit/symbol options we went, how far down the letter options)."""
    options: list[tuple[tuple[str, int, int, int], ...]] = []
    for i, ch in enumerate(token):
        low = ch.lower()
        if ch in _GLYPH_OPTIONS or ch.isdigit():
            opts = _FIRST_LETTER_OPTIONS.get(low) if i == 0 and low in _FIRST_LETTER_OPTIONS else None
            opts = opts or _GLYPH_OPTIONS.get(ch, ())
            options.append(tuple((o, 0, int(o == ""), k, 0) for k, o in enumerate(opts)))
            continue
        alts: tuple[str, ...] = ()
        if letters:
            nxt = token[i + 1 : i + 2].lower()
            prev = token[i - 1 : i].lower()
            if i == 0:
                alts = _FIRST_LETTER_OPTIONS.get(low, ())
                if low == "p" and nxt == "h":
                    alts = ()
            elif not (low == "r" and prev == "t" and i == 1) and not (
                low == "g" and (prev == "n" or nxt in "hi")
            ):
                alts = _LETTER_OPTIONS.get(low, ())
        options.append(((ch, 0, 0, 0, 0),) + tuple((o, 1, int(o == ""), 0, k) for k, o in enumerate(alts)))
    if not options or any(not o for o in options):
        return
    count = 0
    for combo in itertools.product(*options):
        edits = sum(c[1] for c in combo)
        if edits > max_letter_edits:
            continue
        count += 1
        if count > 5000:
            return
        yield (
            "".join(c[0] for c in combo),
            edits,
            sum(c[2] for c in combo),
            sum(c[3] for c in combo),
            sum(c[4] for c in combo),
        )


def _in_pair(prev: str | None, word: str, nxt: str | None) -> bool:
    w = fold(word).lower()
    return (prev is not None and f"{prev} {w}" in _LEXICON) or (nxt is not None and f"{w} {nxt}" in _LEXICON)


def _best_reading(
    token: str,
    *,
    letters: bool,
    max_letter_edits: int,
    prev: str | None = None,
    nxt: str | None = None,
    substitutions_only: bool = False,
    need_pair: bool = False,
) -> str | None:
    """The most plausible reading: a valid, common syllable; then one that makes a known word pair
    with its neighbours; then fewer letters changed, fewer dropped, the likelier reading of a digit or
    symbol, the more frequent syllable."""
    best = None
    for reading, edits, drops, glyph, order in _candidates(
        token, letters=letters, max_letter_edits=max_letter_edits
    ):
        if not reading or not reading.isalpha() or (substitutions_only and drops):
            continue
        key = fold(reading).lower()
        rank = _COMMON_RANK.get(key)
        if rank is None or not valid_folded(key):
            continue
        pair = _in_pair(prev, key, nxt)
        if need_pair and not pair:
            continue
        score = (not pair, edits, drops, glyph, rank, order, reading)
        if best is None or score < best:
            best = score
    return best[-1] if best else None


def _repair_token(
    token: str, *, stripped: bool, prev: str | None = None, nxt: str | None = None
) -> tuple[str, str | None] | None:
    """A better reading of one OCR token, or None. Also returns a footnote label when the token is a word
    with a footnote number glued to its end (hoi1, -> hoi + footnote 1).

    Tokens with digits or symbols are always suspect (s6, x4, 16n, md&i); in accent-stripped text a
    word that cannot be a syllable (ctia, ndm, Pang) is too, and so is an uncommon one that is one
    letter away from a common one (nim) or from a known pair with its neighbour (Thanh ty)."""
    if token.isdigit():
        return None
    has_digit = bool(_DIGIT_RE.search(token))
    has_noise = any(c in _NOISE_CHARS for c in token)
    letters = [c for c in token if c.isalpha()]
    if not letters and not has_noise:
        return None
    if all(c in _NOISE_CHARS for c in token):  # a lone symbol between words: "&" for ở, "¢"/"€" noise
        if not stripped or len(token) > 1:
            return None
        return ("o" if token == "&" else "", None)
    upper = len(letters) >= 2 and all(c.isupper() for c in letters)
    if has_digit or has_noise:
        if (upper and len(_DIGIT_RE.findall(token)) > 1) or len(token) > 8:
            return None  # QH15, H5N1: codes
        reading = _best_reading(token, letters=stripped, max_letter_edits=1, prev=prev, nxt=nxt)
        if reading is None:
            return None
        label = None
        glued = _GLUED_NOTE_RE.fullmatch(token)
        if glued and reading.lower() == glued.group(1).lower():
            label = glued.group(2)
        return _match_case(token, reading), label
    if not stripped or len(token) > 7:
        return None
    folded = fold(token).lower()
    if upper and not any(c in "aeiouy" for c in folded):
        return None  # an acronym without a vowel (GDP, TW, BCH) was never a syllable: "GAP", "TU" are wrong
    if valid_folded(token):
        if upper:
            return None
        if folded in _COMMON_RANK:
            if _in_pair(prev, folded, nxt):
                return None
            reading = _best_reading(
                token,
                letters=True,
                max_letter_edits=1,
                prev=prev,
                nxt=nxt,
                substitutions_only=True,
                need_pair=True,
            )
        else:
            reading = _best_reading(
                token, letters=True, max_letter_edits=1, prev=prev, nxt=nxt, substitutions_only=True
            )
    else:
        budget = 1 if upper else (3 if len(token) >= 4 else 2)
        reading = _best_reading(token, letters=True, max_letter_edits=budget, prev=prev, nxt=nxt)
    if reading is None or reading == token:
        return None
    return _match_case(token, reading), None


def _repair_tokens(m: _Mapped, *, stripped: bool) -> _Mapped:
    text = m.text
    matches = list(_TOKEN_RE.finditer(text))
    if not matches:
        return m
    fixed_words: dict[int, str] = {}

    def neighbour(j: int, i: int) -> str | None:
        if j < 0 or j >= len(matches):
            return None
        a, b = sorted((i, j))
        if text[matches[a].end() : matches[b].start()] != " ":
            return None
        word = fixed_words.get(j, matches[j].group(0))
        return fold(word).lower() if word.isalpha() else None

    replacements: dict[int, str] = {}
    for i, x in enumerate(matches):
        token = x.group(0)
        if (token.isalpha() and not stripped) or _is_code_context(text, x.start(), x.end()):
            continue
        fixed = _repair_token(token, stripped=stripped, prev=neighbour(i - 1, i), nxt=neighbour(i + 1, i))
        if fixed is None:
            continue
        reading, label = fixed
        fixed_words[i] = reading
        replacements[x.start()] = reading + (chr(_MARK_OCR + int(label)) if label is not None else "")
    if not replacements:
        return m
    return m.sub(_TOKEN_RE, lambda x: replacements.get(x.start()))


def _repair_pairs(m: _Mapped) -> _Mapped:
    """Correct the diacritics of a word pair that folds to a known administrative pair."""
    words = list(_WORD_RE.finditer(m.text))
    if len(words) < 2:
        return m
    text = m.text
    replacements: dict[int, str] = {}
    current = [w.group(0) for w in words]
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if text[a.end() : b.start()] != " ":
            continue
        pair = current[i] + " " + current[i + 1]
        known = _LEXICON.get(fold(pair).lower())
        if known is None or known == pair.lower():
            continue
        new_a, new_b = known.split(" ")
        current[i] = _match_case(current[i], new_a)
        current[i + 1] = _match_case(current[i + 1], new_b)
        replacements[i] = current[i]
        replacements[i + 1] = current[i + 1]
    if not replacements:
        return m
    index = {w.start(): i for i, w in enumerate(words)}

    def repl(x: re.Match) -> str | None:
        i = index.get(x.start())
        return replacements.get(i) if i is not None else None

    return m.sub(_WORD_RE, repl)


def _is_stripped(text: str) -> bool:
    """Whether a paragraph has lost its accents (the English OCR model): almost no word carries a
    Vietnamese letter or tone mark other than the é it sprinkles as noise."""
    words = _WORD_RE.findall(text)
    if not words:
        return False
    marked = sum(1 for w in words if any(ord(c) > 127 and c not in "éÉèÈ" for c in w))
    return marked / len(words) < 0.2


def _ocr_evidence(text: str) -> int:
    """How many words are accented but cannot be Vietnamese syllables (ừong, cưong, hộí): clean
    typed text has none, an OCR'd accented text has many. Acronyms (HĐND, QĐ) do not count."""
    count = 0
    for w in _WORD_RE.findall(text):
        if not w.isascii() and any(c.islower() for c in w) and not valid_syllable(canonical_tones(w)):
            count += 1
    return count


def _repair_ocr(m: _Mapped, *, ocr: bool) -> _Mapped:
    """General OCR repairs; each one only fires on spellings that are not Vietnamese as written,
    except the word-pair lexicon, which only runs on text known to be OCR output (``ocr``)."""
    stripped = _is_stripped(m.text)
    m = m.sub(_LEAD_JUNK_RE, "")
    m = m.sub(_J_RE, ";")
    m = m.sub(_TR_RE, _fix_tr)
    m = m.sub(_UO_RE, _fix_uo)
    m = m.sub(_MG_RE, _fix_mg)
    m = m.sub(_WORD_RE, lambda x: _fix_two_tones(x.group(0)))
    m = m.sub(_SPLIT_RE, _fix_split)
    m = m.sub(_ROMAN_DIGIT_RE, _fix_roman_digit)
    m = m.sub(_CODE_QB_RE, "QĐ")
    m = _repair_tokens(m, stripped=stripped)
    if stripped:  # a second pass sees the neighbours the first one repaired ("Nhin din" -> "Nhan dan")
        m = _repair_tokens(m, stripped=stripped)
    m = m.sub(_QUARTER_RE, _fix_quarter)
    m = m.sub(_ROMAN_SPLIT_RE, _fix_roman_split)
    if ocr and not stripped:
        m = _tones(m)
        m = _repair_pairs(m)
    return m


def _clean(m: _Mapped, *, ocr: bool) -> _Mapped:
    """The character rules shared by documents and fragments (markup already removed)."""
    m = _nfc(m)
    m = _eth(m)
    m = _tones(m)
    m = _repair_ocr(m, ocr=ocr)
    m = _tones(m)
    return _collapse_spaces(m)


# --------------------------------------------------------------------------------------------------
# Line and block structure
# --------------------------------------------------------------------------------------------------

_SEP_LINE_RE = re.compile(r"\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*")
_PAGE_LINE_RE = re.compile(r"\s*(?:[-–]\s*)?\d{1,3}(?:\s*[-–])?\s*")
_FNOTE_LINE_RE = re.compile(r"\s*<sup>\s*(\d{1,3})\s*</sup>\s*", re.IGNORECASE)
_ALNUM_RE = re.compile(r"[^\W_]")
_PROBE_DROP_RE = re.compile(r"<sup>[^<]*</sup>|</?[a-zA-Z][^>]*>|\*+", re.IGNORECASE)
_LIST_MARK_RE = re.compile(r"^[-+•–—−]\s")
_HEADING_RE = re.compile(
    r"""^(?:
        [IVXL]{1,6}\.\s
      | \d{1,2}(?:[.,]\d{1,2})*[.,]\s
      | \d{1,2}(?:\.\d{1,2})+\s
      | \(\d{1,3}\)\.?(?:\s|$)
      | \(?[a-zđ]\)\s
      | \([ivx]{1,5}\)\s
    )""",
    re.VERBOSE,
)
_TERMINAL = ".:;!?…"
_CLOSERS = " \t*_”\"’'»)]"
_OPENERS = "([“\"'‘«"
_PARTY_HEADER_RE = re.compile(r"[DPB]ANG CONG SAN VIET NAM")
_NUMBER_HEADER_RE = re.compile(r"^\s*S[O0-9]{0,2}[:.]?\s+\d+[-/]\S+\s+(?=\S[^,]*,\s*NGAY)")
_BOLD_JOIN_RE = re.compile(r"\*\*\*\*")


@dataclass
class _Line:
    start: int  # raw offset of the content (after a footnote label)
    end: int  # raw offset after the content, before the newline
    line_start: int  # raw offset of the whole line (for cuts)
    kind: str  # text | fnote
    label: str | None = None
    gap_before: bool = False
    hard_break: bool = False
    probe: str = ""
    md_heading: bool = False
    full_bold: bool = False
    table: bool = False

    @property
    def starts_lower(self) -> bool:
        t = self.probe.lstrip(_OPENERS + " ")
        return bool(t) and t[0].islower()

    @property
    def starts_digit(self) -> bool:
        t = self.probe.lstrip(_OPENERS + " ")
        return bool(t) and t[0].isdigit() and not self.heading_pattern

    @property
    def heading_pattern(self) -> bool:
        return bool(_HEADING_RE.match(self.probe))

    @property
    def list_marker(self) -> bool:
        return bool(_LIST_MARK_RE.match(self.probe))

    @property
    def terminal(self) -> bool:
        t = self.probe.rstrip(_CLOSERS)
        return bool(t) and t[-1] in _TERMINAL

    @property
    def all_caps(self) -> bool:
        letters = [c for c in self.probe if c.isalpha()]
        return len(letters) >= 4 and all(c.isupper() for c in letters)

    @property
    def length(self) -> int:
        return len(self.probe)


def _raw_lines(raw: str) -> list[tuple[int, int]]:
    """(start, end) of every line's content, without its line break."""
    out = []
    pos = 0
    n = len(raw)
    while pos <= n:
        nl = raw.find("\n", pos)
        end = n if nl < 0 else nl
        content_end = end - 1 if end > pos and raw[end - 1] == "\r" else end
        out.append((pos, content_end))
        if nl < 0:
            break
        pos = nl + 1
    return out


def _make_line(
    raw: str, s: int, e: int, line_start: int, kind: str = "text", label: str | None = None
) -> _Line:
    content = raw[s:e]
    probe = _HEADING_MARK_RE.sub("", _PROBE_DROP_RE.sub("", content)).strip()
    stripped = content.strip()
    body = _HEADING_MARK_RE.sub("", stripped)
    return _Line(
        start=s,
        end=e,
        line_start=line_start,
        kind=kind,
        label=label,
        probe=probe,
        md_heading=stripped.startswith("#"),
        full_bold=body.startswith("**") and body.endswith("**") and len(body) > 4,
        table="\t" in content.strip(),
    )


def _split_segments(raw: str, s: int, e: int, line_no: int) -> list[tuple[int, int]]:
    """Split one raw line where two things were printed on it: "**A****B**" (two bold lines run
    together) and, near the top, the two header columns ("THÀNH ỦY ... ĐẢNG CỘNG SẢN VIỆT NAM",
    "Số 244-KL/TU Hải Phòng, ngày ...")."""
    cuts = [m.start() + 2 for m in _BOLD_JOIN_RE.finditer(raw, s, e) if raw[s : m.start()].strip("* ")]
    if line_no < 8:
        folded = fold(raw[s:e]).upper()
        m = _PARTY_HEADER_RE.search(folded)
        if m and folded[: m.start()].strip():
            cuts.append(s + m.start())
        m = _NUMBER_HEADER_RE.match(folded)
        if m:
            cuts.append(s + m.end())
    bounds = [s] + sorted(set(cuts)) + [e]
    return [(a, b) for a, b in itertools.pairwise(bounds) if raw[a:b].strip()]


def _scan_lines(raw: str) -> tuple[list[_Line], list[tuple[int, int]]]:
    """Classify raw lines: text and footnote lines are kept; separators, page numbers and symbol-only
    header noise become cuts. ``gap_before`` records a blank line before a kept line."""
    units: list[_Line] = []
    cuts: list[tuple[int, int]] = []
    gap = False
    text_lines = 0
    for s, e in _raw_lines(raw):
        content = raw[s:e]
        if not content.strip():
            gap = True
            continue
        if (
            _SEP_LINE_RE.fullmatch(content)
            or _PAGE_LINE_RE.fullmatch(content)
            or not _ALNUM_RE.search(content)
        ):
            cuts.append(_trim_range(raw, s, e))
            continue
        fm = _FNOTE_LINE_RE.match(content)
        if fm:
            line = _make_line(raw, s + fm.end(), e, s, kind="fnote", label=fm.group(1))
            line.gap_before = gap
            units.append(line)
            gap = False
            continue
        for i, (a, b) in enumerate(_split_segments(raw, s, e, text_lines)):
            line = _make_line(raw, a, b, s)
            line.gap_before = gap and i == 0
            line.hard_break = i > 0
            units.append(line)
        text_lines += 1
        gap = False
    return units, cuts


@dataclass
class _Layout:
    wrapped: bool
    width: int


def _layout(units: list[_Line]) -> _Layout:
    """Whether the document is hard-wrapped (OCR), and its wrap width: most lines run straight into
    the next one, and the long ones cluster at one width."""
    text = [u for u in units if u.kind == "text"]
    followed = [a for a, b in itertools.pairwise(text) if not b.gap_before]
    if len(text) < 8 or len(followed) < 0.5 * len(text):
        return _Layout(False, 0)
    lengths = sorted(u.length for u in followed)
    return _Layout(True, lengths[int(0.9 * (len(lengths) - 1))])


def _should_join(a: _Line, b: _Line, gap: bool, layout: _Layout) -> bool:
    """Whether line ``b`` continues the paragraph that line ``a`` ends.

    Across a blank line (or a cut block) only a page break joins: ``a`` stops mid-sentence and ``b``
    starts in lower case or with a number that continues it ("ngày" / "28/02/2022"). Within a block,
    lines join unless ``b`` opens a list item or heading after a finished line; in a hard-wrapped
    (OCR) file a line that reaches the wrap width always runs on.
    """
    if a.table or b.table or b.md_heading or b.hard_break:
        return False
    b_marker = b.list_marker or b.heading_pattern or b.full_bold
    if gap:
        if a.md_heading or a.full_bold or a.all_caps or b_marker or a.terminal:
            return False
        return b.starts_lower or b.starts_digit
    if a.md_heading:
        return False
    long_a = layout.wrapped and a.length >= 0.8 * layout.width
    if b_marker:
        return long_a and not a.terminal and not a.probe.rstrip(_CLOSERS).endswith(",")
    if b.starts_lower:
        return True
    if a.terminal:
        return long_a
    return long_a or a.heading_pattern


def _resumes_running_text(pending: _Line | None, b: _Line) -> bool:
    """After a footnote block, whether paragraph ``b`` is running text again or more footnote text.

    Running text comes back with a lowercase continuation, a list item or heading, or, when the
    paragraph before the footnotes stopped mid-sentence, a number continuing it; an upper-case
    paragraph while the sentence is still open is the footnote going on (003 prints footnote 2 in
    two paragraphs)."""
    if pending is None or b.md_heading or b.table or b.list_marker or b.heading_pattern or b.full_bold:
        return True
    if b.starts_lower:
        return True
    if not pending.terminal:
        return b.starts_digit
    return True


def _dup_key(line: _Line) -> str:
    return "".join(_ALNUM_RE.findall(fold(unicodedata.normalize("NFC", line.probe)).lower()))


@dataclass
class _Structure:
    paragraphs: list[list[_Line]]
    footnotes: dict[str, list[list[_Line]]]
    cuts: list[tuple[int, int]]
    layout: _Layout


def _structure(raw: str) -> _Structure:
    """Group the raw lines into paragraphs and footnotes.

    A footnote starts at a line opening with <sup>N</sup> and takes the lines wrapped under it, plus
    any later paragraph that :func:`_resumes_running_text` says is not running text (a paragraph
    identical to a footnote already seen is dropped: 003 prints one twice). Every footnote line is a
    cut. Running text continues across the footnotes as if they were a page break, so a sentence cut
    by a footnote block is joined again."""
    units, cuts = _scan_lines(raw)
    layout = _layout(units)
    paragraphs: list[list[_Line]] = []
    footnotes: dict[str, list[list[_Line]]] = {}
    fn_keys: set[str] = set()
    current: list[_Line] | None = None
    fn: list[list[_Line]] | None = None
    crossed = False

    def cut_line(line: _Line) -> None:
        cuts.append(_trim_range(raw, line.line_start, line.end))

    for u in units:
        if u.kind == "fnote":
            key = _dup_key(u)
            cut_line(u)
            if key in fn_keys:
                fn = None
            elif u.label in footnotes:
                fn = footnotes[u.label]
                fn.append([u])
            else:
                fn = footnotes[u.label] = [[u]]
            fn_keys.add(key)
            crossed = True
            continue
        if crossed and fn is not None and not u.gap_before and not u.hard_break:
            fn[-1].append(u)  # a wrapped footnote line
            cut_line(u)
            continue
        if crossed and not _resumes_running_text(current[-1] if current else None, u):
            key = _dup_key(u)
            cut_line(u)
            if key not in fn_keys and fn is not None:
                fn.append([u])
            fn_keys.add(key)
            continue
        gap = u.gap_before or crossed
        if current is not None and _should_join(current[-1], u, gap, layout):
            current.append(u)
        else:
            current = [u]
            paragraphs.append(current)
        crossed = False
        fn = None
    return _Structure(paragraphs, footnotes, _merge_cuts(raw, cuts), layout)


def _merge_cuts(raw: str, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort cuts and merge the ones separated only by whitespace (a separator followed by footnotes)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(c for c in cuts if c[0] < c[1]):
        if out and (s <= out[-1][1] or not raw[out[-1][1] : s].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _line_sep(a: _Line, b: _Line, raw: str) -> str:
    """A document number broken at its hyphen ("01-" / "KL/TW") is joined without a space."""
    if re.search(r"\d-$", raw[a.start : a.end].rstrip()) and re.match(
        r"\s*[A-ZĐ]{1,6}/", raw[b.start : b.end]
    ):
        return ""
    return " "


def _paragraph(raw: str, lines: list[_Line], *, keep_refs: bool, ocr: bool) -> _Mapped:
    """One logical paragraph: its lines without markup, joined, then the character rules."""
    parts = [
        _markup(_Mapped.from_raw(raw, ln.start, ln.end), keep_refs=keep_refs, table=ln.table).strip()
        for ln in lines
    ]
    m = _Mapped.join(parts, [_line_sep(a, b, raw) for a, b in itertools.pairwise(lines)])
    m = m.sub(_HEADING_COMMA_RE, lambda x: f"{x.group(1)}.{x.group(2)}.")
    return _clean(m, ocr=ocr)


def _take_markers(m: _Mapped) -> tuple[_Mapped, list[tuple[int, int, bool]]]:
    """Remove footnote markers; return (position, label, from_ocr) for each, positions in the result."""
    if not _MARK_RE.search(m.text):
        return m, []
    text, starts, ends = [], [], []
    found: list[tuple[int, int, bool]] = []
    t = m.text
    for i, ch in enumerate(t):
        code = ord(ch)
        if _MARK_SUP <= code < _MARK_SUP + 1024 or _MARK_OCR <= code < _MARK_OCR + 1024:
            ocr = code >= _MARK_OCR
            found.append((len(text), code - (_MARK_OCR if ocr else _MARK_SUP), ocr))
            continue
        if ch == " " and text and text[-1] == " ":
            continue
        text.append(ch)
        starts.append(m.starts[i])
        ends.append(m.ends[i])
    while text and text[-1] == " ":
        text.pop(), starts.pop(), ends.pop()
    found = [(min(p, len(text)), lab, ocr) for p, lab, ocr in found]
    return _Mapped("".join(text), starts, ends), found


# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------


def normalize_document(raw: str) -> NormalizedText:
    """Normalise a whole document: structure (paragraphs, footnotes, cuts) and character rules."""
    st = _structure(raw)
    ocr = st.layout.wrapped or _ocr_evidence(raw) >= 2
    parts: list[_Mapped] = []
    refs: list[tuple[int, str]] = []
    pending_refs: list[list[tuple[int, int, bool]]] = []
    for lines in st.paragraphs:
        m, markers = _take_markers(_paragraph(raw, lines, keep_refs=True, ocr=ocr))
        if m.text:
            parts.append(m)
            pending_refs.append(markers)
    doc = _Mapped.join(parts, ["\n"] * max(len(parts) - 1, 0))
    offset = 0
    last_label = 0
    for m, markers in zip(parts, pending_refs):
        for pos, label, from_ocr in markers:
            if from_ocr and label != last_label + 1:
                continue  # a stray digit, not the next footnote
            refs.append((offset + pos, str(label)))
            last_label = max(last_label, label)
        offset += len(m.text) + 1
    footnotes = []
    for label, paras in st.footnotes.items():
        texts, spans = [], []
        for lines in paras:
            m, _ = _take_markers(_paragraph(raw, lines, keep_refs=False, ocr=ocr))
            if m.text:
                texts.append(m.text)
                spans.extend(_trim_range(raw, ln.start, ln.end) for ln in lines)
        if texts:
            footnotes.append(Footnote(label=label, text="\n".join(texts), spans=tuple(spans)))
    return NormalizedText(
        raw=raw,
        text=doc.text,
        starts=array("i", doc.starts),  # a quarter of a list's memory: documents stay cached (qa/compare.py)
        ends=array("i", doc.ends),
        footnotes=footnotes,
        footnote_refs=refs,
        cuts=st.cuts,
    )


def normalize_fragment(text: str) -> str:
    """Apply the character rules (NFC, tone marks, Đ, markdown, OCR repair, whitespace) to a short
    string such as a question or a raw slice; no paragraph or footnote work, all whitespace becomes
    single spaces. The word-pair lexicon only runs when the string itself shows OCR damage."""
    m = _Mapped(text, list(range(len(text))), list(range(1, len(text) + 1)))
    lines = [_markup(m.slice(s, e), keep_refs=False).strip() for s, e in _raw_lines(text)]
    joined = _Mapped.join(lines, [" "] * len(lines))
    joined = joined.sub(_HEADING_COMMA_RE, lambda x: f"{x.group(1)}.{x.group(2)}.")
    out, _ = _take_markers(_clean(joined, ocr=_ocr_evidence(text) >= 1))
    return out.text
