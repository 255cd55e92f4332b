#!/usr/bin/env python3
"""Prints bench/scale's JSON lines as a Markdown table."""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| point | steady CPU % (10 s-end) | peak RSS MiB | first data ms | poll ms (snapshot) | screen's Prometheus poll ms: first / median / max | key p50 / p95 ms | alerts in snapshot | sources fresh | STALE on screen |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    res = r["result"]
    f = lambda k, d=2: "n/a" if res.get(k) is None else f"{res[k]:.{d}f}"
    rss = "n/a" if res.get("peak_rss_kib") is None else f"{res['peak_rss_kib'] / 1024:.1f}"
    sp = r.get("screen_prometheus_poll_ms") or {}
    screen = f"{sp.get('first', 'n/a')} / {sp.get('median', 'n/a')} / {sp.get('max', 'n/a')}"
    print(f"| {r['point']} | {f('late_cpu_percent')} | {rss} | {f('ready_ms', 0)} | {r['poll_ms']} | {screen} | "
          f"{f('input_latency_ms_p50')} / {f('input_latency_ms_p95')} | {r['snapshot_alerts']} | "
          f"{r['snapshot_fresh']} | {r['stale_on_screen']} |")
