#!/usr/bin/env bash
# Rehearses a release (docs/releasing.md) in a temporary clone of HEAD and stops before the upload:
# install from the lockfile (offline, from pnpm's store), changeset version, build, then
# `pnpm -r publish --dry-run`: packs every public package (its prepack builds it) and prints what would be
# uploaded, without sending anything. The working tree is not touched. Usage: bash tools/release/rehearse.sh [--keep]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
clone="$(mktemp -d "${TMPDIR:-/tmp}/aekit-rehearsal-XXXXXX")"
cleanup() { if [[ "${1:-}" != --keep ]]; then rm -rf "$clone"; else echo "rehearse: kept $clone"; fi; }
trap 'cleanup "${KEEP:-}"' EXIT
[[ "${1:-}" == --keep ]] && KEEP=--keep

export ONNXRUNTIME_NODE_INSTALL=skip NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
git clone --quiet --no-local "$root" "$clone/repo"
cd "$clone/repo"
echo "rehearse: $(git log -1 --format='%h %s')"
pnpm install --frozen-lockfile --offline < /dev/null
# The pending changesets of HEAD become the new version (a release commit would hold this diff).
pnpm changeset version < /dev/null
git --no-pager diff --stat -- '*/package.json' '*/CHANGELOG.md' | tail -n 3
pnpm install --offline --lockfile-only < /dev/null
pnpm build < /dev/null
pnpm -r publish --dry-run --no-git-checks --access public < /dev/null
echo "rehearse: stopped before the upload (dry run); the release would publish:"
for p in packages/* apps/*; do
  node -e 'const p=require(process.argv[1]); if(!p.private) console.log(`  ${p.name}@${p.version}`)' "$PWD/$p/package.json"
done
