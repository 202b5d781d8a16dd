#!/usr/bin/env python3
"""Formats the JSON lines bench/run.sh collected into Markdown tables (stdlib only)."""
import json
import sys


def pool(records):
    """One record per (engine, net, batch): the timed runs of every round together
    (bench/run.sh --rounds), min and median recomputed over all of them."""
    merged = {}
    for r in records:
        key = (r["engine"], r["net"], r["batch"])
        if key not in merged:
            merged[key] = dict(r, rounds=1, runs_ms=list(r["runs_ms"]))
        else:
            merged[key]["rounds"] += 1
            merged[key]["runs_ms"] += r["runs_ms"]
    for r in merged.values():
        runs = sorted(r["runs_ms"])
        mid = len(runs) // 2
        r["ms_per_batch_min"] = runs[0]
        r["ms_per_batch_median"] = runs[mid] if len(runs) % 2 else (runs[mid - 1] + runs[mid]) / 2
        r["images_per_s"] = r["batch"] * 1000 / r["ms_per_batch_median"]
    return list(merged.values())


def pool_pipeline(records):
    """One row per (engine, net, sources): the round with the median overhead
    (bench/run.sh --rounds), with every round's overhead beside it."""
    groups = {}
    for r in records:
        groups.setdefault((r.get("engine"), r.get("net", r["model"]), r["batch"]), []).append(r)
    rows = []
    for group in groups.values():
        group.sort(key=lambda r: r["pipeline_overhead_percent"])
        median = dict(group[(len(group) - 1) // 2])
        median["rounds_overhead"] = [r["pipeline_overhead_percent"] for r in group]
        rows.append(median)
    return rows


def main(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    inf = pool([r for r in rows if r["kind"] == "inference"])
    pipe = pool_pipeline([r for r in rows if r["kind"] == "pipeline"])
    before = any(r.get("engine") == "resvk_before" for r in rows)  # bench/run.sh --before
    if inf:
        rounds = max(r["rounds"] for r in inf)
        pooled = f", pooled over {rounds} interleaved rounds" if rounds > 1 else ""
        print(f"### Inference (224x224, fp32; ms per batch: min / median of the timed runs{pooled})\n")
        print("| network | batch | resvk ms/batch min / med | resvk img/s "
              + ("| resvk before ms/batch min / med | after / before (median) " if before else "")
              + "| PyTorch ms/batch min / med | ONNX Runtime ms/batch min / med "
              "| resvk / PyTorch (median) | resvk / ONNX Runtime (median) |"
              + (" before / ONNX Runtime (median) |" if before else ""))
        print("|---|---|---|---|" + ("---|---|" if before else "") + "---|---|---|---|" + ("---|" if before else ""))
        keys = []
        for r in inf:
            k = (r["net"], r["batch"])
            if k not in keys:
                keys.append(k)
        for net, batch in keys:
            def find(engine):
                return next((r for r in inf if r["engine"] == engine and (r["net"], r["batch"]) == (net, batch)), None)

            rv, rb, pt, ort = find("resvk"), find("resvk_before"), find("pytorch"), find("onnxruntime")

            def ms(r):
                return f'{r["ms_per_batch_min"]:.1f} / {r["ms_per_batch_median"]:.1f}' if r else "–"

            def ratio(base, of=None):
                of = of or rv
                return f'{of["ms_per_batch_median"] / base["ms_per_batch_median"]:.2f}x' if of and base else "–"

            img_s = f'{rv["images_per_s"]:.2f}' if rv else "–"
            was = f" {ms(rb)} | {ratio(rb)} |" if before else ""
            was_ort = f" {ratio(ort, rb)} |" if before else ""
            print(f"| {net} | {batch} | {ms(rv)} | {img_s} |{was} {ms(pt)} | {ms(ort)} | {ratio(pt)} | {ratio(ort)} |"
                  + was_ort)
        print()
    if pipe:
        print("### Pipeline (720p H.264 clip(s) -> GPU preprocessing -> network; batch = sources)\n")
        rounds = max(len(r["rounds_overhead"]) for r in pipe)
        if rounds > 1:
            print(f"Each row is the round with the median overhead of {rounds}; the last column lists all rounds.\n")
        print("| network | sources | frames timed | classified frames/s | pipeline ms/frame "
              "| latency p50 / p95 ms | inference alone ms/batch min / med | inference ms/image "
              "| pipeline adds per frame |" + (" every round |" if rounds > 1 else ""))
        print("|---|---|---|---|---|---|---|---|---|" + ("---|" if rounds > 1 else ""))
        for r in pipe:
            net = r.get("net", r["model"]) + (" (before)" if r.get("engine") == "resvk_before" else "")
            print(f'| {net} | {r["batch"]} | {r["classified_frames"]} | {r["classified_per_s"]:.2f} '
                  f'| {r["pipeline_ms_per_frame"]:.1f} | {r["latency_p50_ms"]:.0f} / {r["latency_p95_ms"]:.0f} '
                  f'| {r["inference_ms_per_batch_min"]:.1f} / {r["inference_ms_per_batch_median"]:.1f} '
                  f'| {r["inference_ms_per_image"]:.1f} | {r["pipeline_overhead_percent"]:+.1f}% |'
                  + (" " + ", ".join(f"{x:+.0f}%" for x in r["rounds_overhead"]) + " |" if rounds > 1 else ""))
        print()
    print(f"(raw JSON lines: {len(rows)} records)")


if __name__ == "__main__":
    main(sys.argv[1])
