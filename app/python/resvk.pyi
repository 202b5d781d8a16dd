"""resvk: ONNX image classifiers on a Vulkan GPU (type stubs of the C++ module)."""
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import numpy
import numpy.typing

Ranked = List[Tuple[str, int, float]]  # (label, index, prob), best first

class Error(Exception):
    """A failure with the one-line message the `resvk` command prints."""

class Device:
    index: int
    name: str
    type: str
    driver: str
    vulkan: str
    memory: int
    usable: bool
    default: bool
    why: str

def devices() -> List[Device]:
    """The Vulkan devices, which one resvk uses by default and why."""

Picture = numpy.typing.NDArray[numpy.uint8]  # HxWx3 RGB, or NxHxWx3
Tensor = numpy.typing.NDArray[numpy.float32]  # 3xHxW or Nx3xHxW, preprocessed

class Classifier:
    """An ONNX image classifier on a Vulkan device (see help(resvk.Classifier))."""

    def __init__(
        self,
        model: str,
        labels: Optional[str] = None,
        device: Optional[int] = None,
        precision: str = "auto",
        *,
        resize: Optional[int] = None,
        crop: Union[None, str, Tuple[int, int]] = None,
        no_crop: bool = False,
        mean: Optional[Sequence[float]] = None,
        std: Optional[Sequence[float]] = None,
        batch: int = 8,
        device_profile: str = "auto",
        preprocess_on: str = "gpu",
    ) -> None: ...
    def classify(
        self, images: Union[Picture, Tensor, Sequence[Union[Picture, Tensor]]], top: int = 5
    ) -> Union[Ranked, List[Ranked]]:
        """Ranked labels of one picture, or a list of them for a batch or a list."""
    def logits(self, x: Tensor) -> numpy.typing.NDArray[numpy.float32]:
        """The model's raw output; a C-contiguous float32 x is read in place."""
    @property
    def device(self) -> Device: ...
    @property
    def model(self) -> str: ...
    @property
    def labels(self) -> List[str]: ...
    @property
    def input_shape(self) -> Tuple[Optional[int], int, int, int]: ...
    @property
    def precision(self) -> str: ...
    @property
    def preprocess_on(self) -> str: ...

class FrameResult:
    """One classified video frame: the fields of a `resvk classify --json` line."""

    source: str
    frame: int
    pts: float
    time: float
    latency_ms: float
    @property
    def top(self) -> Ranked: ...

class RunSummary:
    decoded: int
    classified: int
    dropped: int
    damaged: int
    fps: float
    latency_p50_ms: float
    latency_p95_ms: float
    seconds: float

class VideoResults(Iterator[FrameResult]):
    def __iter__(self) -> "VideoResults": ...
    def __next__(self) -> FrameResult: ...
    def close(self) -> None: ...
    def __enter__(self) -> "VideoResults": ...
    def __exit__(self, *args: object) -> None: ...
    @property
    def summary(self) -> Optional[RunSummary]: ...

def classify_video(
    sources: Union[str, Sequence[str]],
    classifier: Classifier,
    every: int = 1,
    smooth: float = 0.0,
    top: int = 5,
    *,
    batch: int = 8,
    realtime: bool = False,
    timeout: float = 10.0,
    input_format: Optional[str] = None,
    video_size: Optional[str] = None,
    framerate: Optional[str] = None,
) -> VideoResults:
    """Classified frames of video files, webcams and streams, like `resvk classify --json`."""

def decode_image(path: str) -> Picture:
    """A photo as HxWx3 uint8 RGB, decoded exactly as `resvk classify photo.jpg` does."""
