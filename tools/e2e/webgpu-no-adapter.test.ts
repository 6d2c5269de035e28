// Without a WebGPU adapter (a Vulkan loader pointed at no driver): --device webgpu fails with the reason and the
// driver hint, for training and for ONNX inference, and auto skips webgpu saying why. Child processes: the
// adapter is found once per process.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = join(here, '..', 'node_modules', '.bin', 'tsx');

function run(script: string): { stdout: string; stderr: string; status: number | null } {
  const child = spawnSync(tsx, ['--conditions=source', '-e', script], {
    cwd: here,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, VK_ICD_FILENAMES: join(here, 'no-such-vulkan-driver.json') },
  });
  return { stdout: child.stdout, stderr: child.stderr, status: child.status };
}

describe('webgpu without an adapter', () => {
  it('training: --device webgpu says there is none and how to get one; auto skips it with that reason', () => {
    const r = run(`(async () => {
      const { setLogger } = await import('@aekit/core');
      const { selectDevice } = await import('@aekit/tfjs-backend');
      setLogger({ info() {}, warn() {} });
      const named = await selectDevice('webgpu').then(() => 'loaded', (e) => e.message);
      const auto = await selectDevice('auto');
      console.log(JSON.stringify({ named, auto: auto.device, reason: auto.reason }));
    })()`);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      named: string;
      auto: string;
      reason: string;
    };
    const hint =
      "[webgpu] no WebGPU adapter here (requestAdapter() found none): install the GPU's Vulkan driver";
    expect(out.named).toContain('tfjs device "webgpu" is not available here:');
    expect(out.named).toContain(hint);
    expect(out.named).toContain('VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json');
    expect(out.auto).toBe('wasm');
    expect(out.reason).toContain(hint);
  });

  it('inference: ONNX Runtime cannot start its WebGPU provider; the error says how to fix it', () => {
    const r = run(`(async () => {
      const { setLogger } = await import('@aekit/core');
      const { createSession, exportOnnx } = await import('@aekit/onnx-backend');
      const { layerSpecs, randomWeights } = await import('@aekit/onnx-backend/testing');
      setLogger({ info() {}, warn() {} });
      const spec = layerSpecs.vaeDense;
      const message = await createSession(exportOnnx(spec, randomWeights(spec)).bytes, { device: 'webgpu' }).then(
        () => 'loaded',
        (e) => e.message,
      );
      console.log(JSON.stringify({ message }));
    })()`);
    expect(r.status, r.stderr).toBe(0);
    const { message } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { message: string };
    expect(message).toMatch(
      /^device "webgpu" \(onnxruntime-node\) could not load ONNX model:\n {2}\[webgpu\] /,
    );
    expect(message).toContain(
      "To fix: onnxruntime-node's WebGPU provider needs a GPU adapter (Dawn: Vulkan on Linux, D3D12 on Windows, Metal on macOS; without a GPU, the SwiftShader Vulkan driver of Debian's chromium: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json with XDG_RUNTIME_DIR set)",
    );
  });
});
