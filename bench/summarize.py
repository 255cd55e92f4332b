#!/usr/bin/env python3
"""Prints bench/run's JSON lines as a table next to the DESIGN.md section 8 budgets."""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cols = [("cpu %", "steady_cpu_percent", 0.5), ("KB/min", "steady_bytes_per_minute", 10.0),
        ("RSS MiB", "peak_rss_kib", 20.0), ("first frame ms", "first_frame_settled_ms", 50.0),
        ("key p50 ms", "input_latency_ms_p50", None), ("key p95 ms", "input_latency_ms_p95", 20.0)]
print("| case | " + " | ".join(c[0] for c in cols) + " |")
print("|---|" + "---|" * len(cols))
for r in rows:
    res, cells = r["result"], []
    for name, key, budget in cols:
        v = res.get(key)
        if v is None:
            cells.append("n/a"); continue
        if key == "steady_bytes_per_minute":
            v = v / 1000
        if key == "peak_rss_kib":
            v = v / 1024
            budget = 40.0 if r["case"].startswith("alerts10k") else budget
        mark = "" if budget is None or v < budget else " (over)"
        cells.append(f"{v:.2f}{mark}")
    print(f"| {r['case']} | " + " | ".join(cells) + " |")
