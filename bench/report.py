#!/usr/bin/env python3
"""Formats the JSON lines bench/run.sh collected into Markdown tables (stdlib only)."""
import json
import sys


def median(values):
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


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
        r["ms_per_batch_min"] = min(r["runs_ms"])
        r["ms_per_batch_median"] = median(r["runs_ms"])
        r["images_per_s"] = r["batch"] * 1000 / r["ms_per_batch_median"]
    return list(merged.values())


def pool_pipeline(records):
    """One row per (engine, net, sources), pooled over the rounds (bench/run.sh
    --rounds) as inference is: every round's step times (one frame of each
    source) and every round's inference-alone runs, so that the overhead compares
    like with like, median step against median run and fastest against fastest.
    Each round's throughput-based overhead (its mean) is listed beside them."""
    groups = {}
    for r in records:
        groups.setdefault((r.get("engine"), r.get("net", r["model"]), r["batch"]), []).append(r)
    rows = []
    for group in groups.values():
        row = dict(group[0])
        steps = [t for r in group for t in r["pipeline_steps_ms"]]
        runs = [t for r in group for t in r["inference_runs_ms"]]
        timed_ms = sum(r["pipeline_ms_timed"] for r in group)
        row["classified_frames"] = sum(r["classified_frames"] for r in group)
        row["classified_per_s"] = row["classified_frames"] * 1000 / timed_ms
        row["step_min"], row["step_median"] = min(steps), median(steps)
        row["inference_min"], row["inference_median"] = min(runs), median(runs)
        # null where every timed frame was decoded before the first result
        for key in ("latency_p50_ms", "latency_p95_ms"):
            values = [r[key] for r in group if r.get(key) is not None]
            row[key] = median(values) if values else float("nan")
        row["overhead_median"] = 100 * (row["step_median"] / row["inference_median"] - 1)
        row["overhead_min"] = 100 * (row["step_min"] / row["inference_min"] - 1)
        row["rounds_overhead"] = [r["pipeline_overhead_percent"] for r in group]
        # Every round's segments, each against the inference-alone runs on
        # either side of it (bench --source; builds before it have none).
        paired = [p for r in group for p in r.get("segment_overheads_percent", [])]
        row["overhead_paired"] = median(paired) if paired else None
        row["segments"] = len(paired)
        rows.append(row)
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
        pooled = f", pooled over {rounds} rounds" if rounds > 1 else ""
        print(f"Step = one frame of every source; ms per step and per inference-alone run: min / median{pooled}. "
              "The pipeline is timed in segments with inference-alone runs between them: *adds (paired)* is "
              "the median over every round's segments of each one's median step against the runs on either "
              "side of it; *adds (medians)* compares the pooled medians and *(minima)* the fastest step with "
              "the fastest run; *throughput* is each round's frames / time against its median run.\n")
        print("| network | sources | frames timed | classified frames/s | pipeline ms/step min / med "
              "| inference alone ms/batch min / med | latency p50 / p95 ms "
              "| pipeline adds (paired, segments) | (medians) | (minima) | throughput, each round |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in pipe:
            net = r.get("net", r["model"]) + (" (before)" if r.get("engine") == "resvk_before" else "")
            print(f'| {net} | {r["batch"]} | {r["classified_frames"]} | {r["classified_per_s"]:.2f} '
                  f'| {r["step_min"]:.1f} / {r["step_median"]:.1f} '
                  f'| {r["inference_min"]:.1f} / {r["inference_median"]:.1f} '
                  f'| {r["latency_p50_ms"]:.0f} / {r["latency_p95_ms"]:.0f} '
                  + (f'| **{r["overhead_paired"]:+.1f}%** ({r["segments"]}) ' if r["overhead_paired"] is not None
                     else "| – ")
                  + f'| {r["overhead_median"]:+.1f}% | {r["overhead_min"]:+.1f}% | '
                  + ", ".join(f"{x:+.0f}%" for x in r["rounds_overhead"]) + " |")
        print()
    print(f"(raw JSON lines: {len(rows)} records)")


if __name__ == "__main__":
    main(sys.argv[1])
