#!/usr/bin/env bash
# Packs what bench/gpu/run.sh needs on a GPU machine that has no Node.js: an xz-compressed Node
# binary, the node_modules the benchmark loads (Dawn for Node, onnxruntime-web's WebGPU build)
# and the benchmark bundled with dsnet into one file, in .gpubench/ (ignored by git: add
# `/.gpubench/` to .git/info/exclude). Carry .gpubench and .gl to the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpubench
rm -rf "$out" && mkdir -p "$out"
xz -T0 -6 -c "$(command -v node)" > "$out/node.xz"
tar -cJf "$out/modules.tar.xz" \
  node_modules/webgpu/package.json node_modules/webgpu/index.js node_modules/webgpu/dist/linux-x64 \
  node_modules/onnxruntime-web/package.json node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs \
  node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs \
  node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm
npx esbuild bench/gpu/webgpu.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile="$out/bench.mjs" --external:webgpu --external:onnxruntime-web --log-level=warning \
  "--banner:js=import { createRequire as __dsnetCreateRequire } from 'node:module'; const require = __dsnetCreateRequire(import.meta.url);"
du -sh "$out"/*
