"""Checks a rotation run (tests/soak/run.sh): reads the JSON lines a surface's driver printed,
one per distinct token plus a summary, and the loopback emulator's records, and fails unless

  * every token verifies (auroraiam.verify_token, every expectation set) with the secret the
    emulator minted for its access key id, at the first and at the last time it was handed out;
  * no token was handed out at or after the expiry of its credentials or of itself, nor within
    the refresh margin of it (whole seconds: the emulator's expiries are whole seconds);
  * the driver saw no error;
  * every credential fetch the emulator answered is used by exactly one signer (one fetch per
    rotation per signer, never one per thread), and the fetch count the surface reports (when it
    reports one) equals the emulator's.

Prints one figure line. Usage: check.py EMULATOR_URL SURFACE_OUTPUT_FILE SECONDS ROTATION_S
"""

from __future__ import annotations

import json
import sys
import urllib.request
from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

import auroraiam

HOST = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def main() -> None:
    emulator, output, seconds, rotation_s = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    entries, summary = [], None
    with open(output) as f:
        for line in f:
            if line.startswith("{"):
                item = json.loads(line)
                if "summary" in item:
                    summary = item
                else:
                    entries.append(item)
    if summary is None:
        sys.exit(f"check: no summary line in {output}")
    margin = summary["margin"]
    wrong, expired, within_margin = [], [], []
    keys_per_signer: dict[object, set[str]] = defaultdict(set)
    minted_cache: dict[str, dict] = {}
    for e in entries:
        token = e["token"]
        query = parse_qs(urlsplit("x://" + token).query)
        akid = query["X-Amz-Credential"][0].split("/")[0]
        keys_per_signer[e.get("signer", 0)].add(akid)
        minted = minted_cache.get(akid) or get(f"{emulator}/_control/secret/{akid}")
        minted_cache[akid] = minted
        if not minted.get("secret"):
            wrong.append(f"{akid}: not minted by the emulator")
            continue
        info = None
        for at in (e["first"], e["last"]):
            try:
                info = auroraiam.verify_token(token, {akid: minted["secret"]}, now=at, expect_hostname=HOST,
                                              expect_port=5432, expect_username="app_user",
                                              expect_region="us-east-1")
            except auroraiam.AuroraIamError as err:
                wrong.append(f"{akid} at {at:.3f}: {err.code}: {err}")
        if info is None:
            continue
        if query.get("X-Amz-Security-Token", [None])[0] != minted["session_token"]:
            wrong.append(f"{akid}: session token differs from the minted one")
        expiry = min(minted["expiration_epoch"], info.expires_at.timestamp())
        if e["last"] >= expiry:
            expired.append(f"{akid}: handed out at {e['last']:.3f}, expired at {expiry}")
        elif expiry - e["last"] < margin - 1:
            within_margin.append(f"{akid}: handed out {expiry - e['last']:.1f} s before expiry (margin {margin})")
        if e.get("expires_at") is not None and e["expires_at"] > minted["expiration_epoch"]:
            expired.append(f"{akid}: reported expiry {e['expires_at']} after its credentials' {minted['expiration_epoch']}")
    stats = get(f"{emulator}/_control/stats")
    fetched = stats["ecs"]
    used = sum(len(k) for k in keys_per_signer.values())
    per_signer = max(len(k) for k in keys_per_signer.values()) if keys_per_signer else 0
    # Rotations expected per signer: one at the start, then one per rotation period (+1 for the
    # whole-second rounding of the emulator's expiries).
    most = int(seconds / rotation_s) + 2
    problems = wrong + expired + within_margin
    if summary["errors"]:
        problems.append(f"{summary['errors']} errors during the run")
    if fetched != used:
        problems.append(f"the emulator answered {fetched} fetches but the signers used {used} credentials")
    if summary.get("fetches") is not None and summary["fetches"] != fetched:
        problems.append(f"the surface counted {summary['fetches']} fetches, the emulator {fetched}")
    if per_signer > most or per_signer < max(1, int(seconds / rotation_s) // 2):
        problems.append(f"{per_signer} credentials for one signer in {seconds} s (rotation every {rotation_s} s)")
    print(f"soak {summary['summary']} rotation: {summary['workers']}, {seconds:.0f} s, {summary['calls']} tokens handed "
          f"out, {len(entries)} distinct, {fetched} credential fetches for {len(keys_per_signer)} signer(s) "
          f"({per_signer} per signer), {len(wrong)} wrong, {len(expired)} expired, {len(within_margin)} within "
          f"the margin, {summary['errors']} errors")
    for p in problems[:10]:
        print(f"  FAIL: {p}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
