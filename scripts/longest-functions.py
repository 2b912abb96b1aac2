#!/usr/bin/env python3
"""The longest functions under src/ (lines from `fn` to its closing brace),
and with --files the largest files.

    python3 scripts/longest-functions.py [N]          # the N longest (default 15)
    python3 scripts/longest-functions.py --files [N]  # the N largest files

Brace matching skips string and char literals and comments well enough for
this code base; it is a reading aid for reviews, not a parser.
"""
import pathlib
import re
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def strip(line):
    """The line without string/char literals and // comments."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])'", "''", line)
    return line.split("//", 1)[0]


def functions(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    i = 0
    while i < len(lines):
        m = FN.match(lines[i])
        if not m:
            i += 1
            continue
        depth, opened, j = 0, False, i
        while j < len(lines):
            s = strip(lines[j])
            if not opened and ";" in s and "{" not in s:
                break  # a declaration without a body
            depth += s.count("{") - s.count("}")
            opened |= "{" in s
            if opened and depth <= 0:
                out.append((j - i + 1, f"{path}:{i + 1}", m.group(6)))
                break
            j += 1
        i += 1
    return out


def main():
    args = sys.argv[1:]
    files = "--files" in args
    args = [a for a in args if a != "--files"]
    n = int(args[0]) if args else 15
    root = pathlib.Path(__file__).resolve().parent.parent / "src"
    if files:
        sizes = [(len(p.read_text(encoding="utf-8").splitlines()), p.relative_to(root.parent))
                 for p in sorted(root.rglob("*.rs"))]
        for length, path in sorted(sizes, reverse=True)[:n]:
            print(f"{length:5}  {path}")
        return
    fns = [f for p in sorted(root.rglob("*.rs")) for f in functions(p.relative_to(root.parent))]
    for length, where, name in sorted(fns, reverse=True)[:n]:
        print(f"{length:5}  {name:32} {where}")


if __name__ == "__main__":
    main()
