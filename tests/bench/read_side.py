"""The read side: rebuilding every read model against reading the log, and the follower's lag.

Rebuild: ``foerderbuch projections rebuild`` (every model but the seal) and ``… rebuild seal`` on a copy
of the generated store, against a child that selects and decodes the same log and does nothing else
(``bare_read``). Both are child processes, timed from start to end (start-up included).

Lag: a follower (see ``follower.py``) runs beside a stream of commands given at a steady rate
(``stream.py``); the backlog — events in the log the read models have not applied — is sampled
every quarter second while the stream runs, and the time the follower needs to drain it afterwards.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.bench.common import ROOT, BenchError, child_env, foerderbuch, module, run_child, sqlite_url
from tests.bench.follower import Backlog, follower_command


def rebuild(store: Path) -> dict[str, Any]:
    env = child_env(sqlite_url(store))
    models = run_child(foerderbuch("projections", "rebuild"), env).check("foerderbuch projections rebuild")
    seal = run_child(foerderbuch("projections", "rebuild", "seal", "--reason", "Benchmark"), env).check(
        "foerderbuch projections rebuild seal"
    )
    bare = run_child(module("bare_read"), env).check("bare_read")
    figures = json.loads(bare.stdout.strip().splitlines()[-1])
    return {
        "ours_seconds": models.seconds + seal.seconds,
        "ours_models_seconds": models.seconds,
        "ours_seal_seconds": seal.seconds,
        "ours_peak_mb": max(models.peak_mb, seal.peak_mb),
        "ours_cpu_seconds": models.cpu_seconds + seal.cpu_seconds,
        "bare_seconds": bare.seconds,
        "bare_cpu_seconds": bare.cpu_seconds,
        "bare_read_seconds": figures["seconds"],
        "bare_peak_mb": bare.peak_mb,
        "events": figures["events"],
    }


def follower_lag(store: Path, manifest_file: Path, rate: float, seconds: float) -> dict[str, Any]:
    """The backlog behind a stream of ``rate`` commands per second for ``seconds``, and the drain time."""
    from foerderbuch.settings import Settings

    url = sqlite_url(store)
    env = child_env(url)
    command, kind = follower_command()
    follower = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    backlog = Backlog(Settings(database_url=url))
    samples: list[int] = []
    try:
        ready = time.perf_counter() + 120
        while backlog.behind() and time.perf_counter() < ready:  # the follower first catches up what is there
            time.sleep(0.25)
        stream = subprocess.Popen(
            module("stream", str(manifest_file), "--rate", str(rate), "--seconds", str(seconds)),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while stream.poll() is None:
            samples.append(backlog.behind())
            time.sleep(0.25)
        out, err = stream.communicate()
        if stream.returncode != 0:
            raise BenchError(f"The command stream ended with status {stream.returncode}:\n{err[-2000:]}")
        streamed = json.loads(out.strip().splitlines()[-1])
        ended = time.perf_counter()
        drain = None
        while time.perf_counter() - ended < 120:
            if backlog.behind() == 0:
                drain = time.perf_counter() - ended
                break
            time.sleep(0.05)
        if follower.poll() is not None:
            raise BenchError(f"The follower ended early:\n{follower.stderr.read().decode()[-2000:]}")
    finally:
        if follower.poll() is None:
            follower.send_signal(signal.SIGTERM)
            try:
                follower.wait(timeout=30)
            except subprocess.TimeoutExpired:
                follower.kill()
                follower.wait()
        backlog.close()
    return {
        "follower": kind,
        "commands": streamed["commands"],
        "events": streamed["events"],
        "commands_per_second": streamed["commands"] / streamed["seconds"],
        "backlog_mean": sum(samples) / len(samples) if samples else 0,
        "backlog_max": max(samples) if samples else 0,
        "drain_seconds": drain,
    }
