#!/usr/bin/env python3
"""Write-to-served probe of `bangtin serve` (used by benches/preview.sh).

Starts the real server on a site folder, then measures:
- startup: spawn -> first 200 of `/`;
- body edit -> served: a paragraph appended to a page, polled on that page's URL;
- title edit -> section listing: the `title = ...` line of the section's newest page changed,
  polled on the section's first listing page;
- peak RSS of the server process (VmHWM of /proc/PID/status, read before it is stopped),
  and its CPU time (user + system) spent on the edits.

Every edited file is put back at the end. Prints one JSON object on stdout.

    preview_probe.py BANGTIN SITE [--edits 9] [--gap 1.5] [--section bien-dao]
"""

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

POLL = 0.002  # seconds between two polls of the edited page


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=2.0):
    """(status, body) of one GET on a fresh connection; (0, b'') when nothing answers."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("GET", path, headers={"Connection": "close"})
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, body
    except (OSError, http.client.HTTPException):
        return 0, b""


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])  # kB
    return 0


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks * 1000 // os.sysconf("SC_CLK_TCK")


def front(text, key):
    m = re.search(r"^" + key + r" = (.*)$", text, re.M)
    return m.group(1) if m else None


def pick(site, section):
    """(newest page of the section, another page of it): paths."""
    folder = os.path.join(site, "content", section)
    pages = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md") or name.startswith("_") or ".en." in name:
            continue
        text = open(os.path.join(folder, name), encoding="utf-8").read()
        if "\ndraft = true" in text:
            continue
        pages.append((front(text, "date") or "", name))
    pages.sort()
    newest = os.path.join(folder, pages[-1][1])
    middle = os.path.join(folder, pages[len(pages) // 2][1])
    return newest, middle


def url_of(site, path):
    rel = os.path.relpath(path, os.path.join(site, "content"))
    return "/" + rel[: -len(".md")] + "/"


def wait_for(port, path, needle, limit=30.0):
    """Seconds until `path` serves a body containing `needle` (None after `limit`)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        status, body = get(port, path)
        if status == 200 and needle in body:
            return time.perf_counter() - t0
        time.sleep(POLL)
    return None


def summary(values):
    v = sorted(values)
    return {
        "median_ms": round(statistics.median(v) * 1000, 1),
        "min_ms": round(v[0] * 1000, 1),
        "max_ms": round(v[-1] * 1000, 1),
        "runs": len(v),
        "all_ms": [round(x * 1000, 1) for x in values],
    }


def edits(port, pid, file, url, kind, n, gap):
    original = open(file, encoding="utf-8").read()
    times = []
    cpu0 = cpu_ms(pid)
    try:
        for i in range(n):
            nonce = f"probe{kind}{i}x{time.time_ns()}"
            if kind == "body":
                text = original + f"\nĐoạn sửa {nonce}.\n"
            else:
                text = re.sub(r"^title = .*$", f'title = "Tiêu đề {nonce}"', original,
                              count=1, flags=re.M)
            t0 = time.perf_counter()
            with open(file, "w", encoding="utf-8") as f:
                f.write(text)
            took = wait_for(port, url, nonce.encode())
            if took is None:
                raise SystemExit(f"{kind} edit {i}: {url} never showed the edit")
            times.append(time.perf_counter() - t0)
            time.sleep(gap)
    finally:
        with open(file, "w", encoding="utf-8") as f:
            f.write(original)
    cpu = cpu_ms(pid) - cpu0
    out = summary(times)
    out["server_cpu_ms_per_edit"] = round(cpu / n, 1)
    out["url"] = url
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bangtin")
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=9)
    ap.add_argument("--gap", type=float, default=1.5)
    ap.add_argument("--section", default="bien-dao")
    a = ap.parse_args()

    newest, middle = pick(a.site, a.section)
    port, desk = free_port(), free_port()
    # The server's messages go to a file (a pipe nobody reads could block it).
    log = open(a.site.rstrip("/") + ".serve.log", "w+b")
    t0 = time.perf_counter()
    server = subprocess.Popen(
        [a.bangtin, "--root", a.site, "serve", "--port", str(port), "--desk-port", str(desk)],
        stdout=log, stderr=log, start_new_session=True)
    try:
        while True:
            if server.poll() is not None:
                log.seek(0)
                raise SystemExit("bangtin serve stopped:\n" + log.read().decode())
            status, _ = get(port, "/", timeout=5.0)
            if status == 200:
                break
            time.sleep(0.01)
        startup = time.perf_counter() - t0
        rss_start = proc_status(server.pid, "VmHWM")
        time.sleep(1.0)  # the search index and the watcher settle
        result = {
            "startup_s": round(startup, 2),
            "rss_after_start_mib": rss_start // 1024,
            "body": edits(port, server.pid, middle, url_of(a.site, middle), "body",
                          a.edits, a.gap),
            "title": edits(port, server.pid, newest, "/" + a.section + "/", "title",
                           a.edits, a.gap),
        }
        time.sleep(a.gap)
        result["peak_rss_mib"] = proc_status(server.pid, "VmHWM") // 1024
        result["load"] = open("/proc/loadavg").read().split()[:3]
        print(json.dumps(result))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
