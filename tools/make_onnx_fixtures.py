"""ONNX fixtures for `dsnet import`: torchvision networks exported by torch.onnx.export.

Regenerate test/fixtures/onnx/ with

    /usr/bin/python3 tools/make_onnx_fixtures.py

(PyTorch 1.13, torchvision 0.14, CPU; deterministic: each model seeds torch and numpy from
its name). Each fixture is four files under test/fixtures/onnx/:

    <name>.onnx         torch.onnx.export, opset 14, batch 1, NCHW input "input"
    <name>.input.npy    <f4 NHWC [1, H, W, 3], what `dsnet run --input` takes
    <name>.expected.npy <f8 [1, classes]: the model run in float64 (eval mode) on that input
    <name>.json         {"export": how batch norm was exported, "macs", "params",
                         "bn_params"} counted on the PyTorch model: multiply-adds by forward
                         hooks on Conv2d and Linear (tools/torchvision_counts.py's rule),
                         parameters as sum(p.numel()) plus BN running statistics

Batch norm: in eval mode torch.onnx.export (training=TrainingMode.EVAL, the default) folds
every BatchNormalization into the Conv before it (its weights scaled, a bias added), so the
model has no BatchNormalization node and every Conv has a bias. mobilenet_v2 is exported so.
TrainingMode.PRESERVE on a model in eval mode skips that fold and writes inference-mode
BatchNormalization nodes; the other fixtures are exported so.

The weights are the ones tools/make_fixtures.py draws: He-normal convolutions, non-trivial
batch norm statistics, PyTorch's default Linear init.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from torch.onnx import TrainingMode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures as mf  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "onnx"


def mobilenet_v2() -> nn.Module:
    from torchvision.models import mobilenet_v2 as build

    return mf.default_linears(build(weights=None, width_mult=0.35, num_classes=10))


FIXTURES = {
    # name: (model, input size, batch norm export)
    "mobilenet_v2": (mobilenet_v2, 32, TrainingMode.EVAL),
    "mobilenet_v3_small": (mf.mobilenet_v3_small, 32, TrainingMode.PRESERVE),
    "efficientnet_b0": (mf.efficientnet_b0, 32, TrainingMode.PRESERVE),
    "shufflenet_v2": (mf.shufflenet_v2, 32, TrainingMode.PRESERVE),
}


def counts(model: nn.Module, x: torch.Tensor) -> tuple[int, int, int]:
    macs = 0

    def conv_hook(m: nn.Conv2d, _inputs, out: torch.Tensor) -> None:
        nonlocal macs
        kh, kw = m.kernel_size
        macs += out.numel() * (m.in_channels // m.groups) * kh * kw

    def linear_hook(m: nn.Linear, _inputs, out: torch.Tensor) -> None:
        nonlocal macs
        macs += out.numel() * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    params = sum(p.numel() for p in model.parameters())
    bn = sum(
        m.running_mean.numel() + m.running_var.numel()
        for m in model.modules()
        if isinstance(m, nn.BatchNorm2d)
    )
    bn_params = sum(
        p.numel() for m in model.modules() if isinstance(m, nn.BatchNorm2d) for p in m.parameters()
    )
    return macs, params + bn, bn_params + bn


def main() -> None:
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (build, size, training) in FIXTURES.items():
        seed = mf.seed_of(f"onnx/{name}")
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        model = build()
        mf.initialise(model, rng)
        model.eval()
        x = torch.from_numpy(rng.normal(0, 1, (1, 3, size, size)).astype("<f4"))
        macs, params, bn_params = counts(model, x)
        torch.onnx.export(
            model,
            x,
            str(OUT / f"{name}.onnx"),
            opset_version=14,
            input_names=["input"],
            output_names=["output"],
            training=training,
            do_constant_folding=True,
        )
        with torch.no_grad():
            expected = model.double()(x.double()).numpy()
        np.save(OUT / f"{name}.input.npy", x.numpy().transpose(0, 2, 3, 1).astype("<f4"))
        np.save(OUT / f"{name}.expected.npy", expected.astype("<f8"))
        export = (
            "batch norm folded into conv biases (TrainingMode.EVAL)"
            if training == TrainingMode.EVAL
            else "BatchNormalization nodes kept (TrainingMode.PRESERVE, model in eval mode)"
        )
        info = {"export": export, "macs": macs, "params": params, "bn_params": bn_params}
        (OUT / f"{name}.json").write_text(json.dumps(info, indent=2) + "\n")
        print(name, info, f"{(OUT / f'{name}.onnx').stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
