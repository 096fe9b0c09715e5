#!/usr/bin/env python3
"""Checkpoints for `dsnet weights import`: test/fixtures/checkpoints/.

torchvision 0.14's own classes, small, with seeded random weights and non-trivial batch norm
statistics (tools/make_fixtures.py's `initialise`), each saved as PyTorch saves a model:

    <name>.pth           torch.save(model.state_dict())  (the zip format)
    <name>.safetensors   the same tensors under torchvision's names, sorted by name as the
                         safetensors library writes them (not in the order the layers run)
    <name>.input.npy     a fixed input, <f4 NHWC [2, H, W, 3]
    <name>.expected.npy  the float64 forward pass of the weights as stored, <f8 [2, 1, 1, 10]

plus tensors.pth / tensors_legacy.pth / tensors.json: a few tensors in every dtype dsnet reads
(F16, BF16, F64), a transposed one (strides) and a slice (a storage offset), a
num_batches_tracked, nested as {"model": ..., "epoch": 3} with DataParallel's `module.`
prefix; tensors.json has their values. The .dsnet network and --set values each checkpoint
fits are in checkpoints.json. Run with /usr/bin/python3 (torch 1.13, CPU); nothing is
downloaded (weights=None throughout).

    /usr/bin/python3 tools/make_checkpoints.py [NAME ...]

rewrites the folder; with names, only those checkpoints' files (and checkpoints.json).
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import numpy as np
import torch
from torchvision.models import efficientnet, mnasnet, mobilenetv2, mobilenetv3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import default_linears, initialise, seed_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "checkpoints"

# name: (build, dsnet file, network, --set values, input resolution, softmax at the end, dtype)
CHECKPOINTS = {
    # MobileNetV2's last 1x1 conv is 1280 wide at any width; float16 keeps the files small
    # (and tests F16 storages end to end).
    "mobilenet_v2": (
        lambda: mobilenetv2.MobileNetV2(num_classes=10, width_mult=0.35),
        "examples/mobilenet_v2.dsnet",
        "mobilenet_v2",
        {"alpha": "0.35", "res": "32", "classes": "10"},
        32,
        True,
        torch.float16,
    ),
    "mobilenet_v3_small": (
        lambda: mobilenetv3.MobileNetV3(
            *mobilenetv3._mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.25, reduced_tail=True),
            num_classes=10,
        ),
        "examples/mobilenet_v3.dsnet",
        "mobilenet_v3_small",
        {"alpha": "0.25", "res": "32", "classes": "10", "reduced_tail": "true"},
        32,
        False,
        torch.float32,
    ),
    "efficientnet_b0": (
        lambda: efficientnet.EfficientNet(
            efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.1, depth_mult=0.3)[0],
            dropout=0.2,
            num_classes=10,
        ),
        "examples/efficientnet.dsnet",
        "efficientnet",
        {"width": "0.1", "depth": "0.3", "res": "32", "classes": "10"},
        32,
        False,
        torch.float32,
    ),
    # At alpha 0.25 the depths round every way _round_to_multiple_of does (16 * 0.25 up to the
    # minimum 8, 40 * 0.25 = 10 up to 16), and the fourth stack's first block keeps 24 channels
    # at stride 1, so it has a shortcut. The last 1x1 conv is 1280 wide at any alpha: float16.
    "mnasnet1_0": (
        lambda: mnasnet.MNASNet(alpha=0.25, num_classes=10),
        "examples/mnasnet.dsnet",
        "mnasnet",
        {"alpha": "0.25", "res": "32", "classes": "10"},
        32,
        False,
        torch.float16,
    ),
}

SAFETENSORS_DTYPES = {torch.float32: ("F32", "<f4"), torch.float16: ("F16", "<f2")}


def write_safetensors(path: Path, state: dict[str, torch.Tensor]) -> None:
    """Sorted by name, as the safetensors library orders same-dtype tensors."""
    header: dict = {"__metadata__": {"format": "pt"}}
    blobs, offset = [], 0
    for name in sorted(state):
        t = state[name]
        dtype, np_dtype = SAFETENSORS_DTYPES.get(t.dtype, ("I64", "<i8"))
        data = t.numpy().astype(np_dtype).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def config(name: str) -> dict:
    _, file, network, sets, *_ = CHECKPOINTS[name]
    return {"file": file, "network": network, "set": sets}


def make(name: str) -> None:
    build, _, _, _, res, softmax, dtype = CHECKPOINTS[name]
    torch.manual_seed(seed_of(name))
    rng = np.random.default_rng(seed_of(name))
    model = default_linears(build())
    initialise(model, rng)
    model.eval()
    with torch.no_grad():
        # The weights as stored: rounded to the file's dtype, then widened for the reference.
        for t in model.state_dict().values():
            if t.is_floating_point():
                t.copy_(t.to(dtype).float())
    state = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    torch.save(state, OUT / f"{name}.pth")
    write_safetensors(OUT / f"{name}.safetensors", state)
    x = torch.from_numpy(rng.normal(0, 1, (2, 3, res, res)).astype(np.float32))
    with torch.no_grad():
        y = model.double()(x.double())
        if softmax:
            y = torch.softmax(y, dim=1)
    np.save(OUT / f"{name}.input.npy", x.permute(0, 2, 3, 1).contiguous().numpy())
    np.save(OUT / f"{name}.expected.npy", y.reshape(2, 1, 1, -1).numpy())


def make_tensors() -> None:
    torch.manual_seed(seed_of("tensors"))
    base = torch.randn(4, 6)
    inner = {
        "conv.weight": torch.randn(3, 2, 1, 1).half(),
        "bn.weight": torch.randn(3).bfloat16(),
        "bn.bias": torch.randn(3).double(),
        "bn.running_mean": base.t()[:3, 1],  # strided: every 6th element, from offset 1
        "bn.running_var": base[1, 2:5],  # a storage offset of 8
        "bn.num_batches_tracked": torch.tensor(7),
        "fc.weight": base.t(),  # [6, 4], strides (1, 6)
    }
    state = {f"module.{k}": v for k, v in inner.items()}
    torch.save({"model": state, "epoch": 3}, OUT / "tensors.pth")
    torch.save(state, OUT / "tensors_legacy.pth", _use_new_zipfile_serialization=False)
    values = {
        f"module.{k}": {"shape": list(v.shape), "values": v.float().flatten().tolist()}
        for k, v in inner.items()
        if not k.endswith("num_batches_tracked")
    }
    (OUT / "tensors.json").write_text(json.dumps(values, indent=1) + "\n")


def main(names: list[str]) -> int:
    torch.set_num_threads(1)
    unknown = [n for n in names if n not in CHECKPOINTS]
    if unknown:
        there = ", ".join(CHECKPOINTS)
        print(f"no checkpoint {', '.join(unknown)}; there are {there}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    if not names:
        for old in OUT.iterdir():
            old.unlink()
    for name in names or CHECKPOINTS:
        make(name)
    configs = {name: config(name) for name in CHECKPOINTS}
    (OUT / "checkpoints.json").write_text(json.dumps(configs, indent=2) + "\n")
    if not names:
        make_tensors()
    total = 0
    for f in sorted(OUT.iterdir()):
        total += f.stat().st_size
        print(f"{f.name:36} {f.stat().st_size:>9}")
    print(f"{'total':36} {total:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
