"""Split the GPU column of the offerings file into a GPU model name and a GPU count.

The catalogues write GPUs in different ways. SkyPilot, Spare Cores and the
Scaleway catalogue give the model ("H100", "A100-80GB") and put the count in
its own column. The Open Telekom Cloud flavour table writes count, vendor and
model in one cell ("8 x NVIDIA A100 80 GB"). :func:`parse_gpu` removes the
count and the vendor, and :data:`GPU_MODELS` maps each remaining spelling to
one model name, so that a consumer finds the same GPU in every catalogue.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# "8 x H100 PCIe", "2×T4": a whole number, then "x" or "×", then the GPU.
COUNT_PREFIX = re.compile(r"(\d+)\s*[x×]\s*(.+)", re.IGNORECASE)
# The vendor in front of the model: "NVIDIA A100 80 GB", "NVIDIA-A40".
VENDOR_PREFIX = re.compile(r"NVIDIA[\s-]+", re.IGNORECASE)

# The spellings that the sources use, after the count and the vendor are
# removed, and the model name that the manifests state for each. A variant
# stays a separate name where the source states it (memory size, PCIe or NVL
# form factor, vGPU profile), because it is a different product: an A40-8Q is
# an 8 GB slice of one A40, not an A40. Only spellings of one product share a
# name ("A100 80 GB" in the Open Telekom Cloud table and SkyPilot's "A100-80GB").
# Every model name is also a key, so that reading a model name gives it back.
GPU_MODELS = {
    "A10": "A10",
    "A30": "A30",
    "A40": "A40",
    "A40-8Q": "A40-8Q",
    "A40-16Q": "A40-16Q",
    "A40-24Q": "A40-24Q",
    "A100": "A100",
    "A100-80GB": "A100-80GB",
    "A100 80 GB": "A100-80GB",
    "B200": "B200",
    "GeForce GTX 1060": "GeForce GTX 1060",
    "GeForce GTX 1070": "GeForce GTX 1070",
    "GeForce GTX 1080 Ti": "GeForce GTX 1080 Ti",
    "H100": "H100",
    "H100 NVL": "H100 NVL",
    "H100 PCIe": "H100 PCIe",
    "H200": "H200",
    "L4": "L4",
    "L40S": "L40S",
    "P100": "P100",
    "RTX 5000": "RTX 5000",
    "RTX6000": "RTX6000",
    "RTX A6000": "RTX A6000",
    "RTXA6000": "RTX A6000",
    "RTX PRO 6000 96GB": "RTX PRO 6000 96GB",
    "T4": "T4",
    "V100": "V100",
    "V100-32GB": "V100-32GB",
    "V100S": "V100S",
}
_BY_KEY = {" ".join(spelling.split()).casefold(): name for spelling, name in GPU_MODELS.items()}


@dataclass(frozen=True)
class GpuSpec:
    """The GPU model name of one source value, and the count the value names (``None`` if none)."""

    model: str
    count: int | None


def parse_gpu(text: str) -> GpuSpec:
    """Split a GPU value such as ``"8 x NVIDIA A100 80 GB"`` into model name and count.

    A spelling missing from :data:`GPU_MODELS` keeps its text without count and
    vendor, and is logged as a warning: consumers may not find it under the
    model name they expect until the table has an entry for it.
    """
    rest = " ".join(text.split())
    count = None
    match = COUNT_PREFIX.fullmatch(rest)
    if match:
        count = int(match[1])
        rest = match[2]

    vendor = VENDOR_PREFIX.match(rest)
    if vendor:
        rest = rest[vendor.end():]

    model = _BY_KEY.get(rest.casefold())
    if model is None:
        logger.warning(
            "GPU %r is not in the GPU model table, so it is written as %r. "
            "Add the spelling and its model name to GPU_MODELS in mpli_graph/importers/gpus.py",
            text,
            rest,
        )
        model = rest
    return GpuSpec(model, count)
