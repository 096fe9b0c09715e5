"""PyTorch reference fixtures for dsnet's CPU interpreter.

Regenerate test/fixtures/ (every fixture folder is deleted and written again) with

    /usr/bin/python3 tools/make_fixtures.py

from the repository root (any working directory works; paths are taken from this file), or
write only some fixtures, leaving every other folder as it is, with

    /usr/bin/python3 tools/make_fixtures.py normalize_separable normalize_scale_shift

It needs PyTorch (written against 1.13, CPU), torchvision 0.14 and numpy. The output is
deterministic: every fixture seeds torch and numpy from its own name.

Each fixture is a folder test/fixtures/<name>/ with

    model.dsnet          the network (absent when params.json points into examples/);
                          shufflenet_v2's is shufflenet_v2_small.dsnet instead, a small
                          network made of examples/shufflenet_v2.dsnet's blocks
    params.json          {"file": .dsnet path relative to the repository root,
                          "network": network name, "set": {"alpha": "0.25", ...}}
                          ("set" holds strings, as given to --set; the graph networks' set
                          is written on one line, as in the files first written by hand)
    weights.safetensors  F32 tensors under their PyTorch state_dict names; the header's
                          __metadata__ is {"order": JSON list of those names in the order
                          dsnet's layers consume them (dsnet's expectedTensors order)}
    input.npy            <f4, NHWC [N, H, W, C]
    expected.npy         <f8, NHWC [N, h, w, c] (a 1x1xC output is [N, 1, 1, C])
    model.txt            for the graph networks: the exact configuration, every layer with
                          its output shape, every tensor; a folder whose Fixture names no
                          .dsnet file (no dsnet, no file) has no params.json, so the tests
                          do not pick it up

The expected output is computed in float64: the float32 weights and input are converted to
double and the double model is run in eval mode.

Models: every network is built here in PyTorch independently of dsnet (nothing is parsed
from the .dsnet text): separable_block, random_separable, the padding cases and the
normalize cases (whose (x - mean) / std or x * scale + shift is computed here, in float64)
from a small layer list that mirrors the .dsnet file line by line, mobilenet_v1 and mobilenet_v2
as ordinary PyTorch MobileNet classes (torchvision-style for V2), and the graph networks
mobilenet_v3_small, efficientnet_b0 and shufflenet_v2 with torchvision's own classes (their
Linear layers redrawn with PyTorch's default init, since torchvision zeroes the biases) and
ghostnet with the GhostNet module below; these four output logits [N, classes].

Initialisation: convolutions He (kaiming normal, fan_in, ReLU gain), conv biases N(0, 0.2);
batch norm weight U(0.5, 1.5), bias N(0, 0.2), running_mean N(0, 0.5), running_var
U(0.5, 2); fully connected layers PyTorch's default init (uniform, with bias). BN's
num_batches_tracked is not written (dsnet has no such tensor).
"""

from __future__ import annotations

import json
import math
import shutil
import struct
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models import efficientnet, mobilenetv3, shufflenetv2
from torchvision.ops import SqueezeExcitation

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "test" / "fixtures"

# ---------------------------------------------------------------------------------------------
# Padding rules (one spatial dimension), written from their definitions:
#   same        total d*(k-1), floor half before, the odd pixel after; for odd k this is
#               PyTorch's padding=d*(k//2) on both sides
#   same_upper  TensorFlow / ONNX SAME_UPPER: the total that makes the output ceil(n/s), the
#               odd pixel after
#   valid       none
#   (t, b, l, r) explicit
# ---------------------------------------------------------------------------------------------

def resolve_pad(spec, n: int, k: int, s: int, d: int, axis: int) -> tuple[int, int]:
    if isinstance(spec, tuple):
        return (spec[0], spec[1]) if axis == 0 else (spec[2], spec[3])
    extent = d * (k - 1) + 1
    if spec == "valid":
        return (0, 0)
    if spec == "same":
        total = extent - 1
    elif spec == "same_upper":
        out = -(-n // s)
        total = max((out - 1) * s + extent - n, 0)
    else:
        raise ValueError(spec)
    return (total // 2, total - total // 2)


def pads_for(spec, x: torch.Tensor, k, s, d) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) for an NCHW tensor."""
    t, b = resolve_pad(spec, x.shape[2], k[0], s[0], d[0], 0)
    l, r = resolve_pad(spec, x.shape[3], k[1], s[1], d[1], 1)
    return (t, b, l, r)


def pair(v) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


# ---------------------------------------------------------------------------------------------
# Layers for the hand-written networks. Every layer keeps NCHW 4-d tensors; flatten gives
# [N, C*H*W, 1, 1] in PyTorch's (c, h, w) order, fc and softmax work on dim 1.
# ---------------------------------------------------------------------------------------------


class PadConv(nn.Conv2d):
    """Conv2d with dsnet's padding: F.pad with zeros (possibly asymmetric), then padding=0."""

    def __init__(self, cin, cout, k, s=1, d=1, pad="same", groups=1, bias=False):
        super().__init__(cin, cout, pair(k), pair(s), 0, pair(d), groups, bias)
        self.pad_spec = pad

    def forward(self, x):
        t, b, l, r = pads_for(self.pad_spec, x, self.kernel_size, self.stride, self.dilation)
        x = F.pad(x, (l, r, t, b))
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def Conv(cin, cout, k, s=1, d=1, pad="same", groups=1, bias=False):
    return PadConv(cin, cout, k, s, d, pad, groups, bias)


def DW(cin, k=3, s=1, d=1, pad="same", mult=1, bias=False):
    return PadConv(cin, cin * mult, k, s, d, pad, cin, bias)


def PW(cin, cout, s=1, bias=False):
    return PadConv(cin, cout, 1, s, 1, "valid", 1, bias)


def BN(c, eps=1e-5):
    return nn.BatchNorm2d(c, eps=eps)


class Act(nn.Module):
    FNS: dict[str, Callable] = {
        "relu": F.relu,
        "relu6": F.relu6,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "silu": F.silu,
        "hardswish": F.hardswish,
        "hardsigmoid": F.hardsigmoid,
    }

    def __init__(self, op: str, slope: float = 0.01):
        super().__init__()
        self.op, self.slope = op, slope

    def forward(self, x):
        if self.op == "leaky_relu":
            return F.leaky_relu(x, self.slope)
        return self.FNS[self.op](x)

    def extra_repr(self):
        return self.op


class MaxPool(nn.Module):
    """Max pooling; padding is -inf (F.pad), so a window never sees a made-up 0."""

    def __init__(self, k, s=None, pad="valid"):
        super().__init__()
        self.k = pair(k)
        self.s = pair(s) if s is not None else self.k
        self.pad = pad

    def forward(self, x):
        t, b, l, r = pads_for(self.pad, x, self.k, self.s, (1, 1))
        x = F.pad(x, (l, r, t, b), value=-math.inf)
        return F.max_pool2d(x, self.k, self.s, 0)


class AvgPool(nn.Module):
    """Average pooling that leaves padding out of the count, for any (asymmetric) padding:
    the window sum of the zero-padded input over the window sum of a zero-padded ones mask."""

    def __init__(self, k, s=None, pad="valid"):
        super().__init__()
        self.k = pair(k)
        self.s = pair(s) if s is not None else self.k
        self.pad = pad

    def forward(self, x):
        t, b, l, r = pads_for(self.pad, x, self.k, self.s, (1, 1))
        ones = torch.ones_like(x[:1, :1])
        xs = F.avg_pool2d(F.pad(x, (l, r, t, b)), self.k, self.s, 0)
        ms = F.avg_pool2d(F.pad(ones, (l, r, t, b)), self.k, self.s, 0)
        return xs / ms


class GAP(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3), keepdim=True)


class Flatten(nn.Module):
    def forward(self, x):
        return torch.flatten(x, 1)[:, :, None, None]


class FC(nn.Linear):
    def forward(self, x):
        return F.linear(torch.flatten(x, 1), self.weight, self.bias)[:, :, None, None]


class Softmax(nn.Module):
    def forward(self, x):
        return F.softmax(x, dim=1)


class Dropout(nn.Dropout):
    pass  # identity in eval mode


class Residual(nn.Module):
    """body(x) + shortcut(x); the shortcut is the identity when not given. The body is
    registered first, so its tensors come first, as in dsnet."""

    def __init__(self, body: Sequence[nn.Module], shortcut: Sequence[nn.Module] | None = None):
        super().__init__()
        self.body = nn.Sequential(*body)
        self.shortcut = nn.Sequential(*shortcut) if shortcut else None

    def forward(self, x):
        return self.body(x) + (self.shortcut(x) if self.shortcut is not None else x)


class Net(nn.Module):
    def __init__(self, layers: Sequence[nn.Module]):
        super().__init__()
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


# ---------------------------------------------------------------------------------------------
# Faithful MobileNets.
# ---------------------------------------------------------------------------------------------


class MobileNetV1(nn.Module):
    """MobileNetV1 (Howard et al. 2017): conv 3x3 s2 pad 1, 13 depthwise-separable blocks
    (dw 3x3 -> BN -> ReLU6 -> pw -> BN -> ReLU6), global average pool, dropout, linear,
    softmax. Channels int(c * alpha), as in Keras and examples/mobilenet_v1.dsnet."""

    BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [
        (1024, 2),
        (1024, 1),
    ]

    def __init__(self, alpha=1.0, classes=1000, dropout=0.001):
        super().__init__()

        def c(n):
            return int(n * alpha)

        def conv_bn(cin, cout, s):
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3, s, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6()
            )

        def conv_dw(cin, cout, s):
            return nn.Sequential(
                nn.Conv2d(cin, cin, 3, s, 1, groups=cin, bias=False),
                nn.BatchNorm2d(cin),
                nn.ReLU6(),
                nn.Conv2d(cin, cout, 1, 1, 0, bias=False),
                nn.BatchNorm2d(cout),
                nn.ReLU6(),
            )

        layers = [conv_bn(3, c(32), 2)]
        cin = c(32)
        for out, s in self.BLOCKS:
            layers.append(conv_dw(cin, c(out), s))
            cin = c(out)
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(cin, classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        x = self.classifier(torch.flatten(x, 1))
        return F.softmax(x, dim=1)[:, :, None, None]


def make_divisible(v: float, divisor: int = 8, min_value: int | None = None) -> int:
    """torchvision's _make_divisible (from the TF models repository)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class ConvBNReLU6(nn.Sequential):
    def __init__(self, cin, cout, k=3, s=1, groups=1):
        super().__init__(
            nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU6(),
        )


class InvertedResidual(nn.Module):
    """torchvision's block: expand 1x1 (skipped when t = 1), dw 3x3, linear 1x1 projection;
    the residual only when stride 1 and in == out."""

    def __init__(self, inp, oup, stride, t):
        super().__init__()
        hidden = int(round(inp * t))
        self.use_res_connect = stride == 1 and inp == oup
        layers: list[nn.Module] = []
        if t != 1:
            layers.append(ConvBNReLU6(inp, hidden, k=1))
        layers += [
            ConvBNReLU6(hidden, hidden, s=stride, groups=hidden),
            nn.Conv2d(hidden, oup, 1, 1, 0, bias=False),
            nn.BatchNorm2d(oup),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    """torchvision's MobileNetV2 with a softmax at the end. Block widths are
    make_divisible(int(c * alpha), 8), as examples/mobilenet_v2.dsnet writes them
    (torchvision rounds c * alpha without the int; the constructor checks that the two agree
    for the alpha used); the first conv is make_divisible(32 * alpha, 8), the last 1x1 conv
    1280 for alpha <= 1."""

    SETTING = [  # t, c, n, s
        (1, 16, 1, 1),
        (6, 24, 2, 2),
        (6, 32, 3, 2),
        (6, 64, 4, 2),
        (6, 96, 3, 1),
        (6, 160, 3, 2),
        (6, 320, 1, 1),
    ]

    def __init__(self, alpha=1.0, classes=1000, dropout=0.2):
        super().__init__()
        cin = make_divisible(32 * alpha, 8)
        last = make_divisible(1280 * alpha, 8) if alpha > 1 else 1280
        assert last == make_divisible(1280 * max(1.0, alpha), 8)
        features: list[nn.Module] = [ConvBNReLU6(3, cin, s=2)]
        self.widths = [cin]
        for t, c, n, s in self.SETTING:
            out = make_divisible(int(c * alpha), 8)
            assert out == make_divisible(c * alpha, 8), (c, alpha)  # dsnet == torchvision here
            for i in range(n):
                features.append(InvertedResidual(cin, out, s if i == 0 else 1, t))
                cin = out
            self.widths.append(out)
        features.append(ConvBNReLU6(cin, last, k=1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(last, classes))

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), 1)
        x = self.classifier(torch.flatten(x, 1))
        return F.softmax(x, dim=1)[:, :, None, None]


# ---------------------------------------------------------------------------------------------
# GhostNet (Han et al. 2020), not in torchvision: written from the authors' PyTorch definition
# (huawei-noah, ghostnet_pytorch/ghostnet.py) with the same module names, so its state_dict
# names are theirs. tools/torchvision_counts.py checks it against the published 5.18 M
# parameters and ~141 M multiply-adds of GhostNet 1.0x at 224.
# ---------------------------------------------------------------------------------------------


def hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    return F.relu6(x + 3.0) / 6.0


class GhostSqueezeExcite(nn.Module):
    """x * hard_sigmoid(expand(relu(reduce(mean(x))))), reduced to
    make_divisible(channels * se_ratio, 4) channels; both 1x1 convs have a bias."""

    def __init__(self, channels: int, se_ratio: float = 0.25):
        super().__init__()
        reduced = make_divisible(channels * se_ratio, 4)
        self.conv_reduce = nn.Conv2d(channels, reduced, 1, bias=True)
        self.conv_expand = nn.Conv2d(reduced, channels, 1, bias=True)

    def forward(self, x):
        s = F.relu(self.conv_reduce(x.mean(dim=(2, 3), keepdim=True)))
        return x * hard_sigmoid(self.conv_expand(s))


class GhostModule(nn.Module):
    """A 1x1 conv to ceil(oup / 2) channels (the intrinsic maps), a depthwise 3x3 of those (the
    ghost maps), both with BN and optionally ReLU; concatenated and sliced to oup channels
    (ratio 2, dw_size 3)."""

    def __init__(self, inp: int, oup: int, relu: bool):
        super().__init__()
        self.oup = oup
        init = math.ceil(oup / 2)

        def act():
            return nn.ReLU() if relu else nn.Identity()

        self.primary_conv = nn.Sequential(
            nn.Conv2d(inp, init, 1, 1, 0, bias=False), nn.BatchNorm2d(init), act()
        )
        self.cheap_operation = nn.Sequential(
            nn.Conv2d(init, init, 3, 1, 1, groups=init, bias=False), nn.BatchNorm2d(init), act()
        )

    def forward(self, x):
        x1 = self.primary_conv(x)
        x2 = self.cheap_operation(x1)
        return torch.cat([x1, x2], dim=1)[:, : self.oup]


class GhostBottleneck(nn.Module):
    """ghost1 (ReLU) -> [dw k x k stride s -> BN when s > 1] -> [SE] -> ghost2 (linear), plus
    the input, or plus dw k x k s -> BN -> 1x1 -> BN of it when the stride or width changes."""

    def __init__(self, inp: int, mid: int, oup: int, k: int, stride: int, se_ratio: float):
        super().__init__()
        self.stride = stride
        self.ghost1 = GhostModule(inp, mid, relu=True)
        if stride > 1:
            self.conv_dw = nn.Conv2d(mid, mid, k, stride, (k - 1) // 2, groups=mid, bias=False)
            self.bn_dw = nn.BatchNorm2d(mid)
        self.se = GhostSqueezeExcite(mid, se_ratio) if se_ratio > 0 else None
        self.ghost2 = GhostModule(mid, oup, relu=False)
        if inp == oup and stride == 1:
            self.shortcut = nn.Sequential()
        else:
            self.shortcut = nn.Sequential(
                nn.Conv2d(inp, inp, k, stride, (k - 1) // 2, groups=inp, bias=False),
                nn.BatchNorm2d(inp),
                nn.Conv2d(inp, oup, 1, 1, 0, bias=False),
                nn.BatchNorm2d(oup),
            )

    def forward(self, x):
        y = self.ghost1(x)
        if self.stride > 1:
            y = self.bn_dw(self.conv_dw(y))
        if self.se is not None:
            y = self.se(y)
        return self.ghost2(y) + self.shortcut(x)


class GhostConvBnAct(nn.Module):
    def __init__(self, inp: int, oup: int):
        super().__init__()
        self.conv = nn.Conv2d(inp, oup, 1, 1, 0, bias=False)
        self.bn1 = nn.BatchNorm2d(oup)
        self.act1 = nn.ReLU()

    def forward(self, x):
        return self.act1(self.bn1(self.conv(x)))


class GhostNet(nn.Module):
    """The authors' GhostNet: conv_stem 3x3 s2 to make_divisible(16 * width, 4) -> BN -> ReLU;
    the stages of CFGS, every width make_divisible(c * width, 4); a 1x1 conv to the last
    expansion width -> BN -> ReLU; global average pool; conv_head 1x1 to 1280 with a bias ->
    ReLU; dropout; classifier. Returns logits [N, classes]."""

    CFGS = [  # per stage: kernel, expansion width, output width, SE ratio, stride
        [(3, 16, 16, 0, 1)],
        [(3, 48, 24, 0, 2)],
        [(3, 72, 24, 0, 1)],
        [(5, 72, 40, 0.25, 2)],
        [(5, 120, 40, 0.25, 1)],
        [(3, 240, 80, 0, 2)],
        [
            (3, 200, 80, 0, 1),
            (3, 184, 80, 0, 1),
            (3, 184, 80, 0, 1),
            (3, 480, 112, 0.25, 1),
            (3, 672, 112, 0.25, 1),
        ],
        [(5, 672, 160, 0.25, 2)],
        [
            (5, 960, 160, 0, 1),
            (5, 960, 160, 0.25, 1),
            (5, 960, 160, 0, 1),
            (5, 960, 160, 0.25, 1),
        ],
    ]

    def __init__(self, width: float = 1.0, classes: int = 1000, dropout: float = 0.2):
        super().__init__()
        cin = make_divisible(16 * width, 4)
        self.conv_stem = nn.Conv2d(3, cin, 3, 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cin)
        self.act1 = nn.ReLU()
        stages: list[nn.Module] = []
        for stage in self.CFGS:
            blocks = []
            for k, exp, c, se_ratio, s in stage:
                out = make_divisible(c * width, 4)
                mid = make_divisible(exp * width, 4)
                blocks.append(GhostBottleneck(cin, mid, out, k, s, se_ratio))
                cin = out
            stages.append(nn.Sequential(*blocks))
        last = make_divisible(self.CFGS[-1][-1][1] * width, 4)
        stages.append(nn.Sequential(GhostConvBnAct(cin, last)))
        self.blocks = nn.Sequential(*stages)
        self.conv_head = nn.Conv2d(last, 1280, 1, 1, 0, bias=True)
        self.act2 = nn.ReLU()
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(1280, classes)

    def forward(self, x):
        x = self.blocks(self.act1(self.bn1(self.conv_stem(x))))
        x = self.act2(self.conv_head(x.mean(dim=(2, 3), keepdim=True)))
        return self.classifier(self.dropout(torch.flatten(x, 1)))


# ---------------------------------------------------------------------------------------------
# Initialisation, files.
# ---------------------------------------------------------------------------------------------


def seed_of(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def initialise(model: nn.Module, rng: np.random.Generator) -> None:
    """He init for convolutions (torch RNG), non-trivial BN (numpy RNG); Linear keeps
    PyTorch's default init (drawn when it was constructed, under the fixture's torch seed)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                if m.bias is not None:
                    m.bias.copy_(torch.from_numpy(rng.normal(0, 0.2, m.bias.shape)))
            elif isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, c)))
                m.bias.copy_(torch.from_numpy(rng.normal(0, 0.2, c)))
                m.running_mean.copy_(torch.from_numpy(rng.normal(0, 0.5, c)))
                m.running_var.copy_(torch.from_numpy(rng.uniform(0.5, 2.0, c)))


def dsnet_tensors(model: nn.Module) -> list[tuple[str, np.ndarray]]:
    """state_dict without num_batches_tracked. Every model here registers its submodules in
    execution order (a residual's body before its shortcut) and a module's own tensors come
    first in its state_dict (weight, bias, then BN's running_mean, running_var), which is
    dsnet's order (test/fixtures/README.md says how that was checked against dsnet)."""
    out = []
    for name, t in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            continue
        out.append((name, t.detach().cpu().numpy().astype("<f4")))
    return out


def write_safetensors(path: Path, tensors: list[tuple[str, np.ndarray]], metadata: dict) -> None:
    header: dict = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, arr in tensors:
        data = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(arr.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def read_safetensors(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    body = raw[8 + n :]
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32"
        a, b = info["data_offsets"]
        tensors[name] = np.frombuffer(body[a:b], dtype="<f4").reshape(info["shape"])
    return meta, tensors


# ---------------------------------------------------------------------------------------------
# Fixtures.
# ---------------------------------------------------------------------------------------------


@dataclass
class Fixture:
    name: str
    build: Callable[[], nn.Module]
    input_hwc: tuple[int, int, int]
    batch: int = 2
    dist: str = "uniform"  # "uniform": U(-1, 1); "normal": N(0, 1)
    dsnet: str | None = None  # the .dsnet text (model.dsnet); None when file points elsewhere
    dsnet_name: str = "model.dsnet"  # the file dsnet is written to, in the fixture's folder
    file: str | None = None
    network: str = "main"
    set: dict[str, str] = field(default_factory=dict)
    check: Callable[[nn.Module, torch.Tensor, torch.Tensor], str] | None = None
    note: str = ""
    # model.txt: the exact configuration of a graph network. With neither dsnet nor file
    # there is no params.json, so the tests do not pick the folder up.
    config: str | None = None


SEPARABLE_BLOCK = """\
# The MobileNet depthwise-separable block on a 15x15x16 map (Howard et al. 2017, Figure 3).
input 15x15x16
dw 3x3 s1 -> bn -> relu -> pw 24 -> bn -> relu
"""


def separable_block() -> nn.Module:
    return Net([DW(16, 3), BN(16), Act("relu"), PW(16, 24), BN(24), Act("relu")])


RANDOM_SEPARABLE = """\
# A small network that touches every layer kind and padding rule the CPU interpreter has to
# match against PyTorch. Shapes (H x W x C) after each line are in the comments.

network random_separable {
  input 43x35x5

  conv 3x3 8 s2 bias=true -> bn -> relu6              # 22x18x8   strided conv with bias
  dw 3x3 mult=2 -> bn -> leaky_relu 0.1               # 22x18x16  depth multiplier
  dw 3x3 d2 -> bn -> silu                             # 22x18x16  dilated dw: pads 2 and 2
  dw 3x3 s2 pad=same_upper -> bn -> hardswish         # 11x9x16   TF SAME on 22x18: pads 0, 1
  sep 24 3x3 pad=[1, 1, 2, 0] bias=true -> bn -> tanh # 11x9x24   dw, pw (+bias), explicit pad
  conv 3x3 16 groups=2 -> bn eps=0.001 -> relu        # 11x9x16   grouped conv, bn eps 1e-3
  maxpool 3x3 s2 pad=1                                # 6x5x16    padding is -inf
  residual {                                          # 6x5x16    identity shortcut
    pw 32 -> bn -> relu6
    dw 3x3 -> bn -> relu6
    pw 16 -> bn
  }
  avgpool 3x3 s2 pad=1                                # 3x3x16    padding not counted
  residual {                                          # 2x2x24    projection shortcut
    pw 32 -> bn -> relu
    dw 3x3 s2 -> bn -> hardsigmoid
    pw 24 -> bn
  } shortcut {
    conv 1x1 24 s2 -> bn
  }
  sigmoid
  flatten -> fc 10 -> softmax                         # 1x1x10    flatten is (c, h, w) order
}
"""


def random_separable() -> nn.Module:
    return Net(
        [
            Conv(5, 8, 3, s=2, bias=True), BN(8), Act("relu6"),
            DW(8, 3, mult=2), BN(16), Act("leaky_relu", 0.1),
            DW(16, 3, d=2), BN(16), Act("silu"),
            DW(16, 3, s=2, pad="same_upper"), BN(16), Act("hardswish"),
            DW(16, 3, pad=(1, 1, 2, 0)), PW(16, 24, bias=True), BN(24), Act("tanh"),
            Conv(24, 16, 3, groups=2), BN(16, eps=1e-3), Act("relu"),
            MaxPool(3, 2, pad=(1, 1, 1, 1)),
            Residual([PW(16, 32), BN(32), Act("relu6"), DW(32, 3), BN(32), Act("relu6"), PW(32, 16), BN(16)]),
            AvgPool(3, 2, pad=(1, 1, 1, 1)),
            Residual(
                [PW(16, 32), BN(32), Act("relu"), DW(32, 3, s=2), BN(32), Act("hardsigmoid"), PW(32, 24), BN(24)],
                [Conv(16, 24, 1, s=2), BN(24)],
            ),
            Act("sigmoid"),
            Flatten(), FC(96, 10), Softmax(),
        ]
    )  # fmt: skip


def check_random_separable(model, x, y) -> str:
    # The map before flatten is 2x2x24: the (c, h, w) order matters. Reading it (h, w, c)
    # instead must change the output.
    feats = model.layers[:-3](x)
    assert tuple(feats.shape[1:]) == (24, 2, 2), feats.shape
    fc = model.layers[-2]
    wrong = F.softmax(F.linear(feats.permute(0, 2, 3, 1).flatten(1), fc.weight, fc.bias), 1)
    diff = (wrong - y.flatten(1)).abs().max().item()
    assert diff > 1e-3, diff
    return f"hwc-flatten differs by {diff:.3g}"


# --- normalize: the input scaling, written out in PyTorch -------------------------------------

IMAGENET_MEAN = (0.485, 0.456, 0.406)  # torchvision's, for 0..1 pixels
IMAGENET_STD = (0.229, 0.224, 0.225)


class Normalize(nn.Module):
    """(x - mean) / std per channel, in the input's dtype (float64 for the reference). The
    constants are plain floats, not buffers, so they are not written as tensors: dsnet's
    `normalize` has none."""

    def __init__(self, mean: Sequence[float], std: Sequence[float]):
        super().__init__()
        self.mean, self.std = tuple(mean), tuple(std)

    def forward(self, x):
        mean = torch.tensor(self.mean, dtype=x.dtype).view(1, -1, 1, 1)
        std = torch.tensor(self.std, dtype=x.dtype).view(1, -1, 1, 1)
        return (x - mean) / std


class ScaleShift(nn.Module):
    """x * scale + shift, one value for every channel."""

    def __init__(self, scale: float, shift: float):
        super().__init__()
        self.scale, self.shift = scale, shift

    def forward(self, x):
        return x * self.scale + self.shift


NORMALIZE_SEPARABLE = """\
# Per-channel input normalisation (torchvision's ImageNet mean and std) before a separable
# block whose depthwise 3x3 zero-pads the normalised map, not the raw pixels.
input 8x8x3
normalize mean=[0.485, 0.456, 0.406] std=[0.229, 0.224, 0.225]
dw 3x3 -> bn -> relu -> pw 4 -> bn -> relu
"""


def normalize_separable() -> nn.Module:
    return Net([Normalize(IMAGENET_MEAN, IMAGENET_STD), DW(3, 3), BN(3), Act("relu"), PW(3, 4),
                BN(4), Act("relu")])  # fmt: skip


NORMALIZE_SCALE_SHIFT = """\
# One scale and shift for every channel (MobileNet in TensorFlow: x * 2 - 1), then the
# MobileNetV1 stem: a strided 3x3 conv and a separable block.
input 9x9x3
normalize scale=2 shift=-1
conv 3x3 8 s2 -> bn -> relu6
dw 3x3 -> bn -> relu6 -> pw 8 -> bn -> relu6
"""


def normalize_scale_shift() -> nn.Module:
    return Net([ScaleShift(2.0, -1.0), Conv(3, 8, 3, s=2), BN(8), Act("relu6"), DW(8, 3), BN(8),
                Act("relu6"), PW(8, 8), BN(8), Act("relu6")])  # fmt: skip


def check_normalize(model, x, y) -> str:
    """The output must tell the normalisation apart from the likely mistakes: leaving it out,
    applying it to the first convolution's zero padding too (folding it into that
    convolution's weights), and, per channel, the constants in the reverse channel order."""
    first, conv, rest = model.layers[0], model.layers[1], model.layers[2:]
    t, b, l, r = pads_for(conv.pad_spec, x, conv.kernel_size, conv.stride, conv.dilation)
    wrong = {
        "none": model.layers[1:](x),
        "folded": rest(
            F.conv2d(first(F.pad(x, (l, r, t, b))), conv.weight, conv.bias, conv.stride, 0,
                     conv.dilation, conv.groups)
        ),
    }  # fmt: skip
    if isinstance(first, Normalize):
        wrong["reversed"] = model.layers[1:](Normalize(first.mean[::-1], first.std[::-1])(x))
    notes = []
    for what, z in wrong.items():
        diff = (z - y).abs().max().item()
        assert diff > 1e-3 * max(1.0, y.abs().max().item()), (what, diff)
        notes.append(f"{what} differs by {diff:.3g}")
    return ", ".join(notes)


def mobilenet_v1() -> nn.Module:
    return MobileNetV1(alpha=0.25, classes=10)


def mobilenet_v2() -> nn.Module:
    m = MobileNetV2(alpha=0.35, classes=10)
    # dsnet's channel counts for alpha=0.35 (from `dsnet summary`): stem 16, blocks 8 8 16 24 32
    # 56 112, head 1280.
    assert m.widths == [16, 8, 8, 16, 24, 32, 56, 112], m.widths
    return m


# --- graph networks: torchvision's own classes and GhostNet, small -----------------------------


def default_linears(model: nn.Module) -> nn.Module:
    """torchvision gives its Linear layers its own init with zero biases; draw PyTorch's
    default instead (under the fixture's torch seed), so the biases are not zero."""
    for m in model.modules():
        if isinstance(m, nn.Linear):
            m.reset_parameters()
    return model


def mobilenet_v3_small() -> nn.Module:
    setting, last = mobilenetv3._mobilenet_v3_conf(
        "mobilenet_v3_small", width_mult=0.4, reduced_tail=True
    )
    # the widths MOBILENET_V3_SMALL states
    assert [c.out_channels for c in setting] == [8, 16, 16, 16, 16, 16, 24, 24, 24, 24, 24]
    assert (setting[0].input_channels, last) == (8, 208)
    return default_linears(mobilenetv3.MobileNetV3(setting, last, num_classes=10))


def efficientnet_b0() -> nn.Module:
    setting, last = efficientnet._efficientnet_conf(
        "efficientnet_b0", width_mult=0.2, depth_mult=0.5
    )
    # the stages EFFICIENTNET_B0 states: (in, out, repeats)
    stages = [(c.input_channels, c.out_channels, c.num_layers) for c in setting]
    assert stages == [(8, 8, 1), (8, 8, 1), (8, 8, 1), (8, 16, 2), (16, 24, 2), (24, 40, 2),
                      (40, 64, 1)] and last is None, stages  # fmt: skip
    return default_linears(
        efficientnet.EfficientNet(setting, dropout=0.2, num_classes=10, last_channel=last)
    )


def shufflenet_v2() -> nn.Module:
    return shufflenetv2.ShuffleNetV2([2, 3, 2], [16, 32, 64, 128, 256], num_classes=10)


# The .dsnet of the shufflenet_v2 fixture: examples/shufflenet_v2.dsnet's blocks with the
# channel table and unit counts of shufflenet_v2() above (examples/ has no such network).
SHUFFLENET_V2_SMALL = """\
# torchvision's ShuffleNetV2([2, 3, 2], [16, 32, 64, 128, 256], num_classes=10): the blocks of
# examples/shufflenet_v2.dsnet with a smaller channel table and fewer units, for the fixture.
import "../../../examples/shufflenet_v2.dsnet"

network shufflenet_v2_small(res = 48, classes = 10) {
  input res x res x 3
  conv1: conv 3x3 16 s2 -> bn -> relu
  maxpool 3x3 s2 pad=1
  stage2: stage(32, 2)
  stage3: stage(64, 3)
  stage4: stage(128, 2)
  conv5: pw 256 -> bn -> relu
  gap -> fc classes
}
"""


def ghostnet() -> nn.Module:
    return GhostNet(width=0.1, classes=10)


MOBILENET_V3_SMALL = """\
torchvision 0.14 MobileNetV3-Small, width_mult=0.4, reduced_tail=True, 10 classes, 48x48x3:

    setting, last = torchvision.models.mobilenetv3._mobilenet_v3_conf(
        "mobilenet_v3_small", width_mult=0.4, reduced_tail=True)   # last = 208
    torchvision.models.mobilenetv3.MobileNetV3(setting, last, num_classes=10)

Every width is _make_divisible(c * 0.4, 8); reduced_tail halves the last stage (96 -> 48,
576 -> 288 before the width) and the classifier's hidden width (1024 -> 512, then 208).
Block outputs 8 16 16 16 16 16 24 24 24 24 24. Batch norm eps = 0.001 everywhere
(MobileNetV3's norm_layer). No conv has a bias except the SE 1x1 convs; padding is
(k - 1) // 2, dsnet's `same`.

- features.0: conv 3x3 s2 3 -> 8, BN, hardswish
- features.1..11: InvertedResidual blocks (widths, kernels, strides and activations in the
  layer table below): [expand 1x1 -> BN -> act, only when expanded != in] -> dw k x k
  stride s -> BN -> act -> [SE] -> project 1x1 -> BN (no activation); the input is added
  when stride 1 and in == out. act is ReLU in blocks 1-3, hardswish in 4-11.
- SE (SqueezeExcitation, features.N.block.K just before the projection): global average
  pool -> fc1 1x1 conv with bias to _make_divisible(expanded // 4, 8) -> ReLU -> fc2 1x1
  conv with bias back to expanded -> hardsigmoid (relu6(x + 3) / 6); the map is multiplied
  by that 1x1xC gate. Blocks 1 and 4-11 have it.
- features.12: conv 1x1 24 -> 144, BN, hardswish
- global average pool; classifier.0 Linear 144 -> 208, hardswish, dropout 0.2 (identity),
  classifier.3 Linear 208 -> 10. The output is the logits (no softmax), [N, 1, 1, 10].
"""

EFFICIENTNET_B0 = """\
torchvision 0.14 EfficientNet-B0 scaled to width_mult=0.2, depth_mult=0.5, 10 classes,
48x48x3:

    setting, last = torchvision.models.efficientnet._efficientnet_conf(
        "efficientnet_b0", width_mult=0.2, depth_mult=0.5)           # last = None
    torchvision.models.efficientnet.EfficientNet(setting, dropout=0.2, num_classes=10,
                                                 last_channel=None)

Widths are _make_divisible(c * 0.2, 8), repeats ceil(n * 0.5): B0's stages (expand ratio,
kernel, stride, out, repeats) 1 3 1 16 1, 6 3 2 24 2, 6 5 2 40 2, 6 3 2 80 3, 6 5 1 112 3,
6 5 2 192 4, 6 3 1 320 1 become outputs 8 8 8 16 24 40 64 with repeats 1 1 1 2 2 2 1 (stem
8). Batch norm eps = 1e-5 (torchvision's B0-B7 use plain BatchNorm2d). No conv has a bias
except the SE 1x1 convs; padding (k - 1) // 2 (`same`). Stochastic depth and dropout are
identities in eval mode.

- features.0: conv 3x3 s2 3 -> 8, BN, SiLU
- features.1..7: one stage each, MBConv blocks (widths, kernels and strides in the layer
  table below; only a stage's first block has the stage's stride and input width): [expand
  1x1 to in * ratio -> BN -> SiLU, only when ratio != 1] -> dw k x k s -> BN -> SiLU -> SE
  -> project 1x1 -> BN; the input is added when stride 1 and in == out
- SE in every block (features.N.M.block.K just before the projection): global average pool
  -> fc1 1x1 conv with bias to max(1, in // 4) channels (the block's input width, not the
  expanded width) -> SiLU -> fc2 1x1 conv with bias back -> sigmoid; multiplies the map
- features.8: conv 1x1 64 -> 256 (4 * 64), BN, SiLU
- global average pool; dropout (identity); classifier.1 Linear 256 -> 10. Logits, [N, 1, 1, 10].
"""

SHUFFLENET_V2 = """\
torchvision 0.14 ShuffleNetV2, stages_repeats [2, 3, 2], stages_out_channels
[16, 32, 64, 128, 256], 10 classes, 48x48x3:

    torchvision.models.shufflenetv2.ShuffleNetV2([2, 3, 2], [16, 32, 64, 128, 256],
                                                 num_classes=10)

Batch norm eps = 1e-5. No conv has a bias.

- conv1: conv 3x3 s2 pad 1, 3 -> 16, BN, ReLU (24x24)
- maxpool 3x3 s2 pad 1 (PyTorch pads with -inf) (12x12)
- stage2 (32 channels, 2 units), stage3 (64, 3), stage4 (128, 2); the first unit of a stage
  has stride 2, the rest stride 1 (maps 6x6, 3x3, 2x2). b = out / 2.
  - stride 2: branch1(x) = dw 3x3 s2 -> BN -> 1x1 to b -> BN -> ReLU, and branch2(x) =
    1x1 to b -> BN -> ReLU -> dw 3x3 s2 -> BN -> 1x1 -> BN -> ReLU, both on the whole input;
    out = concat(branch1, branch2)
  - stride 1: x1 = channels [0, b), x2 = channels [b, 2b) (x.chunk(2)); out =
    concat(x1, branch2(x2)), branch2 as above with stride 1 and b -> b; there is no branch1
  - then channel_shuffle(out, 2): view [N, 2, C/2, H, W], transpose to [N, C/2, 2, H, W],
    flatten, so output channel 2i is input channel i and 2i + 1 is C/2 + i
- conv5: 1x1 128 -> 256, BN, ReLU (2x2)
- global mean over H, W; fc Linear 256 -> 10. Logits, [N, 1, 1, 10].
"""

GHOSTNET = """\
GhostNet 0.1x (Han et al. 2020), 10 classes, 48x48x3: the GhostNet module of
tools/make_fixtures.py (the authors' ghostnet.py, huawei-noah) with width=0.1:

    GhostNet(width=0.1, classes=10)

The width is small because conv_head is 1280 wide whatever the width (at 0.5 the network is
1.3 M parameters). Every width is make_divisible(c * 0.1, 4) (so at least 4, and always a
multiple of 4: the GhostModule slice [:, :oup] keeps every channel here). Batch norm eps =
1e-5. No conv has a bias except the SE convs and conv_head. Padding is k // 2 (`same`).

- conv_stem: conv 3x3 s2 pad 1, 3 -> 4, bn1, ReLU
- blocks.0..8: the authors' 9 stages (16 bottlenecks) of GhostBottlenecks; widths, kernels
  and strides in the layer table below:
  - ghost1 = GhostModule(in, mid, ReLU): primary_conv 1x1 in -> mid/2, BN, ReLU;
    cheap_operation dw 3x3 (mid/2 -> mid/2, groups mid/2), BN, ReLU;
    out = concat(primary, cheap)[:, :mid]
  - when stride 2: conv_dw dw k x k s2 (mid), bn_dw, no activation
  - SE when present: mean over H, W -> conv_reduce 1x1 with bias to
    make_divisible(mid * 0.25, 4) -> ReLU -> conv_expand 1x1 with bias -> relu6(x + 3) / 6
    (= hardsigmoid); multiplies the map
  - ghost2 = GhostModule(mid, out) without ReLU
  - plus the input when in == out and stride 1; otherwise plus shortcut(x) = dw k x k stride
    s (in) -> BN -> 1x1 in -> out -> BN
- blocks.9: conv 1x1 16 -> 96 (make_divisible(960 * 0.1, 4)), bn1, ReLU
- global average pool; conv_head 1x1 96 -> 1280 with bias; ReLU; dropout (identity);
  classifier Linear 1280 -> 10. Logits, [N, 1, 1, 10].
"""


# --- padding cases: (name, input HxWxC, batch, dsnet layer, PyTorch layer) ---------------------

PADDING_CASES = [
    # conv 3 -> 4 channels
    ("conv_same_s1_odd", (9, 9, 3), 2, "conv 3x3 4", lambda: Conv(3, 4, 3)),
    ("conv_same_s2_even", (8, 8, 3), 1, "conv 3x3 4 s2", lambda: Conv(3, 4, 3, s=2)),
    ("conv_same_upper_s2_even", (8, 8, 3), 2, "conv 3x3 4 s2 pad=same_upper",
     lambda: Conv(3, 4, 3, s=2, pad="same_upper")),
    ("conv_same_k4_s1_even", (8, 8, 3), 1, "conv 4x4 4", lambda: Conv(3, 4, 4)),
    ("conv_same_upper_k4_s2_odd", (9, 9, 3), 2, "conv 4x4 4 s2 pad=same_upper",
     lambda: Conv(3, 4, 4, s=2, pad="same_upper")),
    ("conv_same_d2_s1_odd", (9, 9, 3), 2, "conv 3x3 4 d2", lambda: Conv(3, 4, 3, d=2)),
    ("conv_same_d2_s2_even", (8, 8, 3), 1, "conv 3x3 4 s2 d2", lambda: Conv(3, 4, 3, s=2, d=2)),
    ("conv_same_upper_d2_s2_even", (8, 8, 3), 2, "conv 3x3 4 s2 d2 pad=same_upper",
     lambda: Conv(3, 4, 3, s=2, d=2, pad="same_upper")),
    ("conv_valid_s2_odd", (9, 9, 3), 2, "conv 3x3 4 s2 pad=valid",
     lambda: Conv(3, 4, 3, s=2, pad="valid")),
    ("conv_valid_d2_s1_even", (8, 8, 3), 1, "conv 3x3 4 d2 pad=valid",
     lambda: Conv(3, 4, 3, d=2, pad="valid")),
    ("conv_explicit_s2_d2_odd", (9, 9, 3), 2, "conv 3x3 4 s2 d2 pad=[2, 0, 1, 3]",
     lambda: Conv(3, 4, 3, s=2, d=2, pad=(2, 0, 1, 3))),
    ("conv_explicit_hw_k3x5_s1x2_even", (8, 8, 3), 2, "conv 3x5 4 s=[1, 2] pad=[1, 2]",
     lambda: Conv(3, 4, (3, 5), s=(1, 2), pad=(1, 1, 2, 2))),
    # depthwise, 6 channels
    ("dw_same_s2_odd", (9, 9, 6), 2, "dw 3x3 s2", lambda: DW(6, 3, s=2)),
    ("dw_same_upper_s2_even", (8, 8, 6), 2, "dw 3x3 s2 pad=same_upper",
     lambda: DW(6, 3, s=2, pad="same_upper")),
    ("dw_same_d2_s2_even", (8, 8, 6), 1, "dw 3x3 s2 d2", lambda: DW(6, 3, s=2, d=2)),
    ("dw_same_upper_k4_mult2_s1_odd", (9, 9, 6), 2, "dw 4x4 mult=2 pad=same_upper",
     lambda: DW(6, 4, mult=2, pad="same_upper")),
    ("dw_explicit_s1_even", (8, 8, 6), 2, "dw 3x3 pad=[0, 2, 2, 0]",
     lambda: DW(6, 3, pad=(0, 2, 2, 0))),
    ("dw_valid_s2_odd", (9, 9, 6), 1, "dw 3x3 s2 pad=valid", lambda: DW(6, 3, s=2, pad="valid")),
    # max pooling, 4 channels; padding is -inf
    ("maxpool_same_s2_odd", (9, 9, 4), 2, "maxpool 3x3 s2 pad=same",
     lambda: MaxPool(3, 2, pad="same")),
    ("maxpool_same_upper_s2_even", (8, 8, 4), 2, "maxpool 3x3 s2 pad=same_upper",
     lambda: MaxPool(3, 2, pad="same_upper")),
    ("maxpool_same_k2_odd", (9, 9, 4), 1, "maxpool 2x2 pad=same", lambda: MaxPool(2, pad="same")),
    ("maxpool_explicit_s2_even", (8, 8, 4), 2, "maxpool 3x3 s2 pad=[1, 2, 0, 1]",
     lambda: MaxPool(3, 2, pad=(1, 2, 0, 1))),
    ("maxpool_valid_k2_odd", (9, 9, 4), 2, "maxpool 2x2", lambda: MaxPool(2)),
    # average pooling, 4 channels; padding is left out of the count
    ("avgpool_same_s1_odd", (9, 9, 4), 2, "avgpool 3x3 s1 pad=same",
     lambda: AvgPool(3, 1, pad="same")),
    ("avgpool_same_upper_s2_even", (8, 8, 4), 2, "avgpool 3x3 s2 pad=same_upper",
     lambda: AvgPool(3, 2, pad="same_upper")),
    ("avgpool_same_k2_odd", (9, 9, 4), 1, "avgpool 2x2 pad=same", lambda: AvgPool(2, pad="same")),
    ("avgpool_explicit_s2_odd", (9, 9, 4), 2, "avgpool 3x3 s2 pad=[2, 0, 1, 2]",
     lambda: AvgPool(3, 2, pad=(2, 0, 1, 2))),
    ("avgpool_valid_s2_even", (8, 8, 4), 2, "avgpool 3x3 s2", lambda: AvgPool(3, 2)),
]  # fmt: skip


def check_padding(model, x, y) -> str:
    """Cross-checks against PyTorch's own padding where it can express it, and makes sure
    each case tells its padding apart from the likely mistakes."""
    layer = model.layers[0]
    notes = []
    if isinstance(layer, PadConv):
        t, b, l, r = pads_for(layer.pad_spec, x, layer.kernel_size, layer.stride, layer.dilation)
        if t == b and l == r:
            ref = F.conv2d(x, layer.weight, None, layer.stride, (t, l), layer.dilation, layer.groups)
            assert torch.allclose(ref, y, rtol=0, atol=1e-12), "PadConv != Conv2d(padding=)"
            notes.append("= Conv2d(padding)")
        return f"pad t{t} b{b} l{l} r{r}" + (f" ({', '.join(notes)})" if notes else "")
    t, b, l, r = pads_for(layer.pad, x, layer.k, layer.s, (1, 1))
    if isinstance(layer, MaxPool):
        if t == b and l == r:
            ref = F.max_pool2d(x, layer.k, layer.s, (t, l))
            assert torch.equal(ref, y), "MaxPool != max_pool2d(padding=)"
            notes.append("= max_pool2d(padding)")
        if t + b + l + r:
            zero = F.max_pool2d(F.pad(x, (l, r, t, b)), layer.k, layer.s)
            assert not torch.equal(zero, y), "zero padding would give the same answer"
            notes.append("zero-padding differs")
    if isinstance(layer, AvgPool):
        if t == b and l == r:
            ref = F.avg_pool2d(x, layer.k, layer.s, (t, l), count_include_pad=False)
            assert torch.allclose(ref, y, rtol=0, atol=1e-12), "AvgPool != avg_pool2d"
            notes.append("= avg_pool2d(count_include_pad=False)")
        if t + b + l + r:
            incl = F.avg_pool2d(F.pad(x, (l, r, t, b)), layer.k, layer.s)
            assert not torch.allclose(incl, y), "counting the padding would give the same answer"
            notes.append("counting padding differs")
    return f"pad t{t} b{b} l{l} r{r}" + (f" ({', '.join(notes)})" if notes else "")


def fixtures() -> list[Fixture]:
    out = [
        Fixture(
            "separable_block",
            separable_block,
            (15, 15, 16),
            batch=2,
            dist="uniform",
            dsnet=SEPARABLE_BLOCK,
            note="dw 3x3 -> bn -> relu -> pw 24 -> bn -> relu on 15x15x16",
        ),
        Fixture(
            "random_separable",
            random_separable,
            (43, 35, 5),
            batch=2,
            dist="normal",
            dsnet=RANDOM_SEPARABLE,
            network="random_separable",
            check=check_random_separable,
            note="every layer kind, activation and padding rule in one network",
        ),
        Fixture(
            "normalize_separable",
            normalize_separable,
            (8, 8, 3),
            dsnet=NORMALIZE_SEPARABLE,
            check=check_normalize,
            note="normalize ImageNet mean/std -> dw 3x3 -> bn -> relu -> pw 4 -> bn -> relu",
        ),
        Fixture(
            "normalize_scale_shift",
            normalize_scale_shift,
            (9, 9, 3),
            dsnet=NORMALIZE_SCALE_SHIFT,
            check=check_normalize,
            note="normalize scale=2 shift=-1 -> conv 3x3 8 s2 -> dw 3x3 -> pw 8",
        ),
        Fixture(
            "mobilenet_v1",
            mobilenet_v1,
            (96, 96, 3),
            batch=2,
            dist="uniform",
            file="examples/mobilenet_v1.dsnet",
            network="mobilenet_v1",
            set={"alpha": "0.25", "res": "96", "classes": "10"},
            note="MobileNetV1, alpha 0.25, 96x96, 10 classes",
        ),
        Fixture(
            "mobilenet_v2",
            mobilenet_v2,
            (64, 64, 3),
            batch=1,
            dist="normal",
            file="examples/mobilenet_v2.dsnet",
            network="mobilenet_v2",
            set={"alpha": "0.35", "res": "64", "classes": "10"},
            note="MobileNetV2, alpha 0.35, 64x64, 10 classes",
        ),
    ]
    small = {"res": "48", "classes": "10"}
    for name, build, config, network, note in [
        ("mobilenet_v3_small", mobilenet_v3_small, MOBILENET_V3_SMALL,
         dict(file="examples/mobilenet_v3.dsnet", network="mobilenet_v3_small",
              set={"alpha": "0.4", **small, "reduced_tail": "true"}),
         "MobileNetV3-Small, width 0.4, reduced tail, 48x48, 10 classes"),
        ("efficientnet_b0", efficientnet_b0, EFFICIENTNET_B0,
         dict(file="examples/efficientnet.dsnet", network="efficientnet",
              set={"width": "0.2", "depth": "0.5", **small}),
         "EfficientNet-B0, width 0.2, depth 0.5, 48x48, 10 classes"),
        ("shufflenet_v2", shufflenet_v2, SHUFFLENET_V2,
         dict(dsnet=SHUFFLENET_V2_SMALL, dsnet_name="shufflenet_v2_small.dsnet",
              network="shufflenet_v2_small"),
         "ShuffleNetV2, repeats 2 3 2, channels 16 32 64 128 256, 48x48, 10 classes"),
        ("ghostnet", ghostnet, GHOSTNET,
         dict(file="examples/ghostnet.dsnet", network="ghostnet", set={"width": "0.1", **small}),
         "GhostNet, width 0.1, 48x48, 10 classes"),
    ]:  # fmt: skip
        out.append(Fixture(name, build, (48, 48, 3), batch=2, dist="normal", config=config,
                           note=note, **network))  # fmt: skip
    for name, (h, w, c), batch, text, make in PADDING_CASES:
        out.append(
            Fixture(
                "padding_" + name,
                (lambda make=make: Net([make()])),
                (h, w, c),
                batch=batch,
                # max pooling gets N(0, 1) input, so windows of negatives are common and -inf
                # padding is told apart from zero padding
                dist="normal" if "maxpool" in name else "uniform",
                dsnet=f"# Padding case {name}.\ninput {h}x{w}x{c}\n{text}\n",
                check=check_padding,
                note=text,
            )
        )
    return out


def joins(m: nn.Module) -> str | None:
    """How a block of the graph networks combines its parts, or None for a plain sequence."""
    if isinstance(m, (mobilenetv3.InvertedResidual, efficientnet.MBConv)):
        return "= block + input (residual)" if m.use_res_connect else "= block (no residual)"
    if isinstance(m, shufflenetv2.InvertedResidual):
        if m.stride > 1:
            return "= channel_shuffle(concat(branch1(x), branch2(x)), 2)"
        return "= channel_shuffle(concat(x[:, :C/2], branch2(x[:, C/2:])), 2)"
    if isinstance(m, GhostBottleneck):
        return "= ghost2 + " + ("input" if len(m.shortcut) == 0 else "shortcut(input)")
    if isinstance(m, GhostModule):
        return f"= concat(primary_conv, cheap_operation)[:, :{m.oup}]"
    if isinstance(m, (SqueezeExcitation, GhostSqueezeExcite)):
        return "= input * gate (the 1x1xC map above, broadcast)"
    return None


def layer_table(model: nn.Module, x: torch.Tensor) -> str:
    """Every leaf module in the order it runs, with its output shape (H x W x C, or C), and
    after each block that is not a plain sequence, how it joins its parts."""
    rows: list[tuple[str, str, str]] = []
    hooks = []
    for name, m in model.named_modules():
        leaf = not any(True for _ in m.children())
        if name and (leaf or joins(m)):

            def hook(m, _inputs, out, name=name, leaf=leaf):
                shape = "x".join(map(str, (*out.shape[2:], out.shape[1])))
                if not leaf:
                    what = joins(m)
                elif isinstance(m, nn.Sequential):
                    what = "identity"
                else:
                    what = repr(m)
                rows.append((name, what, shape))

            hooks.append(m.register_forward_hook(hook))
    model(x)
    for h in hooks:
        h.remove()
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{n:{width}}  {shape:>9}  {what}" for n, what, shape in rows)


def model_txt(fx: Fixture, model, tensors, layers: str, shape, expected, f32_err) -> str:
    numbers = sum(a.size for _, a in tensors)
    trainable = sum(p.numel() for p in model.parameters())
    width = max(len(n) for n, _ in tensors)
    tensor_lines = "\n".join(f"{n:{width}}  {list(a.shape)}" for n, a in tensors)
    peak = np.abs(expected).max()
    spread = np.abs(expected[0] - expected[-1]).max() / peak
    return f"""{fx.config}
Fixture: input {list(shape)} NHWC ({"U(-1, 1)" if fx.dist == "uniform" else "N(0, 1)"}), output
{list(expected.shape)}, max |y| = {peak:.6g}; the first and last samples' outputs differ by
{spread:.3g} of max |y|. Float32 PyTorch is within {f32_err:.1e} of the float64 reference.
{trainable:,} trainable parameters; {numbers:,} numbers in {len(tensors)} tensors with batch
norm's running statistics.

## Layers, in the order they run (name, output H x W x C, module)

{layers}

## Tensors in weights.safetensors (state_dict order, without num_batches_tracked)

{tensor_lines}
"""


def params_json(fx: Fixture, file: str) -> str:
    params = {"file": file, "network": fx.network, "set": fx.set}
    return json.dumps(params, indent=2) + "\n"


def generate(fx: Fixture) -> dict:
    seed = seed_of(fx.name)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = fx.build()
    initialise(model, rng)
    model.eval()

    h, w, c = fx.input_hwc
    shape = (fx.batch, h, w, c)
    if fx.dist == "uniform":
        x_nhwc = rng.uniform(-1.0, 1.0, shape).astype("<f4")
    else:
        x_nhwc = rng.standard_normal(shape).astype("<f4")

    tensors = dsnet_tensors(model)
    order = [name for name, _ in tensors]

    # float64 reference: the float32 weights and input, widened
    x64 = torch.from_numpy(x_nhwc.astype("<f8")).permute(0, 3, 1, 2).contiguous()
    with torch.no_grad():
        # how far float32 PyTorch is from the reference (for picking test tolerances)
        y32 = model(x64.float()).double()
        model64 = model.double()
        y64 = model64(x64)
        note = fx.check(model64, x64, y64) if fx.check else ""
        layers = layer_table(model64, x64) if fx.config is not None else ""
    if y64.dim() == 2:  # logits [N, C]: stored as a 1x1xC map
        y32, y64 = y32[:, :, None, None], y64[:, :, None, None]
    assert y64.dim() == 4
    expected = np.ascontiguousarray(y64.permute(0, 2, 3, 1).numpy().astype("<f8"))
    assert np.isfinite(expected).all()

    folder = FIXTURES / fx.name
    folder.mkdir(parents=True)
    if fx.dsnet is not None:
        (folder / fx.dsnet_name).write_text(fx.dsnet)
        file = f"test/fixtures/{fx.name}/{fx.dsnet_name}"
    else:
        file = fx.file
    if file is not None:
        (folder / "params.json").write_text(params_json(fx, file))
    else:
        assert fx.config is not None, f"{fx.name}: no network and no model.txt"
    if fx.config is not None:
        (folder / "model.txt").write_text(
            model_txt(fx, model, tensors, layers, shape, expected, float((y32 - y64).abs().max()))
        )
    write_safetensors(folder / "weights.safetensors", tensors, {"order": json.dumps(order)})
    np.save(folder / "input.npy", x_nhwc)
    np.save(folder / "expected.npy", expected)

    # read everything back
    meta, back = read_safetensors(folder / "weights.safetensors")
    assert json.loads(meta["order"]) == order and list(back) == order
    for name, arr in tensors:
        assert np.array_equal(back[name], arr), name
    assert np.array_equal(np.load(folder / "input.npy"), x_nhwc)
    assert np.array_equal(np.load(folder / "expected.npy"), expected)

    size = sum(p.stat().st_size for p in folder.iterdir())
    return {
        "name": fx.name,
        "tensors": len(order),
        "params": int(sum(a.size for _, a in tensors)),
        "input": list(shape),
        "output": list(expected.shape),
        "max_abs": float(np.abs(expected).max()),
        "f32_err": float((y32 - y64).abs().max()),
        "bytes": size,
        "note": note,
    }


def main(argv: list[str]) -> int:
    torch.set_num_threads(1)  # the same summation order on every machine
    FIXTURES.mkdir(parents=True, exist_ok=True)
    wanted = fixtures()
    if argv:  # only the named fixtures, leaving every other folder as it is
        unknown = sorted(set(argv) - {fx.name for fx in wanted})
        if unknown:
            print(f"no such fixture: {', '.join(unknown)}", file=sys.stderr)
            return 2
        wanted = [fx for fx in wanted if fx.name in argv]
    names = {fx.name for fx in wanted}
    # with no names, regenerate entirely: remove every fixture folder (one with a params.json) and ours
    for d in sorted(FIXTURES.iterdir()):
        if d.is_dir() and (d.name in names or (not argv and (d / "params.json").exists())):
            shutil.rmtree(d)
    total = 0
    print(f"{'fixture':40} {'tensors':>7} {'params':>7} {'input':>16} {'output':>14} "
          f"{'max|y|':>9} {'f32 err':>8} {'bytes':>8}")  # fmt: skip
    for fx in wanted:
        s = generate(fx)
        total += s["bytes"]
        print(
            f"{s['name']:40} {s['tensors']:7d} {s['params']:7d} {'x'.join(map(str, s['input'])):>16} "
            f"{'x'.join(map(str, s['output'])):>14} {s['max_abs']:9.4g} {s['f32_err']:8.1e} "
            f"{s['bytes']:8d}" + (f"  {s['note']}" if s["note"] else "")
        )
    print(f"{len(wanted)} fixtures, {total} bytes in {FIXTURES.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
