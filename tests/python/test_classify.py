"""resvk.Classifier against `resvk classify --json` on the same photos, and its inputs."""
import threading

import numpy
import pytest

import resvk
from conftest import CIFAR, PHOTOS, cli_json, shared


def ranked_of(doc_top):
    return [(t["label"], t["index"], t["prob"]) for t in doc_top]


def test_devices_say_which_one_and_why(net):
    devices = resvk.devices()
    assert devices
    defaults = [d for d in devices if d.default]
    assert len(defaults) == 1 and defaults[0].usable and defaults[0].why
    assert net.device.index == defaults[0].index
    assert net.device.name == defaults[0].name
    assert "Device(" in repr(net.device)


def close(ranked, want, tolerance):
    assert [r[:2] for r in ranked[:1]] == [w[:2] for w in want[:1]]
    got = {r[1]: r[2] for r in ranked}
    for label, index, prob in want:
        if index in got:
            assert abs(got[index] - prob) <= tolerance, (index, got[index], prob)


def test_photos_equal_the_cli(net):
    doc = cli_json("classify", *PHOTOS, "--model", CIFAR, "--no-crop", "--json", "--top", "10")
    assert doc["device"] == net.device.name
    pictures = [resvk.decode_image(p) for p in PHOTOS]
    # preprocess_on="cpu": the CLI's photo preprocessing, so the same numbers
    cpu = resvk.Classifier(CIFAR, no_crop=True, preprocess_on="cpu")
    assert cpu.preprocess_on == "cpu" and net.preprocess_on == "gpu"
    got = cpu.classify(pictures, top=10)  # a list of pictures of different sizes
    for result, ranked in zip(doc["results"], got):
        want = ranked_of(result["top"])
        assert [r[:2] for r in ranked] == [w[:2] for w in want]
        # the CLI prints float32 probabilities exactly
        assert numpy.allclose([r[2] for r in ranked], [w[2] for w in want], rtol=1e-6, atol=1e-7)
    # one picture alone gives one ranked list, the same
    single = cpu.classify(pictures[1], top=10)
    assert single == got[1]
    # on the GPU (the video frames' preprocessing): the same top-1, probabilities
    # within the rounding of PIL's 8-bit resize (measured up to 3.7e-3 at 32x32)
    for result, ranked in zip(doc["results"], net.classify(pictures, top=10)):
        close(ranked, ranked_of(result["top"]), 8e-3)


def test_preprocessing_options_equal_the_cli():
    photo = PHOTOS[0]
    doc = cli_json("classify", photo, "--model", CIFAR, "--resize", "40", "--mean", "0.5,0.5,0.5",
                   "--std", "0.25,0.25,0.25", "--labels", "cifar10", "--json", "--top", "3")
    net = resvk.Classifier(CIFAR, labels="cifar10", resize=40, mean=[0.5] * 3, std=(0.25,) * 3, batch=2,
                           preprocess_on="cpu")
    got = net.classify(resvk.decode_image(photo), top=3)
    want = ranked_of(doc["results"][0]["top"])
    assert [g[:2] for g in got] == [w[:2] for w in want]
    assert numpy.allclose([g[2] for g in got], [w[2] for w in want], rtol=1e-6, atol=1e-7)


def test_batches_lists_and_layouts_agree(net):
    a = resvk.decode_image(PHOTOS[0])
    b = numpy.ascontiguousarray(a[::-1])  # another picture of the same size
    batch = numpy.stack([a, b])
    by_batch = net.classify(batch, top=3)
    by_list = net.classify([a, b], top=3)
    assert [[r[:2] for r in x] for x in by_batch] == [[r[:2] for r in x] for x in by_list]
    # a view whose rows are not packed (a crop of a bigger array) is read as the picture it shows
    padded = numpy.zeros((a.shape[0], a.shape[1] + 7, 3), numpy.uint8)
    padded[:, 3:3 + a.shape[1]] = a
    view = padded[:, 3:3 + a.shape[1]]
    assert not view.flags.c_contiguous
    assert net.classify(view, top=3) == net.classify(a, top=3)
    flipped = a[::-1]  # negative row stride: made contiguous first
    assert [r[:2] for r in net.classify(flipped, top=3)] == [r[:2] for r in by_batch[1]]


def test_logits_reads_the_array_in_place(net):
    rng = numpy.random.default_rng(1)
    x = rng.standard_normal((64, 3, 32, 32), dtype=numpy.float32)  # 64 items: 8 GPU runs of 8
    out = net.logits(x)
    assert out.shape == (64, 10) and out.dtype == numpy.float32
    assert net._last_input_address == x.ctypes.data  # the caller's array, no copy on the way in
    # a strided view cannot be read in place: it is copied once, with the same result
    wide = numpy.zeros((64, 3, 32, 64), numpy.float32)
    wide[..., ::2] = x
    view = wide[..., ::2]
    out2 = net.logits(view)
    assert net._last_input_address != view.ctypes.data
    assert numpy.array_equal(out, out2)
    # items are independent: one item alone gives its row of the batch
    one = net.logits(x[5])
    assert one.shape == (10,)
    assert numpy.allclose(one, out[5], rtol=1e-5, atol=1e-5)
    # classify on float tensors is the softmax of the logits
    probs = net.classify(x[:4], top=10)
    for row, ranked in zip(out[:4], probs):
        e = numpy.exp(row - row.max())
        p = e / e.sum()
        assert ranked[0][1] == int(numpy.argmax(p))
        assert abs(ranked[0][2] - p.max()) < 1e-5


def test_threads_share_one_classifier(net):
    pictures = [resvk.decode_image(p) for p in PHOTOS]
    want = [net.classify(p, top=3) for p in pictures]
    results, errors = {}, []

    def work(k):
        try:
            for _ in range(4):
                results.setdefault(k, []).append(net.classify(pictures[k % 3], top=3))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for k, runs in results.items():
        assert all(r == want[k % 3] for r in runs), k


def test_help_teaches():
    doc = resvk.Classifier.__doc__
    for word in ("labels", "device", "precision", "no_crop", "resize", "mean", "batch"):
        assert word in doc
    assert "HxWx3 uint8" in resvk.Classifier.classify.__doc__
    assert "in place" in resvk.Classifier.logits.__doc__
    assert "every" in resvk.classify_video.__doc__
    import os
    assert os.path.exists(os.path.join(os.path.dirname(resvk.__file__), "resvk.pyi"))


def test_shipped_labels_and_labels_next_to_the_model(net):
    assert net.labels == open(shared("models", "cifar10", "labels.txt")).read().split()
    imagenet = resvk.Classifier(CIFAR, labels="imagenet", no_crop=True)
    assert len(imagenet.labels) == 1000
    assert net.input_shape == (None, 3, 32, 32)
    assert net.precision == "fp32"
