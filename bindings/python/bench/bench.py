"""auroraiam vs boto3, side by side in one run (a benchmark script, not a test).

    make bench-python                 # builds the wheel, a venv with boto3, runs this
    python bench/bench.py --quick     # fewer repetitions

Prints, for the same inputs with and without an 800-character session token:
  * per-call medians of the core signing alone (in this process: `_core_sign_loop`),
    boto3.client("rds").generate_db_auth_token, and auroraiam.generate_auth_token (Credentials
    object, boto3-style dict, botocore Credentials object, environment) and
    auroraiam.generate_db_auth_token: each one's ratio to boto3 and its time over the core's.
    Timed by this thread's CPU time (--wall: wall clock), so a loaded machine disturbs it less;
  * cold start: `python -c "import auroraiam; <first token>"` against a bare `python -c pass` and
    the boto3 equivalent, medians over interleaved subprocess runs;
  * peak RSS of those three processes, the wheel size, and 1 vs 4 thread throughput.
Targets (issue #15): with a Credentials object <= core + 150 ns per call (>= 110x boto3), with a
dict or botocore object <= core + 400 ns; <= 10 ms cold import-and-first-token over a bare
interpreter; wheel <= 1 MB. --json PATH writes the medians for scripts/perf-table.py.
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import timeit
import zipfile
from typing import Any, Callable

HOST = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
PORT = 5432
USER = "app_user"
REGION = "us-east-1"
AKID = "AKIAIOSFODNN7EXAMPLE"
ASIA = "ASIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def session_token() -> str:
    """An STS-shaped session token of 800 characters (base64 alphabet with / + =)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out, x = ["IQoJb3JpZ2luX2VjE"], 12345
    while sum(map(len, out)) < 798:
        x = (x * 1_103_515_245 + 12_345) % 2**32
        out.append(alphabet[(x >> 16) % 64])
    return "".join(out) + "=="


def aws_env(key: str, token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=SECRET, AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true",
               AWS_DEFAULT_REGION=REGION)
    if token:
        env["AWS_SESSION_TOKEN"] = token
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cold starts use the installed .pyc files, as in production
    return env


def batch_size(run: Callable[[int], float], budget: float) -> int:
    """Calls per batch so that one batch takes about `budget` seconds."""
    run(1)
    number = 1
    while True:
        elapsed = run(number)
        if elapsed >= budget / 4 or number >= 10**7:
            return max(1, int(number * budget / max(elapsed, 1e-9)))
        number *= 4


def per_call(cases: list[tuple[str, Callable[[int], float]]], repeats: int, budget: float) -> dict[str, float]:
    """Median seconds per call of each case (`run(n)` times n calls). Batches are interleaved
    (case 1, case 2, ..., case 1, ...) so that load from other processes falls on every case alike."""
    numbers = {name: batch_size(run, budget) for name, run in cases}
    samples: dict[str, list[float]] = {name: [] for name, _ in cases}
    for _ in range(repeats):
        for name, run in cases:
            samples[name].append(run(numbers[name]) / numbers[name])
    return {name: statistics.median(times) for name, times in samples.items()}


def fmt_time(seconds: float) -> str:
    if abs(seconds) < 1e-6:
        return f"{seconds * 1e9:7.0f} ns"
    if abs(seconds) < 1e-3:
        return f"{seconds * 1e6:7.2f} µs"
    return f"{seconds * 1e3:7.2f} ms"


# The clock of the per-call timings: this thread's CPU time (time.thread_time), which time spent
# waiting for a core on a loaded machine does not inflate; `--wall` uses time.perf_counter.
CLOCK: Callable[[], float] = time.thread_time

# Targets (issue #15): per call over the core's own time for the same token.
OVERHEAD_TARGET_NS = {"Credentials": 150, "dict": 400, "botocore Credentials": 400}


def statement(stmt: str, names: dict[str, Any]) -> Callable[[int], float]:
    """`run(n)`: seconds for n executions of `stmt` (compiled by timeit into its own loop: no
    lambda or extra Python call per execution)."""
    timer = timeit.Timer(stmt, globals=names, timer=CLOCK)
    return lambda n: timer.timeit(number=n)


def bench_calls(repeats: int, budget: float) -> dict[str, float]:
    import boto3
    import botocore.credentials

    import auroraiam
    from auroraiam._auroraiam import _core_sign_loop

    results: dict[str, float] = {}
    token = session_token()
    for label, key, tok in (("plain", AKID, None), ("session token 800", ASIA, token)):
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            del os.environ[name]
        os.environ.update({k: v for k, v in aws_env(key, tok).items() if k.startswith("AWS_")})
        creds = auroraiam.Credentials(key, SECRET, tok)
        mapping = {"aws_access_key_id": key, "aws_secret_access_key": SECRET, "aws_session_token": tok}
        boto_creds = botocore.credentials.Credentials(key, SECRET, tok)
        client = boto3.client("rds", region_name=REGION, aws_access_key_id=key, aws_secret_access_key=SECRET,
                              aws_session_token=tok)
        names = {"gen": auroraiam.generate_auth_token, "dropin": auroraiam.generate_db_auth_token,
                 "client": client, "creds": creds, "mapping": mapping, "boto_creds": boto_creds,
                 "H": HOST, "P": PORT, "U": USER}
        # Same inputs, same second: the tokens must be identical (else the comparison is void).
        for _ in range(3):
            ours, theirs = names["gen"](HOST, PORT, USER, credentials=creds), client.generate_db_auth_token(HOST, PORT, USER)
            if ours == theirs:
                break
        else:
            raise SystemExit(f"auroraiam and boto3 disagree ({label}):\n{ours}\n{theirs}")

        def core(n: int) -> float:
            started = CLOCK()
            _core_sign_loop(creds, HOST, PORT, USER, n)
            return CLOCK() - started

        cases: list[tuple[str, Callable[[int], float]]] = [
            ("core Signer.sign (in process)", core),
            ("boto3 client.generate_db_auth_token", statement("client.generate_db_auth_token(H, P, U)", names)),
            ("generate_auth_token, Credentials", statement("gen(H, P, U, credentials=creds)", names)),
            ("generate_auth_token, dict", statement("gen(H, P, U, credentials=mapping)", names)),
            ("generate_auth_token, botocore Credentials", statement("gen(H, P, U, credentials=boto_creds)", names)),
            ("generate_auth_token, env", statement("gen(H, P, U)", names)),
            ("generate_db_auth_token, env", statement("dropin(H, P, U)", names)),
        ]
        print(f"\nper call, {label} (median of {repeats} interleaved batches, {CLOCK.__name__}):")
        medians = per_call(cases, repeats, budget)
        core_t, base = medians[cases[0][0]], medians[cases[1][0]]
        for name, t in medians.items():
            results[f"{label}: {name}"] = t
            line = f"  {name:45s} {fmt_time(t)}"
            if name.startswith("generate"):
                over = (t - core_t) * 1e9
                target = OVERHEAD_TARGET_NS.get(name.split(", ", 1)[1])
                goal = f" (target <= +{target} ns)" if target and name.startswith("generate_auth") else ""
                line += f"   {base / t:6.1f}x boto3   +{over:4.0f} ns over core{goal}"
            print(line)
    return results


def run_child(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


FIRST_TOKEN = f"import auroraiam; auroraiam.generate_auth_token({HOST!r}, {PORT}, {USER!r})"
BOTO3_TOKEN = (f"import boto3; boto3.client('rds', region_name={REGION!r})"
               f".generate_db_auth_token({HOST!r}, {PORT}, {USER!r})")
IMPORT_ONLY = "import auroraiam"


def bench_cold(runs: int) -> dict[str, float]:
    env = aws_env(AKID, None)
    programs = {"bare python -c pass": "pass", "import auroraiam": IMPORT_ONLY,
                "import auroraiam + first token": FIRST_TOKEN, "import boto3 + first token": BOTO3_TOKEN}
    for code in programs.values():  # warm the page cache and write any missing .pyc
        for _ in range(3):
            run_child(code, env)
    samples: dict[str, list[float]] = {name: [] for name in programs}
    order = list(programs)
    for _ in range(runs):  # every round runs each program once, in a fresh random order
        random.shuffle(order)
        for name in order:
            samples[name].append(run_child(programs[name], env))
    medians = {name: statistics.median(s) for name, s in samples.items()}
    bare = samples["bare python -c pass"]
    print(f"\ncold start (median of {runs} rounds of subprocess runs, {sys.executable};")
    print("  'over bare' is the median of the per-round differences):")
    for name, t in list(medians.items()):
        extra = ""
        if not name.startswith("bare"):
            over = statistics.median(a - b for a, b in zip(samples[name], bare))
            medians[f"{name}, over bare"] = over
            extra = f"   {fmt_time(over).strip()} over bare" + ("  (target <= 10 ms)" if "auroraiam +" in name else "")
        print(f"  {name:45s} {fmt_time(t)}{extra}")
    # The interpreter's own account of the import (cumulative µs of the `auroraiam` line).
    trace = subprocess.run([sys.executable, "-X", "importtime", "-c", IMPORT_ONLY], env=env, check=True,
                           capture_output=True, text=True).stderr
    line = [x for x in trace.splitlines() if x.rstrip().endswith("| auroraiam")][-1]
    print(f"  {'import auroraiam per -X importtime':45s} {int(line.split('|')[1]) / 1000:7.2f} ms cumulative")
    return medians


def bench_rss() -> dict[str, int]:
    env = aws_env(AKID, None)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec.
    tail = "; print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    out = {}
    print("\npeak RSS (VmHWM of the process):")
    for name, code in (("bare python", "pass"), ("auroraiam + first token", FIRST_TOKEN),
                       ("boto3 + first token", BOTO3_TOKEN)):
        kib = int(subprocess.run([sys.executable, "-c", code + tail], env=env, check=True, capture_output=True,
                                 text=True).stdout)
        out[name] = kib
        print(f"  {name:45s} {kib / 1024:7.1f} MiB")
    return out


def bench_wheel(pattern: str | None) -> None:
    paths = sorted(glob.glob(pattern)) if pattern else []
    if not paths:
        print("\nwheel: not given (--wheel PATH)")
        return
    path = paths[-1]
    with zipfile.ZipFile(path) as wheel:
        unpacked = sum(i.file_size for i in wheel.infolist())
        native = sum(i.file_size for i in wheel.infolist() if i.filename.endswith(".so"))
    print(f"\nwheel {os.path.basename(path)}: {os.path.getsize(path) / 1024:.0f} KiB "
          f"({unpacked / 1024:.0f} KiB unpacked, native module {native / 1024:.0f} KiB)")


def bench_threads(per_thread: int) -> None:
    import auroraiam

    creds = auroraiam.Credentials(AKID, SECRET)
    gen = auroraiam.generate_auth_token

    def work() -> None:
        for _ in range(per_thread):
            gen(HOST, PORT, USER, credentials=creds)

    print(f"\nthreads ({per_thread} tokens each; the GIL is held while signing):")
    for n in (1, 4):
        threads = [threading.Thread(target=work) for _ in range(n)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        print(f"  {n} thread(s): {n * per_thread / elapsed / 1e3:8.0f} k tokens/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", help="the built wheel (glob), for its size")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--wall", action="store_true", help="time calls by wall clock, not thread CPU time")
    parser.add_argument("--json", help="also write the per-call medians (seconds) here")
    args = parser.parse_args()
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter
    import auroraiam
    import boto3

    print(f"auroraiam {auroraiam.__version__}, boto3 {boto3.__version__}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    calls = bench_calls(repeats=5 if args.quick else 21, budget=0.05 if args.quick else 0.1)
    cold = bench_cold(runs=10 if args.quick else 40)
    if args.json:
        import json

        with open(args.json, "w") as out:
            json.dump({"calls": calls, "cold": cold, "load": os.getloadavg()[0]}, out, indent=1)
    bench_rss()
    bench_wheel(args.wheel)
    bench_threads(20_000 if args.quick else 200_000)


if __name__ == "__main__":
    main()
