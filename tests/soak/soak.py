"""Soak driver for the Python surface (tests/soak/run.sh, docs/reliability.md).

  python soak.py rss TOKENS          one-shot (generate_auth_token) then cached (Signer.get_token):
                                     TOKENS tokens each, RSS sampled
  python soak.py rotation SECONDS M  16 threads and 16 asyncio tasks call one Signer over the
                                     default chain (pointed at the loopback emulator by run.sh),
                                     refresh margin M s

Prints the lines every surface's driver prints (tests/soak/check.py reads them).
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from typing import Callable

import auroraiam

HOST = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
USER = "app_user"
CREDENTIALS = auroraiam.Credentials(
    "AKIASOAKEXAMPLE00001",
    "soakSECRETexample/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "IQoJb3JpZ2luX2VjSOAKsessionTOKENexample0123456789abcdefghijklmnop",
)


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def rss_run(path: str, n: int, make_token: Callable[[], str]) -> None:
    warm, every = max(n // 10, 1), max(n // 100, 1)
    after = max_after = 0
    start = time.monotonic()
    done = 0
    while done < n:
        # Batches between samples keep the sampling out of the per-token loop.
        batch = warm - done if done < warm else min(every, n - done)
        for _ in range(batch):
            make_token()
        done += batch
        if done == warm:
            after = max_after = rss_kb()
        else:
            max_after = max(max_after, rss_kb())
    end = rss_kb()
    print(f"soak python {path}: {n} tokens in {time.monotonic() - start:.1f} s; RSS after warm-up {after} kB, "
          f"end {end} kB, growth {end - after} kB, max growth {max(max_after, end) - after} kB", flush=True)


def rss(n: int) -> None:
    generate = auroraiam.generate_auth_token
    rss_run("one-shot", n, lambda: generate(HOST, 5432, USER, "us-east-1", credentials=CREDENTIALS))
    signer = auroraiam.Signer(HOST, 5432, USER, "us-east-1", credentials=CREDENTIALS)
    rss_run("cached", n, signer.get_token)


def rotation(seconds: float, margin: int) -> None:
    signer = auroraiam.Signer(HOST, 5432, USER, "us-east-1", refresh_margin=margin)
    seen: dict[str, list[float]] = {}  # token -> [first, last, calls, expires_at]
    lock = threading.Lock()
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def record(token: str, expires_at: float | None = None) -> None:
        now = time.time()
        with lock:
            entry = seen.get(token)
            if entry is None:
                if expires_at is None:  # a token first seen by an asyncio task
                    expires_at = -1.0
                seen[token] = [now, now, 1, expires_at]
            else:
                entry[1] = now
                entry[2] += 1
                if entry[3] < 0 and expires_at is not None:
                    entry[3] = expires_at

    def hammer() -> None:
        while time.monotonic() < stop:
            try:
                token, expires_at = signer.get_token_with_expiry()
                record(token, expires_at.timestamp())
            except auroraiam.AuroraIamError as e:
                errors.append(f"{e.code}: {e}")

    async def task() -> None:
        while time.monotonic() < stop:
            try:
                record(await signer.get_token_async())
            except auroraiam.AuroraIamError as e:
                errors.append(f"{e.code}: {e}")
            await asyncio.sleep(0)

    async def tasks() -> None:
        await asyncio.gather(*(task() for _ in range(16)))

    threads = [threading.Thread(target=hammer) for _ in range(16)]
    for t in threads:
        t.start()
    asyncio.run(tasks())
    for t in threads:
        t.join()
    for e in errors[:5]:
        print(f"soak python rotation: error: {e}", file=sys.stderr)
    for token, (first, last, calls, expires_at) in seen.items():
        print(json.dumps({"token": token, "first": first, "last": last, "calls": calls,
                          "expires_at": expires_at if expires_at >= 0 else None}))
    print(json.dumps({"summary": "python", "workers": "16 threads + 16 asyncio tasks",
                      "calls": sum(int(v[2]) for v in seen.values()), "errors": len(errors),
                      "fetches": signer._credential_fetch_count, "margin": margin}), flush=True)


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "rss":
        rss(int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000)
    elif mode == "rotation":
        rotation(float(sys.argv[2]) if len(sys.argv) > 2 else 30, int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    else:
        sys.exit("usage: soak.py rss TOKENS | rotation SECONDS [MARGIN]")


if __name__ == "__main__":
    main()
