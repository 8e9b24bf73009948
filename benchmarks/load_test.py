"""Many users at once against `vanban serve` on 127.0.0.1 (run by hand): throughput, latency and errors
for 1, 10 and 50 concurrent askers, then questions while an upload is being indexed.

    python benchmarks/load_test.py [--home DIR] [--duration 30] [--askers 1,10,50] [--during-upload 10]

Starts `vanban serve` on a free port (with a temporary data dir indexed from seeds/ unless --home is
given), waits until it answers, and speaks the browser's own protocol: `POST /gradio_api/queue/join` and
the `GET /gradio_api/queue/data` event stream, with the endpoints found in `/config` (questions: the
"ask" api_name; uploads: the Văn bản tab's upload button, after `POST /gradio_api/upload`). Each asker is
a closed loop (next question as soon as the answer arrives), like a staffer clicking as fast as the app
allows, so the numbers are an upper bound on load. The client shares the machine with the server.
A request is an error if the HTTP call fails, the app reports a failure, times out, or the answer area
shows an error message instead of an answer (an abstention is an answer).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.variants import variant  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
REQUEST_TIMEOUT = 120.0
QUESTIONS = [
    "chỉ tiêu giao quân năm 2022",
    "chi tieu giao quan nam 2022",
    "Quý II/2022 Thành ủy chỉ đạo gì về nhà ở xã hội?",
    "Hội nghị lần thứ bảy Ban Chấp hành Đảng bộ quận khóa VI họp ngày nào?",
    "Báo cáo sơ kết giữa nhiệm kỳ rút ra những bài học kinh nghiệm gì?",
    "kim ngach xuat khau hai phong quy 1 nam 2021",
    "Tốc độ tăng trưởng GRDP của thành phố quý I năm 2022 là bao nhiêu?",
    "thu ngan sach nha nuoc tren dia ban quy 1",
    "Nhiệm vụ trọng tâm về cải cách hành chính trong quý II",
    "Công tác phòng, chống dịch Covid-19 được đánh giá thế nào?",
    "cong tac xay dung dang ve to chuc can bo",
    "Kết quả thu hút vốn đầu tư trực tiếp nước ngoài (FDI)",
    "Những hạn chế, yếu kém trong phát triển kinh tế - xã hội",
    "chuyen doi so va xay dung chinh quyen so",
    "Chỉ tiêu tỷ lệ hộ nghèo năm 2022 của quận",
    "Thành ủy yêu cầu gì về công tác kiểm tra, giám sát?",
    "giai phap phat trien nong nghiep nong thon moi",
    "Số lượng khách du lịch đến Hải Phòng",
    "So sánh tăng trưởng kinh tế quý I năm 2021 và quý I năm 2022",
    "giá vàng hôm nay",
]
"""Used when ../shared/eval/dev.jsonl is absent: facts, topics, comparisons, with and without accents,
one off-topic question (answered by an abstention)."""


def load_questions() -> list[str]:
    if DEV.exists():
        rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [r["question"] for r in rows]
    return list(QUESTIONS)


# --------------------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`vanban --home HOME serve` in a child process; stop() sends SIGTERM (the app's clean shutdown)."""

    def __init__(self, home: Path, port: int | None = None, log_path: Path | None = None) -> None:
        self.home = home
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or Path(tempfile.mkstemp(prefix="vanban-serve-", suffix=".log")[1])
        self._log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qa.cli", "--home", str(home), "serve", "--port", str(self.port)],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"))

    def wait_ready(self, timeout: float = 900.0) -> None:
        """Until /config answers (the index is built and loaded before the app listens)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"vanban serve exited with {self.process.returncode}:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/config", timeout=5).status_code == 200:
                    return
            time.sleep(0.5)
        raise TimeoutError(f"vanban serve did not answer within {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def stop(self, timeout: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


# --------------------------------------------------------------------------------------------------------
# The app's protocol
# --------------------------------------------------------------------------------------------------------

@dataclass
class Endpoint:
    fn_index: int
    trigger_id: int
    defaults: list
    """The inputs' initial values (filters "all", top-k default); the first input is replaced per call."""


@dataclass
class Sample:
    start: float
    """Seconds since the phase began."""
    seconds: float
    error: str | None = None
    abstained: bool = False


class AppClient:
    """Questions and uploads the way the browser sends them (any number of concurrent calls)."""

    def __init__(self, url: str, http: httpx.AsyncClient) -> None:
        self.api = f"{url}/gradio_api"
        self.url = url
        self.http = http
        self.ask_endpoint: Endpoint | None = None
        self.upload_endpoint: Endpoint | None = None

    async def connect(self) -> None:
        """Finds the endpoints in the app's /config: api_name "ask", and the `upload` event of #vb-upload."""
        config = (await self.http.get(f"{self.url}/config")).json()
        components = {c["id"]: c for c in config["components"]}
        for fn_index, dep in enumerate(config["dependencies"]):
            target, event = dep["targets"][0] if dep["targets"] else (None, None)
            defaults = [components[i].get("props", {}).get("value") for i in dep["inputs"]]
            if dep.get("api_name") == "ask":
                self.ask_endpoint = Endpoint(fn_index, target, defaults)
            elif (event == "upload"
                  and components.get(target, {}).get("props", {}).get("elem_id") == "vb-upload"):
                self.upload_endpoint = Endpoint(fn_index, target, defaults)
        if self.ask_endpoint is None or self.upload_endpoint is None:
            raise RuntimeError("the app's /config has no 'ask' endpoint or no #vb-upload upload event")

    async def _call(self, endpoint: Endpoint, data: list) -> dict:
        """One event through the queue; the final message (process_completed) or an exception."""
        session = uuid.uuid4().hex[:11]
        joined = await self.http.post(f"{self.api}/queue/join", json={
            "data": data, "fn_index": endpoint.fn_index, "trigger_id": endpoint.trigger_id,
            "session_hash": session, "event_data": None})
        joined.raise_for_status()
        async with self.http.stream("GET", f"{self.api}/queue/data",
                                    params={"session_hash": session}) as resp:
            resp.raise_for_status()
            async for line in resp.aiter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") in ("process_completed", "unexpected_error"):
                    return message
        raise RuntimeError("the event stream ended without a result")

    async def ask(self, question: str, t0: float) -> Sample:
        start = time.perf_counter()
        try:
            message = await asyncio.wait_for(
                self._call(self.ask_endpoint, [question, *self.ask_endpoint.defaults[1:]]), REQUEST_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - every failure is a counted error, not a crash
            return Sample(start - t0, time.perf_counter() - start, f"{type(exc).__name__}: {exc}"[:200])
        seconds = time.perf_counter() - start
        if not message.get("success"):
            return Sample(start - t0, seconds, f"app: {str(message.get('output') or message)[:200]}")
        html = (message.get("output") or {}).get("data", [""])[0] or ""
        if "vb-message vb-error" in html or "vb-answer" not in html:
            return Sample(start - t0, seconds, f"answer area: {html[:200]}")
        return Sample(start - t0, seconds, abstained="vb-abstain" in html)

    async def upload(self, path: Path) -> tuple[float, str]:
        """Uploads one file and waits until it is indexed: (seconds, the status HTML)."""
        start = time.perf_counter()
        with path.open("rb") as fh:
            sent = await self.http.post(f"{self.api}/upload", params={"upload_id": uuid.uuid4().hex[:11]},
                                        files=[("files", (path.name, fh, "text/plain"))])
        sent.raise_for_status()
        server_path = sent.json()[0]
        file_data = {"path": server_path, "orig_name": path.name, "size": path.stat().st_size,
                     "mime_type": "text/plain", "meta": {"_type": "gradio.FileData"}}
        message = await self._call(self.upload_endpoint, [[file_data]])
        if not message.get("success"):
            raise RuntimeError(f"upload failed: {message.get('output')}")
        return time.perf_counter() - start, message["output"]["data"][0] or ""


def http_client(askers: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=4 * askers + 8, max_keepalive_connections=4 * askers + 8)
    return httpx.AsyncClient(timeout=httpx.Timeout(REQUEST_TIMEOUT, connect=10), limits=limits)


# --------------------------------------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------------------------------------

@dataclass
class Phase:
    askers: int
    seconds: float
    samples: list[Sample] = field(default_factory=list)


async def run_askers(client: AppClient, askers: int, duration: float, questions: list[str],
                     stop: asyncio.Event | None = None) -> Phase:
    """`askers` closed loops for `duration` seconds (or until `stop`), cycling through the questions;
    a question started before the end is waited for and counted."""
    phase = Phase(askers, duration)
    t0 = time.perf_counter()
    turn = iter(range(10**9))

    async def asker() -> None:
        while time.perf_counter() - t0 < duration and not (stop and stop.is_set()):
            phase.samples.append(await client.ask(questions[next(turn) % len(questions)], t0))

    await asyncio.gather(*(asker() for _ in range(askers)))
    phase.seconds = time.perf_counter() - t0
    return phase


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(q / 100 * len(ordered)))) - 1]


def stats(samples: list[Sample]) -> dict:
    latencies = [s.seconds for s in samples] or [0.0]
    return {"requests": len(samples), "errors": sum(1 for s in samples if s.error),
            "abstained": sum(1 for s in samples if s.abstained), "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95), "max": max(latencies)}


def table(phases: list[Phase]) -> str:
    lines = ["| askers | requests | throughput (req/s) | p50 (s) | p95 (s) | max (s) | errors |",
             "|---|---|---|---|---|---|---|"]
    for p in phases:
        s = stats(p.samples)
        lines.append(f"| {p.askers} | {s['requests']} | {s['requests'] / p.seconds:.1f} | {s['p50']:.2f} | "
                     f"{s['p95']:.2f} | {s['max']:.2f} | {s['errors']} |")
    return "\n".join(lines)


async def during_upload(client: AppClient, askers: int, document: Path, questions: list[str],
                        settle: float = 3.0) -> dict:
    """`askers` ask continuously; after `settle` s one document is uploaded; they go on until it is indexed
    plus `settle` s. Returns the upload's time and status and the questions asked while it was indexing."""
    stop = asyncio.Event()
    load = asyncio.create_task(run_askers(client, askers, 10**6, questions, stop))
    t0 = time.perf_counter()
    await asyncio.sleep(settle)
    began = time.perf_counter() - t0
    seconds, status = await client.upload(document)
    ended = time.perf_counter() - t0
    await asyncio.sleep(settle)
    stop.set()
    phase = await load
    during = [s for s in phase.samples if s.start < ended and s.start + s.seconds > began]
    outside = [s for s in phase.samples if all(s is not d for d in during)]
    return {"upload_seconds": seconds, "upload_ok": "vb-st-ok" in status and "vb-st-error" not in status,
            "status": status, "during": stats(during), "outside": stats(outside),
            "errors": [s.error for s in phase.samples if s.error]}


def upload_document(directory: Path, seed: str = "003") -> Path:
    """A new document for the upload: a seed with other years, figures and names, under a new name; a copy
    number no benchmark corpus uses (bench_scale's start at 0), so it is never a duplicate of one."""
    source = next((ROOT / "seeds").glob(f"{seed}_*.txt"))
    copy = random.randrange(100_000, 1_000_000)
    path = directory / f"tai-len-thu-{copy}.txt"
    path.write_text(variant(source.read_text(encoding="utf-8"), copy), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------------

def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown (not a git checkout)"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, "
            f"commit {commit}, load average {load}")


async def drive(url: str, args: argparse.Namespace, workdir: Path) -> None:
    questions = load_questions()
    levels = [int(x) for x in args.askers.split(",")]
    async with http_client(max(levels + [args.during_upload])) as http:
        client = AppClient(url, http)
        await client.connect()
        warm = await client.ask(questions[0], time.perf_counter())
        if warm.error:
            raise RuntimeError(f"the first question failed: {warm.error}")
        print(f"# {len(questions)} questions, {args.duration:.0f} s per level; {machine()}", flush=True)
        phases = []
        for n in levels:
            phases.append(await run_askers(client, n, args.duration, questions))
            print(f"  {n} askers: done", file=sys.stderr, flush=True)
        print(table(phases))
        errors = [s.error for p in phases for s in p.samples if s.error]
        for e in dict.fromkeys(errors):
            print(f"  error: {e}")
        if args.during_upload:
            document = upload_document(workdir)
            result = await during_upload(client, args.during_upload, document, questions)
            d, o = result["during"], result["outside"]
            print(f"\nUpload of {document.name} ({document.stat().st_size // 1024} KiB) while "
                  f"{args.during_upload} askers ask: indexed in {result['upload_seconds']:.1f} s, "
                  f"{'ok' if result['upload_ok'] else 'FAILED: ' + result['status'][:300]}")
            print("\n| questions | requests | p50 (s) | p95 (s) | max (s) | errors |"
                  "\n|---|---|---|---|---|---|")
            for name, s in (("during indexing", d), ("before/after", o)):
                print(f"| {name} | {s['requests']} | {s['p50']:.2f} | {s['p95']:.2f} | {s['max']:.2f} | "
                      f"{s['errors']} |")
            for e in dict.fromkeys(result["errors"]):
                print(f"  error: {e}")
        print(f"\n# after: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path,
                        help="an indexed data dir (default: a temporary one from seeds/)")
    parser.add_argument("--url", help="an app already running (then no server is started)")
    parser.add_argument("--port", type=int)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per concurrency level")
    parser.add_argument("--askers", default="1,10,50", help="concurrency levels, comma-separated")
    parser.add_argument("--during-upload", type=int, default=10,
                        help="askers while a document is uploaded and indexed (0: skip that phase)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vanban-load-") as tmp:
        workdir = Path(tmp)
        if args.url:
            asyncio.run(drive(args.url.rstrip("/"), args, workdir))
            return 0
        server = Server(args.home or workdir / "home", args.port)
        try:
            server.wait_ready()
            asyncio.run(drive(server.url, args, workdir))
        finally:
            code = server.stop()
            print(f"# server stopped (exit code {code})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
