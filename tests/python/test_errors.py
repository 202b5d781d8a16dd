"""Every failure is a resvk.Error with the CLI's one-line message."""
import numpy
import pytest

import resvk
from conftest import CIFAR, PHOTOS, cli_error, shared

PHOTO = PHOTOS[0]


def error_of(call):
    with pytest.raises(resvk.Error) as e:
        call()
    message = str(e.value)
    assert "\n" not in message and message
    return message


@pytest.mark.parametrize(
    "cli, kwargs",
    [
        (["--model", "/nonexistent/model.onnx"], dict(model="/nonexistent/model.onnx")),
        (["--model", PHOTO], dict(model=PHOTO)),  # not an ONNX file
        (["--model", CIFAR, "--crop", "20x20"], dict(model=CIFAR, crop=(20, 20))),
        (["--model", CIFAR, "--crop", "big"], dict(model=CIFAR, crop="big")),
        (["--model", CIFAR, "--resize", "20"], dict(model=CIFAR, resize=20)),
        (["--model", CIFAR, "--no-crop", "--resize", "40"], dict(model=CIFAR, no_crop=True, resize=40)),
        (["--model", CIFAR, "--resize", "0"], dict(model=CIFAR, resize=0)),
        (["--model", CIFAR, "--std", "0,1,1"], dict(model=CIFAR, std=[0, 1, 1])),
        (["--model", CIFAR, "--labels", "/nonexistent/labels.txt"], dict(model=CIFAR, labels="/nonexistent/labels.txt")),
        (["--model", CIFAR, "--device", "99"], dict(model=CIFAR, device=99)),
        (["--model", CIFAR, "--device-profile", "fast"], dict(model=CIFAR, device_profile="fast")),
        (["--model", CIFAR, "--batch", "0"], dict(model=CIFAR, batch=0)),
        (["--model", CIFAR, "--crop", "32x32", "--no-crop"], dict(model=CIFAR, crop="32x32", no_crop=True)),
    ],
)
def test_classifier_options_fail_like_the_cli(cli, kwargs):
    want = cli_error("classify", PHOTO, *cli)
    assert error_of(lambda: resvk.Classifier(**kwargs)) == want



def test_preprocess_on():
    assert "preprocess_on must be gpu or cpu" in error_of(lambda: resvk.Classifier(CIFAR, preprocess_on="tpu"))


def test_precision():
    assert resvk.Classifier(CIFAR, precision="fp32", no_crop=True).precision == "fp32"
    assert resvk.Classifier(CIFAR, precision="fp16", no_crop=True).precision == "fp16"
    assert "precision must be auto, fp32 or fp16" in error_of(lambda: resvk.Classifier(CIFAR, precision="int8"))


@pytest.mark.parametrize(
    "x, words",
    [
        (numpy.zeros((32, 32, 3), numpy.float64), ["float64", "astype(numpy.float32)"]),
        (numpy.zeros((32, 32, 4), numpy.uint8), ["HxWx3 uint8", "(32, 32, 4)"]),
        (numpy.zeros((32, 32), numpy.uint8), ["HxWx3 uint8", "(32, 32)"]),
        (numpy.zeros((2, 3, 16, 16), numpy.float32), ["Nx3x32x32", "(2, 3, 16, 16)"]),
        (numpy.zeros((0, 3, 32, 32), numpy.float32), ["Nx3x32x32", "(0, 3, 32, 32)"]),
        (numpy.zeros((0, 5, 3), numpy.uint8), ["1 to 65535 pixels"]),
        ("photo.jpg", ["numpy arrays", "str"]),
        ([numpy.zeros((8, 8, 3), numpy.uint8), numpy.zeros((3, 32, 32), numpy.float32)], ["mixes"]),
    ],
)
def test_bad_arrays(net, x, words):
    message = error_of(lambda: net.classify(x))
    for w in words:
        assert w in message, message


def test_bad_logits_and_top(net):
    assert "float32" in error_of(lambda: net.logits(numpy.zeros((8, 8, 3), numpy.uint8)))
    assert "--top must be" in error_of(lambda: net.classify(numpy.zeros((8, 8, 3), numpy.uint8), top=0))


def test_bad_photo_path():
    assert error_of(lambda: resvk.decode_image("/nonexistent.jpg")) == cli_error(
        "classify", "/nonexistent.jpg", "--model", CIFAR)


def test_bad_video_sources_and_options(net):
    video = shared("media", "tree.avi")
    assert error_of(lambda: resvk.classify_video(["/nonexistent.mp4"], net)) == cli_error(
        "classify", "/nonexistent.mp4", "--model", CIFAR)
    assert error_of(lambda: resvk.classify_video([video], net, every=0)) == cli_error(
        "classify", video, "--model", CIFAR, "--every", "0")
    assert error_of(lambda: resvk.classify_video([video], net, smooth=1.0)) == cli_error(
        "classify", video, "--model", CIFAR, "--smooth", "1")
    assert "at least one source" in error_of(lambda: resvk.classify_video([], net))
    assert "resvk.Classifier" in error_of(lambda: resvk.classify_video([video], "model.onnx"))


def test_fp16_runs_and_agrees_with_fp32():
    # fp16 stores weights and activations as halves: logits within 1 % of the
    # largest, the same top-1 on a real photo (the CLI's fp16 tolerance).
    half = resvk.Classifier(CIFAR, precision="fp16", no_crop=True)
    full = resvk.Classifier(CIFAR, precision="fp32", no_crop=True)
    x = numpy.random.default_rng(7).standard_normal((2, 3, 32, 32)).astype(numpy.float32)
    a, b = half.logits(x), full.logits(x)
    assert numpy.abs(a - b).max() <= 1e-2 * numpy.abs(b).max()
    picture = resvk.decode_image(PHOTO)
    assert half.classify(picture, top=1)[0][1] == full.classify(picture, top=1)[0][1]
