"""The held-out tier: documents nobody tuned on, their expected metadata, and question sets with gold answers.

- tests/data/unseen/*.txt: documents written for this tier (Party and State bodies at every level).
- tests/data/unseen/expected.json: one object per document (doc_type, number, date, issuer, parent, level,
  place, signer, signer_title, authority, reviews, plans, title, and sometimes notes).
- tests/data/questions/unseen.jsonl: questions over those documents.
- tests/data/questions/unanswerable.jsonl: questions neither they nor the seeds answer (evidence []).
- tests/data/questions/seeds_answers.jsonl: answer checks over the seed documents (seeds/*.txt).

Questions use the dev-set format: {id, question, answer, evidence: [{doc, quote}], type, split, notes}.
A quote is copied byte for byte from its file and lies on one line; `doc` names a file in
tests/data/unseen/ or seeds/. `answer` is the exact string the answer box must hold. It occurs in one of
the question's quotes (letter case aside: a body's name may be quoted as printed in capitals) or, for
metadata questions (who signed, which body), in the header of an evidence file. A comparison's answer
lists one value per period, separated by "; ", each found the same way.

Nothing here asserts a threshold; `python -m tests.unseen` only checks that the data is consistent.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNSEEN_DIR = ROOT / "tests" / "data" / "unseen"
QUESTIONS_DIR = ROOT / "tests" / "data" / "questions"
SEEDS_DIR = ROOT / "seeds"
EXPECTED = UNSEEN_DIR / "expected.json"
QUESTION_SETS = ("unseen", "unanswerable", "seeds_answers")
TYPES = {"fact", "quantity", "date", "person", "place", "definition", "yesno", "direction", "reference",
         "article", "compare", "unanswerable", "no_diacritics", "paraphrase"}
LEVELS = {"trung ương", "tỉnh", "thành phố trực thuộc trung ương", "huyện", "quận", "thị xã",
          "thành phố thuộc tỉnh", "xã", "phường", "thị trấn"}
EXPECTED_KEYS = ("file", "doc_type", "number", "date", "issuer", "parent", "level", "place", "signer",
                 "signer_title", "authority", "reviews", "plans", "title")
HEADER_LINES = 12
"""Lines at the top of a file counted as its header for metadata answers."""
COMPARE_SEPARATOR = "; "


def document_paths() -> list[Path]:
    """The tier's documents, sorted by name."""
    return sorted(UNSEEN_DIR.glob("*.txt"))


def doc_path(doc: str) -> Path:
    """Where an evidence `doc` lives: the tier's folder first, then the seeds."""
    for folder in (UNSEEN_DIR, SEEDS_DIR):
        if (folder / doc).is_file():
            return folder / doc
    raise FileNotFoundError(doc)


def read_doc(doc: str) -> str:
    return doc_path(doc).read_text(encoding="utf-8")


def load_expected() -> dict[str, dict]:
    """Expected metadata by file name."""
    rows = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return {row["file"]: row for row in rows}


def load_questions(name: str) -> list[dict]:
    """A question set by name ("unseen", "unanswerable", "seeds_answers"), one dict a line."""
    path = QUESTIONS_DIR / f"{name}.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def answer_parts(item: dict) -> list[str]:
    answer = item["answer"]
    if item.get("type") == "compare" and COMPARE_SEPARATOR in answer:
        return answer.split(COMPARE_SEPARATOR)
    return [answer]


def _header(text: str) -> str:
    return "\n".join(text.splitlines()[:HEADER_LINES]).casefold()


def question_problems(item: dict, texts: dict[str, str] | None = None) -> list[str]:
    """What is wrong with one question (empty when it is consistent)."""
    texts = {} if texts is None else texts
    qid = item.get("id", "?")
    problems = []
    for key in ("id", "question", "answer", "evidence", "type"):
        if key not in item:
            problems.append(f"{qid}: no {key}")
    if problems:
        return problems
    if item["type"] not in TYPES:
        problems.append(f"{qid}: unknown type {item['type']!r}")
    if item["type"] == "no_diacritics" and not item["question"].isascii():
        problems.append(f"{qid}: no_diacritics question has accented characters")
    if item["type"] == "unanswerable":
        if item["evidence"]:
            problems.append(f"{qid}: unanswerable question has evidence")
        return problems
    if not item["evidence"]:
        problems.append(f"{qid}: no evidence")
        return problems
    quotes: list[str] = []
    headers: list[str] = []
    for ev in item["evidence"]:
        doc, quote = ev["doc"], ev["quote"]
        if doc not in texts:
            try:
                texts[doc] = read_doc(doc)
            except FileNotFoundError:
                problems.append(f"{qid}: no such document {doc}")
                continue
        if not quote or "\n" in quote:
            problems.append(f"{qid}: quote is empty or spans lines: {quote!r}")
        elif quote not in texts[doc]:
            problems.append(f"{qid}: quote not in {doc}: {quote!r}")
        quotes.append(quote)
        headers.append(_header(texts[doc]))
    for part in answer_parts(item):
        if not part.strip():
            problems.append(f"{qid}: empty answer")
        elif not any(part.casefold() in q.casefold() for q in quotes + headers):
            problems.append(f"{qid}: answer {part!r} is in none of its quotes nor in a header")
    if item["type"] == "compare" and len(item["evidence"]) < 2:
        problems.append(f"{qid}: a comparison needs two evidence items")
    return problems


def expected_problems() -> list[str]:
    problems = []
    rows = json.loads(EXPECTED.read_text(encoding="utf-8"))
    files = {p.name for p in document_paths()}
    listed = [row.get("file") for row in rows]
    if sorted(listed) != sorted(files):
        problems.append(f"expected.json lists {sorted(set(listed) ^ files)} differently from the folder")
    for row in rows:
        missing = [k for k in EXPECTED_KEYS if k not in row]
        if missing:
            problems.append(f"{row.get('file')}: missing {missing}")
            continue
        if row["level"] not in LEVELS:
            problems.append(f"{row['file']}: unknown level {row['level']!r}")
        text = (UNSEEN_DIR / row["file"]).read_text(encoding="utf-8") if row["file"] in files else ""
        if row["number"] not in text:
            problems.append(f"{row['file']}: number {row['number']!r} not printed in the file")
        if row["signer"] not in text:
            problems.append(f"{row['file']}: signer {row['signer']!r} not in the file")
        if not 1500 <= len(text) <= 6000:
            problems.append(f"{row['file']}: {len(text)} characters, outside 1,500-6,000")
    return problems


def check_data() -> list[str]:
    """Every problem in the tier's data; an empty list when it is consistent."""
    problems = expected_problems()
    texts: dict[str, str] = {}
    seen_ids: set[str] = set()
    for name in QUESTION_SETS:
        for item in load_questions(name):
            if item.get("id") in seen_ids:
                problems.append(f"{name}: duplicate id {item.get('id')}")
            seen_ids.add(item.get("id"))
            problems.extend(f"{name}: {p}" for p in question_problems(item, texts))
    return problems


if __name__ == "__main__":
    found = check_data()
    for problem in found:
        print(problem)
    counts = {name: len(load_questions(name)) for name in QUESTION_SETS}
    print(f"{len(document_paths())} documents, questions {counts}: {len(found)} problems")
    sys.exit(1 if found else 0)
