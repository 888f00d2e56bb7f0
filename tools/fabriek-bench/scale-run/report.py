#!/usr/bin/env python3
"""The scale table (Markdown, on stdout) and chart (SVG) from fabriek-bench JSON files.

    python3 report.py --svg scale.svg scale-100000.json scale-1000000.json scale-10000000.json

Each file is one `fabriek-bench --stores fabriek --phases batch,replay,load,size,open,scale
--json FILE` run. Rates are compared with the 1M run (the issue's targets at 10M: within 20%
of the 1M figures; open <= 300 ms, first append after open <= 50 ms, writer memory <= 300 MiB,
bytes per event no worse).
"""
import argparse
import json
import math
import sys


def load(paths):
    runs = []
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        fab = data.get("fabriek") or {}
        scale = fab.get("scale") or {}
        runs.append({
            "events": data["workload_events"],
            "append": fab.get("append_batch_eps"),
            "raw": fab.get("replay_raw_eps"),
            "typed": fab.get("replay_typed_eps"),
            "p50": fab.get("load_p50_us"),
            "bytes": fab.get("bytes_per_event"),
            "open_inproc": fab.get("open_ms"),
            "open": scale.get("open_ms"),
            "first": scale.get("first_append_ms"),
            "anon_open": scale.get("rss_anon_after_open_mb"),
            "anon_first": scale.get("rss_anon_after_first_append_mb"),
            "file_first": scale.get("rss_file_after_first_append_mb"),
            "check_s": scale.get("background_check_s"),
            "anon_check": scale.get("rss_anon_after_background_check_mb"),
            "peak": scale.get("peak_rss_mb"),
        })
    runs.sort(key=lambda r: r["events"])
    return runs


def fmt(v, decimals=0):
    if v is None:
        return "—"
    return f"{v:,.{decimals}f}"


def size_label(n):
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def table(runs):
    ref = next((r for r in runs if r["events"] == 1_000_000), None)

    def vs(r, key):
        if ref is None or r is ref or r[key] is None or not ref[key]:
            return ""
        return f" ({r[key] / ref[key] - 1:+.0%})"

    rows = [
        ("append batch, 1,000/commit (ev/s)", lambda r: fmt(r["append"]) + vs(r, "append"), "within 20% of 1M"),
        ("replay raw (ev/s)", lambda r: fmt(r["raw"]) + vs(r, "raw"), "within 20% of 1M"),
        ("replay typed (ev/s)", lambda r: fmt(r["typed"]) + vs(r, "typed"), "within 20% of 1M"),
        ("open, writer in its own process (ms)", lambda r: fmt(r["open"], 1), "≤ 300"),
        ("open, in the bench process, median of 5 (ms)", lambda r: fmt(r["open_inproc"], 1), "—"),
        ("first append after open, durable (ms)", lambda r: fmt(r["first"], 1), "≤ 50"),
        ("writer memory after open, RssAnon (MiB)", lambda r: fmt(r["anon_open"]), "—"),
        ("writer memory after first append, RssAnon (MiB)", lambda r: fmt(r["anon_first"]), "≤ 300"),
        ("mapped file pages resident after first append (MiB, page cache)", lambda r: fmt(r["file_first"]), "—"),
        ("background chain check after open (s)", lambda r: fmt(r["check_s"], 1), "—"),
        ("writer memory after the background check, RssAnon (MiB)", lambda r: fmt(r["anon_check"]), "—"),
        ("peak RSS incl. mapped files (MiB)", lambda r: fmt(r["peak"]), "—"),
        ("bytes on disk per event", lambda r: fmt(r["bytes"], 1), "no worse than 1M"),
        ("load 2,000 streams, p50 (µs)", lambda r: fmt(r["p50"], 1), "—"),
    ]
    out = ["| metric | " + " | ".join(size_label(r["events"]) for r in runs) + " | target at 10M |",
           "|---|" + "---:|" * len(runs) + "---|"]
    for label, cell, target in rows:
        out.append(f"| {label} | " + " | ".join(cell(r) for r in runs) + f" | {target} |")
    return "\n".join(out)


def svg(runs):
    """Two panels: rates (log scale) and writer memory against log size (log scale)."""
    width, height, pad = 900, 360, 60
    panel_w = (width - 3 * pad) / 2
    xs = [r["events"] for r in runs]
    lx0, lx1 = math.log10(min(xs)) - 0.15, math.log10(max(xs)) + 0.15

    def x_of(n, left):
        return left + (math.log10(n) - lx0) / (lx1 - lx0) * panel_w

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>']

    def panel(left, title, series, log_y, unit):
        values = [v for _, key, _ in series for r in runs if (v := r[key])]
        if not values:
            return
        top, bottom = 40, height - pad
        if log_y:
            y0, y1 = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
            ticks = [10 ** e for e in range(y0, y1 + 1)]
            def y_of(v):
                return bottom - (math.log10(v) - y0) / (y1 - y0 or 1) * (bottom - top)
        else:
            hi = max(values) * 1.15
            step = 10 ** math.floor(math.log10(hi / 4))
            step *= 5 if hi / step > 20 else 2 if hi / step > 8 else 1
            ticks = [k * step for k in range(int(hi / step) + 1)]
            hi = ticks[-1] or 1
            def y_of(v):
                return bottom - v / hi * (bottom - top)
        parts.append(f'<text x="{left + panel_w / 2}" y="22" text-anchor="middle" font-weight="bold">{title}</text>')
        parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left + panel_w}" y2="{bottom}" stroke="#333"/>')
        parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#333"/>')
        for t in ticks:
            y = y_of(t)
            label = f"{t:,.0f}" if t >= 1 else f"{t:g}"
            if log_y and t >= 1_000_000:
                label = f"{t / 1_000_000:g}M"
            elif log_y and t >= 1000:
                label = f"{t / 1000:g}k"
            parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + panel_w}" y2="{y:.1f}" stroke="#ddd"/>')
            parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
        for n in xs:
            x = x_of(n, left)
            parts.append(f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">{size_label(n)}</text>')
        parts.append(f'<text x="{left + panel_w / 2}" y="{bottom + 38}" text-anchor="middle">events in the log</text>')
        parts.append(f'<text x="{left - 48}" y="{(top + bottom) / 2}" text-anchor="middle" '
                     f'transform="rotate(-90 {left - 48} {(top + bottom) / 2})">{unit}</text>')
        for k, (name, key, color) in enumerate(series):
            points = [(x_of(r["events"], left), y_of(r[key])) for r in runs if r[key]]
            if len(points) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
            for x, y in points:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>')
            ly = top + 4 + 16 * k
            parts.append(f'<rect x="{left + 10}" y="{ly - 9}" width="12" height="3" fill="{color}"/>')
            parts.append(f'<text x="{left + 28}" y="{ly - 4}">{name}</text>')

    panel(pad, "Rates", [("replay raw", "raw", "#1f77b4"), ("replay typed", "typed", "#2ca02c"),
                         ("append batch", "append", "#d62728")], True, "events/s (log scale)")
    panel(2 * pad + panel_w, "Writer memory", [("RssAnon after first append", "anon_first", "#d62728"),
                                               ("RssAnon after background check", "anon_check", "#ff7f0e"),
                                               ("RssAnon after open", "anon_open", "#1f77b4")], False, "MiB")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--svg", help="write the chart here")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    runs = load(args.files)
    print(table(runs))
    if args.svg:
        with open(args.svg, "w") as f:
            f.write(svg(runs))


if __name__ == "__main__":
    sys.exit(main())
