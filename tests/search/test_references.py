"""Documents and articles a question names, and which indexed document each one is."""
from __future__ import annotations

from qa.metadata.document import DocumentMetadata
from qa.search.references import Reference, find_references, in_article, resolve


def test_numbers_articles_and_names_are_found() -> None:
    assert find_references("Kết luận số 244-KL/TU nói gì về nhà ở xã hội?") == (
        Reference(number="244-kl/tu"),)
    assert find_references("khoản 2 Điều 9 Nghị định 118/2024/NĐ-CP quy định gì?") == (
        Reference(number="118/2024/nd-cp", article="9", clause="2"),)
    (ref,) = find_references("Điều 6 của Luật Tiếp cận thông tin đề cập đến nội dung gì?")
    assert (ref.doc_type, ref.name, ref.article) == ("Luật", ("tiep", "can", "thong", "tin"), "6")
    assert find_references("chỉ tiêu giao quân năm 2022") == ()
    assert find_references("tăng trưởng giai đoạn 2021-2025") == ()


def test_a_reference_resolves_by_number_or_by_name() -> None:
    docs = {
        "a": DocumentMetadata(doc_type="Luật", number="99/2024/QH15", title="Luật Thư viện cộng đồng"),
        "b": DocumentMetadata(doc_type="Nghị định", number="118/2024/NĐ-CP",
                              title="Nghị định quy định về nhà văn hóa"),
        "c": DocumentMetadata(doc_type="Kết luận", number="244-KL/TU", title="Kết luận Hội nghị Thành ủy"),
    }
    assert resolve(Reference(number="118/2024/nd-cp"), docs) == {"b"}
    (named,) = find_references("Điều 4 Luật Thư viện cộng đồng quy định hồ sơ gồm gì?")
    assert resolve(named, docs) == {"a"}
    assert resolve(Reference(number="30-nq/tw"), docs) == set()


def test_a_section_path_is_inside_its_article() -> None:
    assert in_article("Luật > Chương II > Điều 6. Quyền của người sử dụng thư viện", "6")
    assert not in_article("Luật > Chương II > Điều 16. Quyền", "6")
