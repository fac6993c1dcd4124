"""The analysis pool's workers share the analyser (matcher, tone scorer) that the forkserver built once before it
forked them, instead of each building its own; a later pool of the same process with another dictionary gets
workers that build theirs. Each case runs in a fresh Python process: the forkserver belongs to the process that
started it first, and the test process may have started one already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawler import analysis

ROOT = Path(__file__).resolve().parent.parent


def report_sharing(html, url, source_key, fetched_at, more_pages):
    """A pool's ``work``: whether this worker's analyser is the forkserver's, and how many entities it matches."""
    built = analysis._forkserver_analyser
    shared = built is not None and analysis._worker_analyser is built[1]
    entities = len(analysis._worker_analyser.tone.kinds)  # the dictionary this worker's analyser was built from
    return analysis.Analysis(url=url, error=json.dumps({"shared": shared, "pid": os.getpid(), "entities": entities}))


SCRIPT = """
import asyncio, datetime as dt, json, os, sys
from crawler import analysis
from crawler.config import load_entities, load_sources
from tests.test_analysis_pool_sharing import report_sharing

async def run(pool):
    results = [await pool.analyse("", f"u{n}", "x", dt.datetime.now(dt.timezone.utc)) for n in range(4)]
    return [json.loads(result.error) for result in results]

entities = load_entities()
first = analysis.AnalysisPool(load_sources(), entities, workers=2, work=report_sharing)
one = asyncio.run(run(first))
state = first._state_file
first.close()
second = analysis.AnalysisPool(load_sources(), entities[:5], workers=2, work=report_sharing)
two = asyncio.run(run(second))
second.close()
print(json.dumps({"first": one, "second": two, "state_left": state is not None and os.path.exists(state),
                  "env_left": analysis.ANALYSER_STATE_ENV in os.environ}))
"""


def test_analysis_pool_workers_share_the_analyser_the_forkserver_built():
    output = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, check=True, capture_output=True, text=True,
                            timeout=300).stdout
    result = json.loads(output.strip().splitlines()[-1])
    assert all(worker["shared"] for worker in result["first"]), result
    assert len({worker["entities"] for worker in result["first"]}) == 1 and result["first"][0]["entities"] > 5
    # another dictionary, same forkserver: these workers built their own analyser
    assert not any(worker["shared"] for worker in result["second"]), result
    assert {worker["entities"] for worker in result["second"]} == {5}
    assert result["state_left"] is False and result["env_left"] is False
