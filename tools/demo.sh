#!/usr/bin/env bash
# The main job in one command (`pnpm demo`): build the CLI, train a convolutional autoencoder on
# Fashion-MNIST, export it to ONNX, run the ONNX file with ONNX Runtime, compare it with the trained
# model and write pictures. Sized to finish in a few minutes on 2 CPU cores; override with DEMO_EPOCHS,
# DEMO_LIMIT (training images) and DEMO_OUT.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

epochs="${DEMO_EPOCHS:-4}"
limit="${DEMO_LIMIT:-8000}"
out="${DEMO_OUT:-runs/demo}"
start=$SECONDS
aekit() { node apps/cli/dist/bin.js "$@"; }

echo "== build (nx, cached)"
pnpm exec nx run @aekit/cli:build --outputStyle=static

echo "== train: conv autoencoder, $epochs epochs on $limit Fashion-MNIST images"
# --force: a new demo replaces the previous one (aekit train never overwrites a run silently).
aekit train --model conv --dataset fashion-mnist --epochs "$epochs" --limit "$limit" --out "$out" --force

echo "== export to ONNX"
aekit export --checkpoint "$out" --part full --out "$out/model.onnx"

# The test images of the directory the training data came from (system package, cache or shipped sample).
data_dir="$(node -e 'console.log(require(process.argv[1]).meta.dataSource.path)' "$PWD/$out/checkpoint.json")"
test_images="$data_dir/t10k-images-idx3-ubyte.gz"
[[ -f "$test_images" ]] || test_images="${test_images%.gz}"

echo "== run the ONNX file with ONNX Runtime on $test_images"
aekit run --model "$out/model.onnx" --input "$test_images" --limit 1000 --out "$out/onnx"

echo "== ONNX Runtime vs the trained tfjs model"
aekit compare --checkpoint "$out" --model "$out/model.onnx" --input "$test_images" --limit 1000

echo "demo done in $((SECONDS - start)) s: pictures in $out/reconstructions.png (tfjs)" \
  "and $out/onnx/reconstructions.png (ONNX Runtime)"
