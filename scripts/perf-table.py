#!/usr/bin/env python3
"""Runs the benchmarks once and prints README's performance tables in markdown (`make bench-table`).

    make bench-table            # core (criterion), Python and Node benches, then the tables
    python3 scripts/perf-table.py --from DIR   # tables from a previous run's outputs in DIR

Every number in the tables comes from this one run: the Rust core against its SHA-256
compression floor and against aws-sigv4 (`make bench-core`), Python against boto3
(`make bench-python`), Node against @aws-sdk/rds-signer (`make bench-node`), each surface's
time over the core's own (measured in the same process), cold starts and artifact sizes. The
load average before and after goes into the caption: on a loaded machine every time grows, the
ratios of one run much less. The raw outputs stay in DIR (default: target/perf-table).
About 6-10 minutes on a 2-vCPU machine with warm builds (a full run took 6 min 37 s at load
average 7.8 falling to 2.8: core 161 s, Python 134 s, Node 102 s, the rest building).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def run(name: str, command: list[str], out_dir: Path, env: dict[str, str] | None = None) -> str:
    """Runs a make target, echoing and keeping its output."""
    print(f"== {' '.join(command)}", file=sys.stderr, flush=True)
    started = time.monotonic()
    proc = subprocess.run(command, cwd=REPO, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    (out_dir / f"{name}.txt").write_text(proc.stdout)
    print(proc.stdout[-3000:], file=sys.stderr)
    print(f"== {name}: {time.monotonic() - started:.0f} s, exit {proc.returncode}", file=sys.stderr, flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed (output in {out_dir / (name + '.txt')})")
    return proc.stdout


def ns(seconds: float) -> str:
    return f"{seconds * 1e9:.0f} ns" if seconds < 1e-5 else f"{seconds * 1e6:.1f} µs"


def core_rows(text: str) -> list[str]:
    rows = ["| Rust core, per token | time | against its SHA-256 compression floor (criterion medians / interleaved rounds) |",
            "|---|---|---|"]
    names = {"rds": "RDS, `Signer` (cached key and layout)", "rds_session_token_800": "RDS, 800-char session token",
             "dsql": "DSQL"}
    pattern = re.compile(r"^\s+(\w+)\s+(\d+) ns, floor\s+(\d+) blocks\s+(\d+) ns: ([\d.]+)x \(criterion medians\); ([\d.]+)x",
                         re.M)
    for name, ours, blocks, floor, criterion, interleaved in pattern.findall(text):
        rows.append(f"| {names.get(name, name)} | {ours} ns | {criterion}× / {interleaved}× "
                    f"(floor: {blocks} compressions, {floor} ns; target ≤ 1.3×) |")
    sigv4 = re.search(r"aws-sigv4 presign is ([\d.]+)x the Signer", text)
    if sigv4:
        rows.append(f"| `aws-sigv4` full presign path, same request | | we are {sigv4.group(1)}× faster |")
    return rows


def python_rows(data: dict) -> list[str]:
    calls = data["calls"]
    rows = ["| Python, per call | plain | 800-char session token | over the core (plain / token) | × boto3 (plain / token) |",
            "|---|---|---|---|---|"]
    cases = [("core `Signer.sign`, in the same process", "core Signer.sign (in process)", False),
             ("`generate_auth_token`, `Credentials` (target ≤ core + 150 ns, ≥ 110×)", "generate_auth_token, Credentials", True),
             ("`generate_auth_token`, dict (target ≤ core + 400 ns)", "generate_auth_token, dict", True),
             ("`generate_auth_token`, botocore `Credentials` (target ≤ core + 400 ns)",
              "generate_auth_token, botocore Credentials", True),
             ("`generate_auth_token`, environment", "generate_auth_token, env", True),
             ("boto3 `generate_db_auth_token`", "boto3 client.generate_db_auth_token", False)]
    for title, key, ours in cases:
        plain, token = calls[f"plain: {key}"], calls[f"session token 800: {key}"]
        core_p, core_t = calls["plain: core Signer.sign (in process)"], calls["session token 800: core Signer.sign (in process)"]
        boto_p = calls["plain: boto3 client.generate_db_auth_token"]
        boto_t = calls["session token 800: boto3 client.generate_db_auth_token"]
        over = f"+{(plain - core_p) * 1e9:.0f} / +{(token - core_t) * 1e9:.0f} ns" if ours else ""
        ratio = f"{boto_p / plain:.0f}× / {boto_t / token:.0f}×" if ours else ""
        rows.append(f"| {title} | {ns(plain)} | {ns(token)} | {over} | {ratio} |")
    return rows


def node_rows(data: dict) -> list[str]:
    calls = data["calls"]
    plain, token = calls["plain credentials"], calls["800-char session token"]
    rows = ["| Node, per call | plain | 800-char session token | over the core (plain / token) | × `@aws-sdk/rds-signer` (plain / token) |",
            "|---|---|---|---|---|"]
    cases = [("core `Signer::sign`, in the same process", "core", False),
             ("`generateAuthToken`, a `Credentials` object (target ≤ core + 300 ns, ≥ 30×)", "credentialsObject", True),
             ("`generateAuthToken`, a plain identity object (target ≤ core + 300 ns)", "plainObject", True),
             ("`Signer.getAuthToken()`, cached token", "signerCached", True),
             ("`@aws-sdk/rds-signer` `getAuthToken()`", "rdsSigner", False)]
    for title, key, ours in cases:
        p, t = plain[key], token[key]
        over = f"+{p - plain['core']:.0f} / +{t - token['core']:.0f} ns" if ours and key != "signerCached" else ""
        ratio = f"{plain['rdsSigner'] / p:.0f}× / {token['rdsSigner'] / t:.0f}×" if ours else ""
        rows.append(f"| {title} | {ns(p / 1e9)} | {ns(t / 1e9)} | {over} | {ratio} |")
    return rows


def cold_and_size_rows(py: dict, py_text: str, node: dict) -> list[str]:
    rows = ["| cold start and size | value |", "|---|---|"]
    cold = py["cold"]
    rows.append(f"| Python: `import auroraiam` + first token, over a bare `python -c pass` (target ≤ 10 ms) | "
                f"{cold['import auroraiam + first token, over bare'] * 1e3:.1f} ms "
                f"(boto3: {cold['import boto3 + first token, over bare'] * 1e3:.0f} ms) |")
    for name, label in (("auroraiam generateAuthToken", "Node: require + first `generateAuthToken`"),
                        ("@aws-sdk/rds-signer", "Node: require + first `@aws-sdk/rds-signer` token")):
        if name in node.get("cold", {}):
            c = node["cold"][name]
            rows.append(f"| {label}, over bare `node -e ''` (wall / CPU) | +{c['overBareWall']:.1f} / +{c['overBareCpu']:.1f} ms |")
    for pattern, label in ((r"default \(credential chain\)\s+(\d+) KiB wheel", "Python wheel, with the credential chain"),
                           (r"slim \(--no-default-features\)\s+(\d+) KiB wheel", "Python wheel, slim")):
        m = re.search(pattern, py_text)
        if m:
            rows.append(f"| {label} | {m.groups()[-1]} KiB |")
    size = node.get("size", {})
    if "tarball" in size:
        rows.append(f"| npm tarball, with the credential chain | {size['tarball'] / 1024:.0f} KiB (addon {size['addon'] / 1024:.0f} KiB) |")
    if "slimTarball" in size:
        rows.append(f"| npm tarball, slim | {size['slimTarball'] / 1024:.0f} KiB (addon {size['slimAddon'] / 1024:.0f} KiB) |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(REPO / "target" / "perf-table"), help="where the raw outputs go")
    parser.add_argument("--from", dest="from_dir", help="print the tables from a previous run's outputs")
    args = parser.parse_args()
    out = Path(args.from_dir or args.out)
    if not args.from_dir:
        out.mkdir(parents=True, exist_ok=True)
        before, started = load(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        run("core", ["make", "--no-print-directory", "bench-core"], out)
        run("python", ["make", "--no-print-directory", "bench-python", f"PY_BENCH_ARGS=--json {out / 'python.json'}"], out)
        run("node", ["make", "--no-print-directory", "bench-node"], out, {"BENCH_JSON": str(out / "node.json")})
        (out / "meta.json").write_text(json.dumps({"before": before, "after": load(), "started": started}))
    meta = json.loads((out / "meta.json").read_text())
    py = json.loads((out / "python.json").read_text())
    node = json.loads((out / "node.json").read_text())
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"Measured by `make bench-table` ({meta['started']}) on {cpu}, {os.cpu_count()} vCPUs; load average "
          f"(1/5/15 min, `uptime`) {meta['before']} before and {meta['after']} after. Per-call times are CPU "
          "time of the benchmarking thread (Python) or process (Node), medians of interleaved rounds; "
          "ratios compare numbers from the same run.\n")
    for rows in (core_rows((out / "core.txt").read_text()), python_rows(py), node_rows(node),
                 cold_and_size_rows(py, (out / "python.txt").read_text(), node)):
        print("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
