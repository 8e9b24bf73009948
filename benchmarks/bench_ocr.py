"""OCR speed and accuracy on scanned pages of the seeds, printed as a table (run by hand:
`.venv/bin/python benchmarks/bench_ocr.py [--dpi 300 200] [--pages 2]`).

Each page is printed from a clean seed (000, 001, 003) with DejaVu Serif 12 pt, clean or "photocopied"
(tilted 0.8°, blurred, speckled, saved as a JPEG of quality 50), then read back two ways: as a page image
(Tesseract only) and as a scanned PDF (pdftoppm render + Tesseract, what `vanban index` does). Seconds are
wall-clock and Tesseract's own CPU time (which a busy machine does not inflate). Character accuracy is
1 - edit distance / length of the source text, on whitespace-collapsed text, before and after the
normaliser's OCR repair. Needs tesseract-ocr, tesseract-ocr-vie, poppler-utils.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.ingest.documents import load_file  # noqa: E402
from qa.ingest.formats.ocr import ocr_pages, unavailable_reason  # noqa: E402
from tests.samples import pages_of, plain_paragraphs, render_page  # noqa: E402

SEEDS = ("000", "001", "003")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute), two rows at a time."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def accuracy(read: str, source: str) -> float:
    read, source = " ".join(read.split()), " ".join(source.split())
    return 1 - edit_distance(read, source) / max(1, len(source))


def photocopy(image, seed: int = 0):
    """A worse scan: slightly tilted, blurred, with speckles, through lossy JPEG."""
    from PIL import ImageFilter
    rng = random.Random(seed)
    image = image.rotate(0.8, fillcolor=255, expand=False).filter(ImageFilter.GaussianBlur(1.2))
    pixels = image.load()
    w, h = image.size
    for _ in range(w * h // 400):
        pixels[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 255))
    return image


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[300, 200])
    parser.add_argument("--pages", type=int, default=2, help="pages per seed")
    args = parser.parse_args()
    reason = unavailable_reason()
    if reason is not None:
        sys.exit(f"OCR unavailable: {reason[1]}")
    from qa.ingest.normalize import normalize_fragment
    rows = []
    cases = [(dpi, False) for dpi in args.dpi] + [(args.dpi[0], True)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for dpi, degraded in cases:
            image_secs, image_cpu, pdf_secs, raw_acc, repaired_acc, chars = [], [], [], [], [], 0
            for seed in SEEDS:
                text = next((ROOT / "seeds").glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
                pages = pages_of(plain_paragraphs(text))[: args.pages]
                images = []
                for n, page in enumerate(pages):
                    source = "\n".join(page)
                    chars += len(source)
                    picture = render_page(page, dpi=dpi)
                    picture = photocopy(picture, n) if degraded else picture
                    images.append(picture)
                    image = tmp / f"{seed}-{n}-{dpi}.{'jpg' if degraded else 'png'}"
                    picture.save(image, dpi=(dpi, dpi), **({"quality": 50} if degraded else {}))
                    t, cpu = time.perf_counter(), _children_cpu()
                    read = "\n".join(ocr_pages(image, dpi=dpi))
                    image_secs.append(time.perf_counter() - t)
                    image_cpu.append(_children_cpu() - cpu)
                    raw_acc.append(accuracy(read, source))
                    repaired_acc.append(accuracy(normalize_fragment(read), normalize_fragment(source)))
                pdf = tmp / f"{seed}-{dpi}.pdf"
                images[0].save(pdf, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
                t = time.perf_counter()
                doc = load_file(pdf)
                pdf_secs.append((time.perf_counter() - t) / len(pages))
                assert doc.extraction == "pdf+ocr", doc
            rows.append((dpi, "photocopy" if degraded else "clean", len(raw_acc), chars,
                         statistics.mean(image_secs), statistics.mean(image_cpu), statistics.mean(pdf_secs),
                         statistics.mean(raw_acc), min(raw_acc), statistics.mean(repaired_acc)))
    print("| scan dpi | scan | pages | chars | s/page image (wall) | s/page image (CPU) "
          "| s/page scanned PDF (wall) | char accuracy | worst page | after repair |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for dpi, kind, pages, chars, s_img, cpu, s_pdf, acc, worst, rep in rows:
        print(f"| {dpi} | {kind} | {pages} | {chars} | {s_img:.2f} | {cpu:.2f} | {s_pdf:.2f} | {acc:.4f} "
              f"| {worst:.4f} | {rep:.4f} |")
    print("\nA scanned PDF's pages are rendered at 300 dpi for OCR whatever the scan's resolution; "
          "its time includes the rendering, with one single-threaded Tesseract per core.")


if __name__ == "__main__":
    main()
