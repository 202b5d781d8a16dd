#!/usr/bin/env python3
"""Formats the JSON lines bench/run.sh collected into Markdown tables (stdlib only)."""
import json
import sys


def main(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    inf = [r for r in rows if r["kind"] == "inference"]
    pipe = [r for r in rows if r["kind"] == "pipeline"]
    if inf:
        print("### Inference (224x224, fp32; ms per batch: min / median of the timed runs)\n")
        print("| network | batch | resvk ms/batch min / med | resvk img/s "
              "| PyTorch ms/batch min / med | ONNX Runtime ms/batch min / med "
              "| resvk / PyTorch (median) | resvk / ONNX Runtime (median) |")
        print("|---|---|---|---|---|---|---|---|")
        keys = []
        for r in inf:
            k = (r["net"], r["batch"])
            if k not in keys:
                keys.append(k)
        for net, batch in keys:
            rv = next((r for r in inf if r["engine"] == "resvk" and (r["net"], r["batch"]) == (net, batch)), None)
            pt = next((r for r in inf if r["engine"] == "pytorch" and (r["net"], r["batch"]) == (net, batch)), None)
            ort = next((r for r in inf if r["engine"] == "onnxruntime" and (r["net"], r["batch"]) == (net, batch)),
                       None)

            def ms(r):
                return f'{r["ms_per_batch_min"]:.1f} / {r["ms_per_batch_median"]:.1f}' if r else "–"

            def ratio(base):
                return f'{rv["ms_per_batch_median"] / base["ms_per_batch_median"]:.2f}x' if rv and base else "–"

            img_s = f'{rv["images_per_s"]:.2f}' if rv else "–"
            print(f"| {net} | {batch} | {ms(rv)} | {img_s} | {ms(pt)} | {ms(ort)} | {ratio(pt)} | {ratio(ort)} |")
        print()
    if pipe:
        print("### Pipeline (720p H.264 clip(s) -> GPU preprocessing -> network; batch = sources)\n")
        print("| network | sources | frames timed | classified frames/s | pipeline ms/frame "
              "| latency p50 / p95 ms | inference alone ms/batch min / med | inference ms/image "
              "| pipeline adds per frame |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in pipe:
            net = r.get("net", r["model"])
            print(f'| {net} | {r["batch"]} | {r["classified_frames"]} | {r["classified_per_s"]:.2f} '
                  f'| {r["pipeline_ms_per_frame"]:.1f} | {r["latency_p50_ms"]:.0f} / {r["latency_p95_ms"]:.0f} '
                  f'| {r["inference_ms_per_batch_min"]:.1f} / {r["inference_ms_per_batch_median"]:.1f} '
                  f'| {r["inference_ms_per_image"]:.1f} | {r["pipeline_overhead_percent"]:+.1f}% |')
        print()
    print(f"(raw JSON lines: {len(rows)} records)")


if __name__ == "__main__":
    main(sys.argv[1])
