#!/usr/bin/env bash
# The GPU benchmark, on a machine with an NVIDIA GPU and no Node.js: unpacks what
# tools/pack-gpu-bench.sh prepared in .gpubench/ (an xz-compressed Node binary, the few
# node_modules the benchmark loads, the benchmark bundled with dsnet) and the Vulkan loader from
# .gl/, then runs PyTorch's CUDA MobileNetV2 (the native ceiling; it also writes the ONNX file)
# and the WebGPU comparison. Results go to standard output (and $OUT/gpu.txt when OUT is set).
set -euo pipefail
cd "$(dirname "$0")/../.."
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
xz -dc .gpubench/node.xz > "$work/node" && chmod +x "$work/node"
tar -xJf .gpubench/modules.tar.xz -C "$work"
cp .gpubench/bench.mjs "$work/"
mkdir -p "$work/examples" && cp examples/*.dsnet "$work/examples/"
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
{
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  ls /dev/nvidia* "$(dirname "$VK_DRIVER_FILES")" 2>&1 | tr '\n' ' '; echo
  python3 bench/gpu/torch_mobilenet_v2.py "$work/mobilenet_v2.onnx"
  (cd "$work" && timeout 300 ./node bench.mjs mobilenet_v2.onnx 100) || echo "webgpu benchmark exited with $?"
} 2>&1 | tee "${OUT:-$work}/gpu.txt"
