#!/usr/bin/env node
// The release check (`pnpm release:check`, run by .ci/run after the tests): what an npm user gets.
//
// 1. Packs every publishable package with `pnpm pack`, dependencies first (each `prepack` cleans dist/ and
//    builds it), and checks each tarball: publint --strict, attw (esm-only profile), and our own rules (no
//    `source` condition or `workspace:` range, every export target shipped, LICENSE, engines, no C sources,
//    .proto files or declaration maps, source maps that carry their sources).
// 2. Installs the tarballs with npm (not pnpm) into a fresh project outside the repository and runs
//    tools/release/consumer/consumer.ts (train -> export the encoder -> onnxruntime-node -> compare with tfjs):
//    type-checked and compiled by `tsc --strict` (NodeNext, no skipLibCheck), then run under plain `node`,
//    `node --conditions=source` and the newest `tsx`.
// 3. Runs the CLI's bin from its tarball: `aekit --help`, a tiny `aekit train` on the shipped sample, `aekit
//    export` of its encoder.
// Offline except the npm registry. Options: --keep (keep the temp project), --skip-consumer (steps 1 only).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = new Set(process.argv.slice(2));
const keep = args.has('--keep');
const work = mkdtempSync(join(tmpdir(), 'aekit-release-'));
const tarballs = join(work, 'tarballs');
const unpacked = join(work, 'unpacked');
const consumerDir = join(work, 'consumer');
const started = Date.now();
const timings = [];
const problems = [];

function step(name, fn) {
  const t0 = Date.now();
  console.log(`\n--- release: ${name}`);
  const result = fn();
  const seconds = (Date.now() - t0) / 1000;
  timings.push([name, seconds]);
  console.log(`--- release: ${name} done in ${seconds.toFixed(1)} s`);
  return result;
}

/** Runs a command (inherits output), throws with its exit code on failure. */
function run(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, {
    stdio: options.capture ? 'pipe' : 'inherit',
    encoding: 'utf8',
    ...options,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    if (options.capture) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new Error(`${cmd} ${argv.join(' ')} (in ${options.cwd ?? process.cwd()}) exited with ${r.status}`);
  }
  return r;
}

/** The environment of a new npm user: none of pnpm's npm_config_* (it exports .npmrc as env), ORT's flag set. */
function userEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|NX_|VITEST|NODE_OPTIONS$)/i.test(k)) continue;
    env[k] = v;
  }
  // onnxruntime-node's install script otherwise downloads CUDA libraries from outside the npm registry on
  // Linux x64 (it reads ONNXRUNTIME_NODE_INSTALL or npm_config_onnxruntime_node_install).
  env.ONNXRUNTIME_NODE_INSTALL = 'skip';
  return env;
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

function du(dir) {
  return walk(dir).reduce((sum, f) => sum + statSync(f).size, 0);
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** Publishable workspace packages (not private), dependencies before dependents. */
function publishable() {
  const dirs = ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => join(root, group, name))
      .filter((dir) => existsSync(join(dir, 'package.json'))),
  );
  const pkgs = dirs
    .map((dir) => ({ dir, json: readJson(join(dir, 'package.json')) }))
    .filter((p) => !p.json.private);
  const byName = new Map(pkgs.map((p) => [p.json.name, p]));
  const ordered = [];
  const visit = (p, path = []) => {
    if (ordered.includes(p)) return;
    if (path.includes(p))
      throw new Error(`dependency cycle: ${[...path, p].map((q) => q.json.name).join(' -> ')}`);
    for (const dep of Object.keys({ ...p.json.dependencies, ...p.json.peerDependencies })) {
      const q = byName.get(dep);
      if (q) visit(q, [...path, p]);
    }
    ordered.push(p);
  };
  for (const p of pkgs) visit(p);
  return ordered;
}

function exportTargets(exports, out = []) {
  if (typeof exports === 'string') out.push(exports);
  else if (exports && typeof exports === 'object')
    for (const v of Object.values(exports)) exportTargets(v, out);
  return out;
}

function conditions(exports, out = new Set()) {
  if (exports && typeof exports === 'object')
    for (const [k, v] of Object.entries(exports)) {
      if (!k.startsWith('.')) out.add(k);
      conditions(v, out);
    }
  return out;
}

/** Our own rules for a packed package (unpacked in `dir`). */
function checkPacked(name, dir, workspaceJson) {
  const fail = (message) => problems.push(`${name}: ${message}`);
  const json = readJson(join(dir, 'package.json'));
  const files = walk(dir).map((f) => relative(dir, f));
  if (conditions(json.exports).has('source')) fail('the published exports still have a "source" condition');
  for (const target of exportTargets(json.exports)) {
    if (!existsSync(join(dir, target))) fail(`exports target ${target} is not in the tarball`);
  }
  for (const [sub, target] of Object.entries(json.exports ?? {})) {
    if (typeof target === 'object' && !('default' in target))
      fail(`exports["${sub}"] has no "default" condition`);
  }
  // The workspace exports and the published ones must say the same, but for `source`.
  const strip = (e) =>
    typeof e === 'object' && e !== null
      ? Object.fromEntries(
          Object.entries(e)
            .filter(([k]) => k !== 'source')
            .map(([k, v]) => [k, strip(v)]),
        )
      : e;
  if (JSON.stringify(strip(workspaceJson.exports)) !== JSON.stringify(json.exports))
    fail('publishConfig.exports is not package.json exports without "source": update one of them');
  for (const field of ['types', 'main', 'module']) {
    if (json[field] && !existsSync(join(dir, json[field])))
      fail(`"${field}": ${json[field]} is not in the tarball`);
  }
  for (const [bin, target] of Object.entries(json.bin ?? {})) {
    const path = join(dir, target);
    if (!existsSync(path)) fail(`bin ${bin}: ${target} is not in the tarball`);
    else if (!readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node'))
      fail(`bin ${bin} has no node shebang`);
  }
  for (const kind of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(json[kind] ?? {})) {
      if (String(range).startsWith('workspace:')) fail(`${kind}.${dep} is still "${range}"`);
    }
  }
  if (!json.engines?.node) fail('no engines.node');
  if (json.publishConfig?.access !== 'public') fail('publishConfig.access is not "public"');
  if (!json.license) fail('no license');
  if (!files.includes('LICENSE')) fail('no LICENSE file');
  if (!files.includes('README.md')) fail('no README.md');
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  for (const m of readme.matchAll(/\]\((?!https?:|#|mailto:)([^)]+)\)/g))
    fail(`README links to ${m[1]}: not on the registry page`);
  for (const f of files) {
    if (
      /\.(c|h|tsbuildinfo)$|(^|\/)onnx\.proto$|\.d\.ts\.map$|\.test\.[jt]s$/.test(f) ||
      f.startsWith('src/')
    )
      fail(`ships ${f}, which no user needs`);
    if (f.endsWith('.d.ts') && statSync(join(dir, f)).size > 100_000)
      fail(`ships a ${mb(statSync(join(dir, f)).size)} ${f}`);
    if (f.endsWith('.js.map')) {
      const map = readJson(join(dir, f));
      if (!Array.isArray(map.sourcesContent) || map.sourcesContent.length !== map.sources.length)
        fail(`${f} points at sources that are not shipped (no sourcesContent)`);
    }
  }
  return { json, files };
}

const pkgs = publishable();
mkdirSync(tarballs, { recursive: true });
mkdirSync(unpacked, { recursive: true });
console.log(`release: ${pkgs.map((p) => p.json.name).join(', ')} -> ${work}`);

const packed = step('pack (prepack: clean build of each package)', () =>
  pkgs.map((p) => {
    const before = new Set(readdirSync(tarballs));
    run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: p.dir, capture: true });
    const tarball = readdirSync(tarballs).find((f) => !before.has(f));
    if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${p.json.name}`);
    const out = join(unpacked, p.json.name.replace('/', '+'));
    mkdirSync(out, { recursive: true });
    run('tar', ['-xzf', join(tarballs, tarball), '-C', out]);
    return { ...p, tarball: join(tarballs, tarball), dir: join(out, 'package'), source: p.dir };
  }),
);

// The linters, pinned, installed with npm beside the tarballs (not workspace dependencies: only this check
// uses them, and it runs them the way a package author on npm would).
const LINTERS = ['publint@0.3.25', '@arethetypeswrong/cli@0.18.5'];

step(`install ${LINTERS.join(', ')}`, () => {
  mkdirSync(join(work, 'linters'), { recursive: true });
  writeFileSync(join(work, 'linters', 'package.json'), '{ "private": true }\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn', ...LINTERS], {
    cwd: join(work, 'linters'),
    env: userEnv(),
  });
});

step('check tarballs (own rules, publint --strict, attw --profile esm-only)', () => {
  const bin = (name) => join(work, 'linters', 'node_modules', '.bin', name);
  const rows = [];
  for (const p of packed) {
    const { files } = checkPacked(p.json.name, p.dir, p.json);
    const lint = spawnSync(bin('publint'), ['run', p.dir, '--strict', '--pack', 'false'], {
      encoding: 'utf8',
    });
    process.stdout.write(lint.stdout + lint.stderr);
    if (lint.status !== 0) problems.push(`${p.json.name}: publint --strict failed`);
    const types = spawnSync(bin('attw'), [p.tarball, '--profile', 'esm-only', '--format', 'ascii'], {
      encoding: 'utf8',
    });
    if (types.status !== 0) {
      process.stdout.write(types.stdout + types.stderr);
      problems.push(`${p.json.name}: attw --profile esm-only failed`);
    } else console.log(`attw ${p.json.name}: no problems (esm-only)`);
    rows.push([p.json.name, statSync(p.tarball).size, du(p.dir), files.length]);
  }
  console.log('\npackage                  tarball     unpacked   files');
  for (const [name, size, unpackedSize, count] of rows)
    console.log(
      `${name.padEnd(24)} ${mb(size).padStart(9)} ${mb(unpackedSize).padStart(10)} ${String(count).padStart(7)}`,
    );
  const total = rows.reduce((s, r) => s + r[1], 0);
  console.log(`${'total'.padEnd(24)} ${mb(total).padStart(9)}`);
  if (problems.length) {
    throw new Error(
      `release check: ${problems.length} problem(s) in the tarballs:\n  ${problems.join('\n  ')}`,
    );
  }
});

if (!args.has('--skip-consumer')) {
  const env = userEnv();
  const onnx = packed.find((p) => p.json.name === '@aekit/onnx-backend');
  const repoTs = readJson(join(root, 'package.json')).devDependencies.typescript;

  step('npm install of the tarballs into a fresh project', () => {
    mkdirSync(consumerDir, { recursive: true });
    const dependencies = Object.fromEntries(packed.map((p) => [p.json.name, `file:${p.tarball}`]));
    dependencies['onnxruntime-node'] = onnx.json.peerDependencies['onnxruntime-node'];
    writeFileSync(
      join(consumerDir, 'package.json'),
      `${JSON.stringify(
        {
          name: 'aekit-release-consumer',
          private: true,
          type: 'module',
          dependencies,
          devDependencies: { '@types/node': '^20.19.0', tsx: 'latest', typescript: repoTs },
        },
        null,
        2,
      )}\n`,
    );
    for (const f of ['consumer.ts', 'tsconfig.json'])
      writeFileSync(join(consumerDir, f), readFileSync(join(root, 'tools', 'release', 'consumer', f)));
    const t0 = Date.now();
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: consumerDir, env });
    const seconds = (Date.now() - t0) / 1000;
    const size = du(join(consumerDir, 'node_modules'));
    console.log(`release: npm install took ${seconds.toFixed(1)} s; node_modules is ${mb(size)}`);
    const tsx = readJson(join(consumerDir, 'node_modules', 'tsx', 'package.json')).version;
    console.log(
      `release: tsx ${tsx}, typescript ${repoTs}, node ${process.version}, npm ${execFileSync('npm', ['--version'], { env, encoding: 'utf8' }).trim()}`,
    );
  });

  const consumerRun = (label, cmd, argv) => {
    const r = run(cmd, argv, { cwd: consumerDir, env, capture: true });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    process.stdout.write(r.stderr);
    let result;
    try {
      result = JSON.parse(line);
    } catch {
      throw new Error(`${label}: no result line; output:\n${r.stdout}`);
    }
    // 'auto' must land on wasm here (no native tfjs): a fallback to js would hide a broken wasm load.
    if (!result.ok || !String(result.device).startsWith('wasm')) throw new Error(`${label}: ${line}`);
    if (/two copies of @aekit\/core/.test(r.stderr))
      throw new Error(`${label}: two copies of @aekit/core loaded`);
    console.log(`${label}: ${line}`);
  };

  step('consumer: tsc --strict (NodeNext, no skipLibCheck) of the script and of every public entry', () => {
    // Every published entry's types, loaded and checked as a user's `import` would (no skipLibCheck).
    const entries = packed.flatMap((p) =>
      Object.keys(p.json.exports ?? {})
        .filter((sub) => sub !== './package.json')
        .map((sub) => (sub === '.' ? p.json.name : `${p.json.name}${sub.slice(1)}`)),
    );
    writeFileSync(
      join(consumerDir, 'entries.ts'),
      `${entries.map((e, i) => `import type * as entry${i} from '${e}';\nexport type Entry${i} = typeof entry${i};`).join('\n')}\n`,
    );
    console.log(`release: type-checking ${entries.join(', ')}`);
    run(join(consumerDir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: consumerDir, env });
  });
  step('consumer: node', () => consumerRun('node', process.execPath, ['out/consumer.js']));
  step('consumer: node --conditions=source', () =>
    consumerRun('node --conditions=source', process.execPath, ['--conditions=source', 'out/consumer.js']),
  );
  step('consumer: tsx (newest)', () =>
    consumerRun('tsx', join(consumerDir, 'node_modules', '.bin', 'tsx'), ['consumer.ts']),
  );

  step('CLI from its tarball: aekit --help, train, export', () => {
    const aekit = join(consumerDir, 'node_modules', '.bin', 'aekit');
    const help = run(aekit, ['--help'], { cwd: consumerDir, env, capture: true }).stdout;
    if (!/train/.test(help) || !/export/.test(help))
      throw new Error(`aekit --help lists no commands:\n${help}`);
    console.log(help.split('\n').slice(0, 3).join('\n'));
    const sample = join(consumerDir, 'node_modules', '@aekit', 'datasets', 'data', 'fashion-mnist-sample');
    const out = join(consumerDir, 'runs', 'tiny');
    run(
      aekit,
      [
        'train',
        '--model',
        'dense',
        '--data-dir',
        sample,
        '--limit',
        '200',
        '--epochs',
        '1',
        '--test-limit',
        '100',
        '--out',
        out,
      ],
      {
        cwd: consumerDir,
        env,
      },
    );
    if (!existsSync(join(out, 'checkpoint.json'))) throw new Error('aekit train wrote no checkpoint.json');
    run(aekit, ['export', '--checkpoint', out, '--part', 'encoder', '--out', join(out, 'encoder.onnx')], {
      cwd: consumerDir,
      env,
    });
    if (!existsSync(join(out, 'encoder.onnx'))) throw new Error('aekit export wrote no encoder.onnx');
  });
}

const total = (Date.now() - started) / 1000;
console.log('\nrelease check passed:');
for (const [name, seconds] of timings) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${name}`);
console.log(`  ${total.toFixed(1).padStart(6)} s  total`);
if (keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
