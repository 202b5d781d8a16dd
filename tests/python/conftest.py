"""Shared fixtures: the shared data folder, the resvk binary, one CIFAR classifier."""
import json
import os
import subprocess

import pytest

import resvk

SHARED = os.environ.get("RESVK_SHARED", os.path.join(os.path.dirname(__file__), "../../../shared"))
RESVK_BIN = os.environ.get("RESVK_BIN", "resvk")


def shared(*parts):
    path = os.path.join(SHARED, *parts)
    assert os.path.exists(path), f"shared file missing: {path}"
    return path


CIFAR = shared("models", "cifar10", "resnet20_cifar10.onnx")
PHOTOS = [shared("media", name) for name in ("squirrel_cls.jpg", "orange.jpg", "butterfly.jpg")]


def run_cli(*args, check=True):
    """`resvk ARGS` -> (exit code, stdout, stderr)."""
    r = subprocess.run([RESVK_BIN, *args], capture_output=True, text=True, timeout=120)
    if check:
        assert r.returncode == 0, r.stderr
    return r.returncode, r.stdout, r.stderr


def cli_error(*args):
    """The one-line message `resvk ARGS` fails with (without 'resvk: error: ' and the --help hint)."""
    code, _, err = run_cli(*args, check=False)
    assert code != 0
    line = err.strip().splitlines()[-1]
    assert line.startswith("resvk: error: "), err
    line = line[len("resvk: error: "):]
    hint = " (see `resvk classify --help`)"  # usage errors point at --help
    return line[: -len(hint)] if line.endswith(hint) else line


def cli_json(*args):
    return json.loads(run_cli(*args)[1])


@pytest.fixture(scope="session")
def net():
    return resvk.Classifier(CIFAR, no_crop=True)
