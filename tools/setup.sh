#!/usr/bin/env bash
# Sets aekit up from nothing on a fresh Debian/Ubuntu machine with Node.js 20+: pnpm, the Fashion-MNIST
# system package (when root), dependencies from the lockfile, and a build of every package.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js 20.6 or newer is required (https://nodejs.org); install it and run this again" >&2
  exit 1
fi
# 20.6: module.register and import.meta.resolve, which the tfjs loader uses (engines.node in every package.json).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 6) ? 0 : 1)'; then
  echo "setup: Node.js $(node --version) is too old; aekit needs Node.js 20.6 or newer" >&2
  exit 1
fi

# Node 20's corepack cannot verify current pnpm signatures, so install pnpm 9 with npm.
if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm 9"
  npm install -g pnpm@9
fi

# The full dataset as a Debian package when we can install one; else @aekit/datasets' shipped sample is used.
if [[ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing dataset-fashion-mnist"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y dataset-fashion-mnist ||
      echo "setup: dataset-fashion-mnist is not available here; the shipped sample will be used" >&2
  else
    echo "setup: not root, so the Fashion-MNIST system package is not installed; the shipped sample will be used" \
      "(or place the IDX files in ~/.cache/aekit/fashion-mnist, or set AEKIT_DATA_DIR)"
  fi
fi

# onnxruntime-node would otherwise download CUDA binaries from outside the npm registry (also set in .npmrc).
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
pnpm install --frozen-lockfile
pnpm build
echo "setup: done. Next: pnpm demo"
