#!/usr/bin/env python3
"""Writes the fuzz corpora (fuzz/corpus/<target>/) from the shared vectors in tests/vectors/.

Generated at run time by `make fuzz` / `make fuzz-smoke`; never committed. Token targets get
every vector token (and its redacted and truncated forms), the hostname target every hostname
and region, the CLI target argument vectors (NUL-separated, 0xff then stdin) for inspect and
verify, the structured targets (verify_token, sign_roundtrip, ffi, pam_password, diagnose)
byte strings laid out the way their readers consume them.
"""
from __future__ import annotations

import hashlib
import json
import pathlib
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "corpus"


def cases():
    for name in ("rds.json", "dsql.json", "errors.json", "public.json"):
        yield from json.loads((ROOT / "tests" / "vectors" / name).read_text())["cases"]


def put(target: str, data: bytes) -> None:
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> None:
    tokens, hosts, regions = [], set(), set()
    for c in cases():
        hosts.add(c["hostname"])
        if c.get("region"):
            regions.add(c["region"])
        if c.get("expected_token"):
            tokens.append(c["expected_token"])
    for t in tokens:
        b = t.encode()
        put("parse_token", b)
        put("parse_token", b[: len(b) // 2])
        put("ffi", bytes([64, len(b[:255]) & 0xFF]) + b[:255])
        put("cli", b"inspect\0" + b)
        put("cli", b"inspect\0--json\0-\xff" + b + b"\n")
        put("cli", b"verify\0--now\0" + str(1478540400).encode() + b"\0" + b)
        now = struct.pack("<q", 1478540400)
        put("diagnose", now + b"\x2c\x01\x00\x00" + b"\x38\x15" + b"\x00\x00" + b"\x00\x04\x07" + b)
        put("pam_password", b"\x00\x08app_user" + b)
    for h in hosts:
        put("hostname_region", h.encode())
        put("ffi", bytes([16, 0]) + bytes([min(len(h.encode()), 80)]) + h.encode()[:80])
    for r in regions:
        put("hostname_region", r.encode())
    # Structured targets: a spread of small seeds (every first-byte choice).
    for i in range(64):
        seed = bytes([i, (i * 7) & 0xFF, i ^ 0x5A, 3, 1, 0x38, 0x15]) + b"app_user" + bytes(24)
        for t in ("verify_token", "sign_roundtrip", "pam_password", "ffi"):
            put(t, seed)
    n = sum(1 for _ in OUT.rglob("*") if _.is_file())
    print(f"seed: {len(tokens)} vector tokens, {len(hosts)} hostnames, {len(regions)} regions -> {n} corpus files in {OUT}")


if __name__ == "__main__":
    main()
