"""The oldest Rust that builds a workspace crate from this checkout: the newest `rust-version`
declared by the crate or by any crate it needs (normal and build dependencies, as resolved in the
committed Cargo.lock for x86_64 Linux). Cargo refuses to build a dependency whose rust-version is
newer than the running rustc, so this floor, not the crate's own rust-version field, is what a
build from a checkout (or from the sdist, which carries Cargo.lock) needs.

    python3 packaging/rust_floor.py PACKAGE    prints e.g. "1.94.1 aws-types" (floor, the crate setting it)
"""

import json
import subprocess
import sys


def main() -> None:
    package = sys.argv[1]
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", "x86_64-unknown-linux-gnu"],
        capture_output=True, text=True, check=True).stdout)
    packages = {p["id"]: p for p in meta["packages"]}
    deps = {n["id"]: n["deps"] for n in meta["resolve"]["nodes"]}
    [root] = [i for i in meta["workspace_members"] if packages[i]["name"] == package]
    seen, todo = set(), [root]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo += [d["pkg"] for d in deps[current] if any(k["kind"] in (None, "build") for k in d["dep_kinds"])]
    key = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
    floor = max(((packages[i]["rust_version"], packages[i]["name"]) for i in seen if packages[i].get("rust_version")),
                key=lambda f: (key(f[0]), f[1]))
    print(*floor)


if __name__ == "__main__":
    main()
