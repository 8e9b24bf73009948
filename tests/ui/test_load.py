"""`vanban serve` under several askers while an upload is indexed: no question fails, and the upload can be
asked about as soon as it is done (the small-scale form of benchmarks/load_test.py)."""
from __future__ import annotations

import asyncio
import shutil

import pytest

from benchmarks.load_test import AppClient, Server, during_upload, http_client, load_questions
from benchmarks.variants import variant

pytestmark = pytest.mark.slow


def test_questions_never_fail_while_an_upload_indexes(seeds_home, seeds_dir, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(seeds_home, home)  # the session's index stays as it is
    document = tmp_path / "tai-len-thu.txt"
    document.write_text(variant(next(seeds_dir.glob("002_*.txt")).read_text(encoding="utf-8"), 7)
                        + "\nĐề án thí điểm nuôi chim yến ở đảo Bạch Long Vĩ được giao cho Sở Nông nghiệp.\n",
                        encoding="utf-8")
    server = Server(home)

    async def scenario() -> tuple[dict, str]:
        async with http_client(5) as http:
            client = AppClient(server.url, http)
            await client.connect()
            result = await during_upload(client, 5, document, load_questions(), settle=2.0)
            after = await client._call(client.ask_endpoint,
                                       ["nuôi chim yến ở đảo Bạch Long Vĩ",
                                        *client.ask_endpoint.defaults[1:]])
            return result, after["output"]["data"][0]

    try:
        server.wait_ready(timeout=300)
        result, answer_html = asyncio.run(scenario())
    finally:
        assert server.stop() == 0, server.log()

    assert result["upload_ok"], result["status"]
    assert result["errors"] == []
    assert result["during"]["requests"] >= 5  # the askers kept asking while it indexed
    assert result["during"]["errors"] == 0
    assert 'data-doc="tai-len-thu.txt"' in answer_html
