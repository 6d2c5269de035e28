import { MissingDependencyError, OptionError } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { globalInstallMessage, isGlobalInstall } from './install-hint.js';

describe('isGlobalInstall', () => {
  it("is true inside npm's or pnpm's global node_modules, false in a project", () => {
    expect(isGlobalInstall('/usr/lib/node_modules/@aekit/cli/dist/install-hint.js', '/usr/bin/node')).toBe(
      true,
    );
    expect(
      isGlobalInstall(
        '/home/u/.npm-global/lib/node_modules/@aekit/cli/dist/install-hint.js',
        '/usr/bin/node',
      ),
    ).toBe(true);
    expect(
      isGlobalInstall(
        '/home/u/.local/share/pnpm/global/5/.pnpm/@aekit+cli@0.1.0/node_modules/@aekit/cli/dist/install-hint.js',
        '/usr/bin/node',
      ),
    ).toBe(true);
    expect(isGlobalInstall('/home/u/app/node_modules/@aekit/cli/dist/install-hint.js', '/usr/bin/node')).toBe(
      false,
    );
    expect(isGlobalInstall('/work/aekit/apps/cli/src/install-hint.ts', '/usr/bin/node')).toBe(false);
  });
});

describe('globalInstallMessage', () => {
  const missing = new MissingDependencyError('onnxruntime-node', 'Running ONNX models in Node', undefined, {
    env: 'ONNXRUNTIME_NODE_INSTALL=skip',
  });

  it('says to install a missing optional package globally, with its environment flag', () => {
    const message = globalInstallMessage(missing, true) ?? '';
    expect(message).toContain('Running ONNX models in Node needs the optional package "onnxruntime-node"');
    expect(message).toContain(
      'aekit is installed globally; install it beside it: ONNXRUNTIME_NODE_INSTALL=skip ',
    );
    expect(message).toContain('install -g onnxruntime-node');
    expect(message).toContain('pnpm add -g onnxruntime-node');
    expect(message).not.toContain('Install it:');
  });

  it('leaves the message alone for a local install and for other errors', () => {
    expect(globalInstallMessage(missing, false)).toBeUndefined();
    expect(globalInstallMessage(new OptionError('bad'), true)).toBeUndefined();
    expect(globalInstallMessage(new Error('x'), true)).toBeUndefined();
  });
});
