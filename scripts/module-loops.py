#!/usr/bin/env python3
"""Finds import loops between the modules of each Rust crate of the workspace.

A module `a` depends on module `b` of the same crate when `a.rs` names `crate::b` (in a `use` or a
path). Each crate's modules must form a graph without cycles, so every crate reads bottom-up
(see docs/architecture.md). Prints every cycle and exits 1 if there is one:

    python3 scripts/module-loops.py            # core ffi cli bindings/python bindings/node pam
    python3 scripts/module-loops.py core/src   # one crate

Only top-level modules are nodes (`src/<name>.rs`, or a directory `src/<name>/` with its files); `#[cfg(test)]` code is
skipped (tests may use anything).
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATES = ["core/src", "ffi/src", "cli/src", "bindings/python/src", "bindings/node/src", "pam/src"]
USE_GROUP = re.compile(r"\buse\s+crate::\{([^;]*)\}", re.S)
PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")


def strip(text: str) -> str:
    """The file without comments, string literals and its `#[cfg(test)] mod ... { }` block."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    cut = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text)
    return text[: cut.start()] if cut else text


def graph(src: Path) -> dict[str, set[str]]:
    modules = {p.stem: [p] for p in src.glob("*.rs") if p.stem not in ("lib", "main")}
    # A directory module (`src/policy/mod.rs` and its files) is one node.
    modules.update({d.name: sorted(d.rglob("*.rs")) for d in src.iterdir() if (d / "mod.rs").is_file()})
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, paths in modules.items():
        text = "\n".join(strip(path.read_text()) for path in paths)
        targets = set(PATH.findall(text))
        for group in USE_GROUP.findall(text):
            targets.update(re.findall(r"(?:^|,)\s*([a-z_][a-z0-9_]*)\s*(?:::|,|$)", group.strip()))
        edges[name] = {t for t in targets if t in modules and t != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    crates = sys.argv[1:] or CRATES
    found = False
    for crate in crates:
        edges = graph(ROOT / crate)
        for comp in cycles(edges):
            found = True
            inner = ", ".join(f"{a} -> {b}" for a in comp for b in sorted(edges[a]) if b in comp)
            print(f"{crate}: import loop between {', '.join(comp)} ({inner})")
    if not found:
        print(f"no import loops in {', '.join(crates)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
