"""Exact parameter and multiply-add counts of the graph networks dsnet is measured against.

    /usr/bin/python3 tools/torchvision_counts.py

from the repository root (any working directory works). It needs PyTorch 1.13 and
torchvision 0.14 (CPU), builds every network with weights=None (nothing is downloaded),
prints a table and writes it to test/fixtures/graph_network_counts.json and
bench/graph-networks.md.

- params: trainable parameters, sum(p.numel() for p in model.parameters()) (batch norm's
  running statistics are buffers, not parameters).
- macs: multiply-adds of one forward pass, batch 1, eval mode, counted by forward hooks:
  Conv2d out elements x in_channels / groups x kh x kw; Linear in x out (per row). Nothing
  else is counted (batch norm, activations, pooling, the SE product, additions).

GhostNet is not in torchvision; tools/make_fixtures.py holds a module written from the
authors' definition, and this script checks it against their published 1.0x figures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torchvision
from torchvision import models

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import GhostNet  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
JSON_OUT = ROOT / "test" / "fixtures" / "graph_network_counts.json"
TABLE_OUT = ROOT / "bench" / "graph-networks.md"
COMMAND = "/usr/bin/python3 tools/torchvision_counts.py"

# torchvision's published resolution for each EfficientNet (its weights' crop size)
EFFICIENTNET_RES = {"b0": 224, "b1": 240, "b2": 260, "b3": 300, "b4": 380, "b5": 456,
                    "b6": 528, "b7": 600}  # fmt: skip

# The figures the counts must reproduce exactly: (name, resolution) -> (params, macs).
STATED = {
    ("mobilenet_v3_large", 224): (5_483_032, 216_589_760),
    ("efficientnet_b0", 224): (5_288_548, 385_814_752),
}
# GhostNet 1.0x as its authors publish it (Han et al. 2020, and the README next to their
# ghostnet.py): 5.2 M parameters (5.18 M), 141 M FLOPs (multiply-adds) at 224.
GHOSTNET_PUBLISHED = (5.18e6, 141e6)


def count(model: nn.Module, res: int) -> tuple[int, int]:
    params = sum(p.numel() for p in model.parameters())
    macs = 0

    def conv_hook(m: nn.Conv2d, _inputs, out: torch.Tensor) -> None:
        nonlocal macs
        kh, kw = m.kernel_size
        macs += out.numel() * (m.in_channels // m.groups) * kh * kw

    def linear_hook(m: nn.Linear, _inputs, out: torch.Tensor) -> None:
        nonlocal macs
        macs += (out.numel() // m.out_features) * m.in_features * m.out_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, res, res))
    for h in hooks:
        h.remove()
    return params, macs


def networks() -> list[tuple[str, int]]:
    """(name, resolution): every network at 224, each EfficientNet also at its own."""
    out = [("mobilenet_v3_large", 224), ("mobilenet_v3_small", 224)]
    for v, res in EFFICIENTNET_RES.items():
        out += [(f"efficientnet_{v}", 224)] + ([(f"efficientnet_{v}", res)] if res != 224 else [])
    out += [(f"shufflenet_v2_{w}", 224) for w in ["x0_5", "x1_0", "x1_5", "x2_0"]]
    out += [(f"mnasnet{a}", 224) for a in ["0_5", "0_75", "1_0", "1_3"]]
    return out + [("ghostnet_1.0", 224)]


def build(name: str) -> tuple[nn.Module, str]:
    """The model and how it was built."""
    if name == "ghostnet_1.0":
        return GhostNet(width=1.0, classes=1000), "GhostNet(width=1.0) in tools/make_fixtures.py"
    return getattr(models, name)(weights=None), f"torchvision.models.{name}(weights=None)"


def table(rows: list[dict]) -> str:
    """A Markdown table laid out as prettier lays it out (numbers right-aligned)."""
    head = ["network", "resolution", "params", "MACs"]
    body = [
        [r["network"], str(r["resolution"]), f"{r['params']:,}", f"{r['macs']:,}"] for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    right = [False, True, True, True]

    def line(cells):
        return "| " + " | ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)
        ) + " |"

    rule = "| " + " | ".join("-" * (w - 1) + ":" if r else "-" * w for w, r in zip(widths, right))
    return "\n".join([line(head), rule + " |"] + [line(b) for b in body])


def markdown(rows: list[dict], checks: list[str]) -> str:
    torch_v, vision_v = (v.split("a")[0] for v in (torch.__version__, torchvision.__version__))
    return f"""# Graph networks: parameters and multiply-adds

Exact counts from PyTorch {torch_v} and torchvision {vision_v}, every network built with
`weights=None`, written by

```sh
{COMMAND}
```

(which also writes `test/fixtures/graph_network_counts.json`). Params are trainable parameters
(`sum(p.numel() for p in model.parameters())`; batch norm's running statistics are not
parameters). MACs are the multiply-adds of one forward pass at batch 1 in eval mode, counted
with forward hooks: every `Conv2d` adds output elements × in_channels / groups × kh × kw,
every `Linear` in × out. Nothing else is counted: batch norm, activations, pooling, the
squeeze-and-excitation product and the residual additions are left out.

EfficientNets appear at 224 and at the resolution torchvision publishes for each (b0 224, b1
240, b2 260, b3 300, b4 380, b5 456, b6 528, b7 600). GhostNet is not in torchvision: it is the
`GhostNet` module in `tools/make_fixtures.py`, written from the authors' definition
(huawei-noah's `ghostnet.py`: GhostModule ratio 2, dw 3x3; SE reduced to
`_make_divisible(c * 0.25, 4)` with a `relu6(x + 3) / 6` gate; `conv_head` 1280 with a bias).

{table(rows)}

Checks the script makes:

{chr(10).join("- " + c for c in checks)}
"""


def main() -> int:
    torch.set_num_threads(1)
    rows, checks = [], []
    model, built = None, None
    for name, res in networks():
        if built != name:  # an EfficientNet at its own resolution reuses the model
            torch.manual_seed(0)  # the counts do not depend on the weights
            model, how = build(name)
            built = name
        params, macs = count(model, res)
        rows.append({"network": name, "resolution": res, "params": params, "macs": macs,
                     "built_with": how})  # fmt: skip
        print(f"{name:22} {res:4d} {params:>12,} {macs:>16,}", flush=True)
        if (name, res) in STATED:
            want = STATED[(name, res)]
            ok = (params, macs) == want
            checks.append(
                f"{name} at {res}: {params:,} parameters and {macs:,} MACs; stated "
                f"{want[0]:,} and {want[1]:,}: {'equal' if ok else 'DIFFERENT'}"
            )
            assert ok, checks[-1]
    ghost = next(r for r in rows if r["network"] == "ghostnet_1.0")
    p_ok = abs(ghost["params"] - GHOSTNET_PUBLISHED[0]) < 0.005e6
    m_ok = abs(ghost["macs"] - GHOSTNET_PUBLISHED[1]) < 1e6
    verdict = "within rounding" if p_ok and m_ok else "DIFFERENT"
    checks.append(
        f"ghostnet_1.0 at 224: {ghost['params']:,} parameters and {ghost['macs']:,} MACs; the "
        f"authors publish 5.2 M (5.18 M) and 141 M: {verdict}"
    )
    assert p_ok and m_ok, checks[-1]
    for c in checks:
        print(c)

    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "generated_by": COMMAND,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "params": "sum(p.numel() for p in model.parameters())",
        "macs": "batch 1, eval: Conv2d out elements * in_channels/groups * kh * kw; "
        "Linear in * out",
        "networks": rows,
    }
    JSON_OUT.write_text(json.dumps(doc, indent=2) + "\n")
    TABLE_OUT.write_text(markdown(rows, checks))
    print(f"wrote {JSON_OUT.relative_to(ROOT)} and {TABLE_OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
