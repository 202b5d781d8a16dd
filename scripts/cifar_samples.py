#!/usr/bin/env python3
"""The main job's CIFAR-10 helper (standard library only).

  cifar_samples.py pngs TEST.bin OUTDIR COUNT
      writes records 0..COUNT-1 of the CIFAR-10 test set (binary layout: one label
      byte, then 1024 R, 1024 G, 1024 B bytes) as OUTDIR/NNNN-LABEL.png, so a
      file name carries its true label.
  cifar_samples.py score RESULTS.json SHARED_README MODEL
      reads `resvk classify --json` over those PNGs, prints the first rows with their
      true labels and the top-1 accuracy next to PyTorch's figure for MODEL on the
      lossless records 0-999 (the table in ../shared/README.md).
  cifar_samples.py clip RESULTS.json OUTDIR
      copies one PNG per class, in class order, to OUTDIR/00.png..09.png: the first
      of its class that resvk classified right with probability >= 0.9. The clip is
      upscaled for the eye and resvk resizes it back to 32x32 with an antialiasing
      filter, a slight blur that can tip an image the model was unsure of.
"""
import shutil
import json
import os
import re
import struct
import sys
import zlib

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
RECORD = 1 + 3 * 32 * 32
SHOWN = 12  # rows printed one by one before the accuracy line


def png(width, height, rgb):
    """A minimal 8-bit RGB PNG: every row with filter type 0, one IDAT chunk."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + rgb[y * width * 3:(y + 1) * width * 3] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def write_pngs(test_bin, outdir, count):
    os.makedirs(outdir, exist_ok=True)
    with open(test_bin, "rb") as f:
        data = f.read(RECORD * count)
    if len(data) < RECORD * count:
        sys.exit(f"cifar_samples.py: {test_bin} holds fewer than {count} CIFAR-10 records")
    for i in range(count):
        rec = data[i * RECORD:(i + 1) * RECORD]
        label, r, g, b = rec[0], rec[1:1025], rec[1025:2049], rec[2049:]
        rgb = bytes(v for p in range(1024) for v in (r[p], g[p], b[p]))  # planar -> interleaved
        with open(os.path.join(outdir, f"{i:04d}-{CLASSES[label]}.png"), "wb") as out:
            out.write(png(32, 32, rgb))


def pytorch_lossless(readme, model):
    """PyTorch's top-1 on records 0-999 from the accuracy table: '| resnet56 | all | lossless | rest |'."""
    with open(readme, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\|\s*" + re.escape(model) + r"\s*\|\s*([\d.]+) %\s*\|\s*([\d.]+) %", line)
            if m:
                return m.group(2)
    return None


def score(results_json, readme, model):
    with open(results_json, encoding="utf-8") as f:
        results = json.load(f)["results"]
    right = 0
    for n, r in enumerate(results):
        name = os.path.basename(r["image"])
        truth = name.rsplit(".", 1)[0].split("-", 1)[1]
        best = r["top"][0]
        right += best["label"] == truth
        if n < SHOWN:
            mark = "right" if best["label"] == truth else "WRONG"
            print(f"  {name:<20} true {truth:<11} resvk {best['label']:<11} {best['prob']:.3f}  {mark}")
    total = len(results)
    print(f"  ... ({total - SHOWN} more)")
    reference = pytorch_lossless(readme, model)
    print(f"{model} top-1 on CIFAR-10 test records 0-{total - 1}: {right}/{total} = {100.0 * right / total:.2f} %"
          f" (PyTorch: {reference + ' %' if reference else 'not in ' + readme})")


def clip_frames(results_json, outdir):
    with open(results_json, encoding="utf-8") as f:
        results = json.load(f)["results"]
    os.makedirs(outdir, exist_ok=True)
    for n, wanted in enumerate(CLASSES):
        for r in results:
            truth = os.path.basename(r["image"]).rsplit(".", 1)[0].split("-", 1)[1]
            if truth == wanted and r["top"][0]["label"] == wanted and r["top"][0]["prob"] >= 0.9:
                shutil.copy(r["image"], os.path.join(outdir, f"{n:02d}.png"))
                print(f"  {n} s  {os.path.basename(r['image'])}")
                break
        else:
            sys.exit(f"cifar_samples.py: no {wanted} image classified right with probability >= 0.9")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "pngs":
        write_pngs(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) == 5 and sys.argv[1] == "score":
        score(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "clip":
        clip_frames(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
