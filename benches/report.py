#!/usr/bin/env python3
"""Turns one run of benches/run.sh into Markdown tables (printed, and written into BENCHMARKS.md
between the `<!-- results:begin -->` / `<!-- results:end -->` markers with --write).

Usage: report.py RESULTS_DIR [RESULTS_DIR ...] [--write BENCHMARKS.md]

With several folders (e.g. a 50,000-page run made apart), sizes are merged; a size found in a
later folder replaces the earlier one. The header describes the first folder.
"""
import os
import re
import statistics
import sys

TOOLS = ["bangtin", "hugo", "zola"]
FLOORS = [
    ("floor-io", "floor: read input + write output bytes"),
    ("floor-md", "floor: read + pulldown-cmark parse + HTML"),
    ("floor-full", "floor: read + parse + HTML + write output"),
]


def kv(path):
    d = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                d[k] = v
    return d


def runs(path):
    """Per-run (wall s, cpu s, rss MB) from /usr/bin/time lines."""
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if len(parts) != 4:
            continue  # "Command exited with non-zero status" and the like
        try:
            wall, user, sys_, rss = (float(p) for p in parts)
        except ValueError:
            continue
        out.append((wall, user + sys_, rss / 1024))
    return out


def med(rs, i):
    return statistics.median(r[i] for r in rs) if rs else None


def fmt_s(x):
    if x is None:
        return "–"
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def ratio(a, b):
    if a is None or not b:
        return "–"
    return f"{a / b:.2f}×"


def size_label(n):
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    target = args[args.index("--write") + 1] if "--write" in args else None
    dirs = [a for a in args if a != "--write" and a != target]
    env = kv(os.path.join(dirs[0], "env"))
    where = {}
    for r in dirs:
        for d in os.listdir(r):
            if d.isdigit():
                where[int(d)] = os.path.join(r, d)
    sizes = sorted(where)
    lines = []
    w = lines.append
    w(f"Measured on this machine on **{env.get('date', '?')}**, bangtin {env.get('commit', '?')}; "
      f"{env.get('cpu', '?')}, {env.get('mem', '?')} RAM; {env.get('hugo', '?')}; "
      f"Zola: {env.get('zola', '?')}; {env.get('hyperfine', '?')}. "
      f"Outputs written to a `{env.get('outfs', '?')}` file system.")
    w("")
    w(f"Every figure is the **median of {env.get('runs', '?')} runs** (hyperfine, each run wrapped in "
      "`/usr/bin/time`: wall clock, user+sys CPU, peak RSS). The machine is shared and was loaded "
      "by other work (load average before/after each size below), so wall times are noisy; CPU "
      "time and memory are steadier. Ratios compare medians of the same run.")
    scale = {}
    for n in sizes:
        d = where[n]
        inp = kv(os.path.join(d, "input"))
        denv = kv(os.path.join(os.path.dirname(d), "env"))
        m = {}
        for label in TOOLS + [f[0] for f in FLOORS] + ["bangtin-rebuild", "floor-hash"]:
            rs = runs(os.path.join(d, f"{label}.time"))
            if rs:
                m[label] = (med(rs, 0), med(rs, 1), med(rs, 2), min(r[0] for r in rs), max(r[0] for r in rs))
        hugo = m.get("hugo")
        floor = m.get("floor-full")
        w("")
        w(f"### {n:,} pages".replace(",", " "))
        w("")
        w(f"Input: {int(inp.get('files', 0)):,} Markdown files, {int(inp.get('bytes', 0)) / 1e6:.1f} MB. "
          f"Measured {inp.get('date', denv.get('date', '?'))}, {denv.get('runs', '?')} runs, outputs on "
          f"`{denv.get('outfs', '?')}`. Load average before: {inp.get('load_before', '?')}; after: "
          f"{inp.get('load_after', '?')}.")
        w("")
        w("| build | wall (median) | wall min–max | CPU user+sys | peak RSS | wall ÷ Hugo | CPU ÷ Hugo | RSS ÷ Hugo | wall ÷ floor | output |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for t in TOOLS:
            if t not in m:
                continue
            wall, cpu, rss, lo, hi = m[t]
            o = kv(os.path.join(d, f"{t}.out"))
            out = f"{int(o.get('bytes', 0)) / 1e6:.0f} MB, {int(o.get('files', 0)):,} files ({int(o.get('html', 0)):,} .html)"
            w(f"| {t} clean build | {fmt_s(wall)} | {fmt_s(lo)}–{fmt_s(hi)} | {fmt_s(cpu)} | {rss:.0f} MB | "
              f"{ratio(wall, hugo and hugo[0])} | {ratio(cpu, hugo and hugo[1])} | {ratio(rss, hugo and hugo[2])} | "
              f"{ratio(wall, floor and floor[0])} | {out} |")
            scale.setdefault(t, {})[n] = (wall, cpu, rss)
        for label, name in FLOORS:
            if label in m:
                wall, cpu, rss, lo, hi = m[label]
                w(f"| {name} | {fmt_s(wall)} | {fmt_s(lo)}–{fmt_s(hi)} | {fmt_s(cpu)} | {rss:.0f} MB | "
                  f"{ratio(wall, hugo and hugo[0])} | {ratio(cpu, hugo and hugo[1])} | – | {ratio(wall, floor and floor[0])} | same files as bangtin |")
                scale.setdefault(label, {})[n] = (wall, cpu, rss)
        if "bangtin-rebuild" in m:
            rb, fh = m["bangtin-rebuild"], m.get("floor-hash")
            w("")
            w("| no-change rebuild | wall (median) | CPU user+sys | peak RSS | ÷ walk + hash |")
            w("| --- | ---: | ---: | ---: | ---: |")
            w(f"| bangtin build into the same output again | {fmt_s(rb[0])} | {fmt_s(rb[1])} | {rb[2]:.0f} MB | {ratio(rb[0], fh and fh[0])} |")
            if fh:
                w(f"| floor: walk the site folder + XXH3 every file | {fmt_s(fh[0])} | {fmt_s(fh[1])} | {fh[2]:.0f} MB | 1.00× |")
            scale.setdefault("bangtin-rebuild", {})[n] = rb[:3]
    if len(sizes) > 1:
        base = sizes[0]
        w("")
        w(f"### Scaling (wall and CPU per 1,000 pages; linear = the same figure at every size)")
        w("")
        head = " | ".join(f"{size_label(n)}: wall / CPU per 1k" for n in sizes)
        w(f"| build | {head} | CPU growth {size_label(base)} → {size_label(sizes[-1])} (linear = {sizes[-1] / base:.0f}×) | peak RSS |")
        w("| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | --- |")
        for t, per in scale.items():
            cells = []
            for n in sizes:
                if n in per:
                    cells.append(f"{per[n][0] / n * 1000:.2f} s / {per[n][1] / n * 1000:.2f} s")
                else:
                    cells.append("–")
            growth = "–"
            if base in per and sizes[-1] in per and per[base][1]:
                growth = f"{per[sizes[-1]][1] / per[base][1]:.1f}×"
            rss = " → ".join(f"{per[n][2]:.0f}" for n in sizes if n in per) + " MB"
            w(f"| {t} | " + " | ".join(cells) + f" | {growth} | {rss} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if target:
        begin, end = "<!-- results:begin -->", "<!-- results:end -->"
        block = f"{begin}\n{text}{end}"
        old = open(target, encoding="utf-8").read() if os.path.exists(target) else "# Benchmarks\n"
        if begin in old and end in old:
            new = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, old, flags=re.S)
        else:
            new = old.rstrip("\n") + "\n\n## Results\n\n" + block + "\n"
        with open(target, "w", encoding="utf-8") as f:
            f.write(new)
        print(f"written to {target}")


if __name__ == "__main__":
    main()
