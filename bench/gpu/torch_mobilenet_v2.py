"""PyTorch's CUDA MobileNetV2 1.0/224, batch 1: the native ceiling for the GPU benchmark.

Run on the GPU machine (bench/gpu/run.sh does): prints the median forward time over many runs
(CUDA events, after warm-up) in plain and channels-last layouts, and writes the same network as
ONNX for onnxruntime-web (the network is torchvision's, which is what examples/mobilenet_v2.dsnet
describes: the same layers, 300.8 M multiply-adds).

    python3 bench/gpu/torch_mobilenet_v2.py OUT.onnx
"""

import statistics
import sys

import torch
import torchvision


def time_forward(model, x, runs=200, warmup=50):
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        torch.cuda.synchronize()
        times = []
        for _ in range(runs):
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            model(x)
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end))
    return statistics.median(times), min(times)


def main():
    torch.manual_seed(0)
    torch.backends.cudnn.benchmark = True
    model = torchvision.models.mobilenet_v2(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)
    if len(sys.argv) > 1:
        torch.onnx.export(model, x, sys.argv[1], opset_version=17, input_names=["input"], output_names=["logits"],
                          dynamo=False)
        print(f"wrote {sys.argv[1]}")
    device = torch.device("cuda")
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}")
    model = model.to(device)
    x = x.to(device)
    median, best = time_forward(model, x)
    print(f"pytorch cuda fp32 NCHW:          median {median:.3f} ms, min {best:.3f} ms")
    model = model.to(memory_format=torch.channels_last)
    x = x.to(memory_format=torch.channels_last)
    median, best = time_forward(model, x)
    print(f"pytorch cuda fp32 channels_last: median {median:.3f} ms, min {best:.3f} ms")


if __name__ == "__main__":
    main()
