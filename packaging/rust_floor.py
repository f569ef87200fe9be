"""The oldest Rust that builds a workspace crate from this checkout: the newest `rust-version`
declared by the crate or by any crate it needs (normal and build dependencies, as resolved in the
committed Cargo.lock for x86_64 Linux). Cargo refuses to build a dependency whose rust-version is
newer than the running rustc, so this floor, not the crate's own rust-version field, is what a
build from a checkout (or from the sdist, which carries Cargo.lock) needs.

    python3 packaging/rust_floor.py PACKAGE    prints e.g. "1.94.1 aws-types" (floor, the crate setting it)
    python3 packaging/rust_floor.py --check    fails unless every workspace member's own
                                               `rust-version` is its floor (make test-dist)
"""

import json
import subprocess
import sys


def floors() -> dict[str, tuple[str, str, str | None]]:
    """Every workspace member: (floor, the crate setting it, the member's own rust-version)."""
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", "x86_64-unknown-linux-gnu"],
        capture_output=True, text=True, check=True).stdout)
    packages = {p["id"]: p for p in meta["packages"]}
    deps = {n["id"]: n["deps"] for n in meta["resolve"]["nodes"]}
    key = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
    out = {}
    for root in meta["workspace_members"]:
        seen, todo = set(), [root]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo += [d["pkg"] for d in deps[current] if any(k["kind"] in (None, "build") for k in d["dep_kinds"])]
        floor = max(((packages[i]["rust_version"], packages[i]["name"]) for i in seen if packages[i].get("rust_version")),
                    key=lambda f: (key(f[0]), f[1]))
        out[packages[root]["name"]] = (*floor, packages[root].get("rust_version"))
    return out


def main() -> None:
    if sys.argv[1] == "--check":
        found = floors()
        bad = [f"{name} states rust-version {own} but needs {floor} (set by {by} in Cargo.lock)"
               for name, (floor, by, own) in sorted(found.items()) if own != floor]
        for line in bad:
            print(f"rust_floor: {line}", file=sys.stderr)
        if bad:
            sys.exit(1)
        print(f"rust_floor: every workspace member states its floor ({', '.join(sorted({f[0] for f in found.values()}))})")
        return
    floor, by, _ = floors()[sys.argv[1]]
    print(floor, by)


if __name__ == "__main__":
    main()
