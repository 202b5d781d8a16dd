"""resvk.classify_video against `resvk classify VIDEO --json`, and stopping it."""
import json
import os
import subprocess
import sys
import textwrap

import numpy
import pytest

import resvk
from conftest import CIFAR, run_cli, shared

VIDEO = shared("media", "tree.avi")  # 320x240 cinepak


def cli_frames(*args):
    _, out, _ = run_cli("classify", *args, "--model", CIFAR, "--no-crop", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    return [l for l in lines if "summary" not in l], lines[-1]["summary"]


@pytest.mark.parametrize("every, smooth", [(37, 0.0), (20, 0.5)])
def test_frames_equal_the_cli(net, every, smooth):
    want, summary = cli_frames(VIDEO, "--every", str(every), "--smooth", str(smooth), "--top", "4")
    with resvk.classify_video([VIDEO], net, every=every, smooth=smooth, top=4) as results:
        got = list(results)
        assert results.summary.classified == summary["classified"] == len(want)
        assert results.summary.decoded == summary["decoded"]
    assert [(r.source, r.frame) for r in got] == [(w["source"], w["frame"]) for w in want]
    for r, w in zip(got, want):
        assert r.pts == pytest.approx(w["pts"])
        assert r.latency_ms > 0 and r.time > 0
        assert [t[:2] for t in r.top] == [(t["label"], t["index"]) for t in w["top"]]
        assert numpy.allclose([t[2] for t in r.top], [t["prob"] for t in w["top"]], rtol=1e-6, atol=1e-7)


def test_several_sources_and_a_generated_one(net):
    lavfi = "lavfi:testsrc2=size=160x120:rate=10:duration=2"
    want, _ = cli_frames(VIDEO, lavfi, "--every", "10")
    frames = list(resvk.classify_video([VIDEO, lavfi], net, every=10))
    assert [(r.source, r.frame, r.top[0][1]) for r in frames] == [
        (w["source"], w["frame"], w["top"][0]["index"]) for w in want]
    assert {r.source for r in frames} == {VIDEO, lavfi}
    assert "FrameResult(" in repr(frames[0])


def test_leaving_early_stops_the_run(net):
    lavfi = "lavfi:testsrc2=size=160x120:rate=30"  # endless
    results = resvk.classify_video(lavfi, net)
    first = [next(results) for _ in range(3)]
    assert [r.frame for r in first] == [0, 1, 2]
    results.close()
    assert results.summary is not None
    with pytest.raises(StopIteration):
        while True:  # what was queued before the stop may still come, then the end
            next(results)


def test_ctrl_c_stops_a_loop_cleanly():
    # In a child process: SIGINT arrives while the loop waits for frames of an
    # endless real-time source; the loop ends with KeyboardInterrupt, the run stops.
    script = textwrap.dedent(f"""
        import os, signal, threading, time, resvk
        net = resvk.Classifier({CIFAR!r}, no_crop=True)
        threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        start, seen = time.monotonic(), 0
        try:
            for r in resvk.classify_video("lavfi:testsrc2=size=160x120:rate=5", net, realtime=True):
                seen += 1
        except KeyboardInterrupt:
            print("interrupted after", seen, "frames in", round(time.monotonic() - start, 1), "s")
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                       env=os.environ)
    assert r.returncode == 0, r.stderr
    assert "interrupted after" in r.stdout, r.stdout + r.stderr
    seconds = float(r.stdout.split()[-2])
    assert seconds < 10


def test_a_damaged_file_warns(net, tmp_path):
    # Megamind.avi with 200 bytes overwritten: the decoder reports damaged frames
    data = bytearray(open(shared("media", "Megamind.avi"), "rb").read())
    rng = numpy.random.default_rng(1)
    for at in rng.integers(20000, len(data), 200):
        data[at] = int(rng.integers(0, 256))
    noisy = tmp_path / "noisy.avi"
    noisy.write_bytes(bytes(data))
    with pytest.warns(RuntimeWarning, match="the decoder reported damage in"):
        results = resvk.classify_video(str(noisy), net, every=100)
        frames = list(results)
    assert frames and results.summary.damaged > 0
