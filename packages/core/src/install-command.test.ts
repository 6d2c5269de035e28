import { describe, expect, it } from 'vitest';
import { detectPackageManager, installCommand } from './install-command.js';

const PNPM = 'pnpm/9.15.9 npm/? node/v20.19.0 linux x64';
const NPM = 'npm/10.8.2 node/v20.19.0 linux x64 workspaces/false';

describe('installCommand', () => {
  it('names the package manager that runs the process first, then the other of npm and pnpm', () => {
    expect(installCommand('vega', { userAgent: PNPM })).toBe('pnpm add vega (npm: npm install vega)');
    expect(installCommand('vega', { userAgent: NPM })).toBe('npm install vega (pnpm: pnpm add vega)');
    expect(installCommand('vega', { userAgent: 'yarn/1.22.22 npm/? node/v20.19.0 linux x64' })).toBe(
      'yarn add vega (npm: npm install vega)',
    );
    expect(installCommand('vega', { userAgent: 'bun/1.2.0 npm/? node/v22.0.0 linux x64' })).toBe(
      'bun add vega (npm: npm install vega)',
    );
  });

  it('says npm first outside a package manager (plain node, a global bin)', () => {
    expect(installCommand(['vega', 'vega-lite'], { userAgent: undefined })).toBe(
      'npm install vega vega-lite (pnpm: pnpm add vega vega-lite)',
    );
    expect(detectPackageManager('')).toBeUndefined();
    expect(detectPackageManager('node/v20.19.0')).toBeUndefined();
  });

  it('prefixes the environment and installs globally when asked', () => {
    expect(
      installCommand('onnxruntime-node', {
        userAgent: undefined,
        env: 'ONNXRUNTIME_NODE_INSTALL=skip',
        global: true,
      }),
    ).toBe(
      'ONNXRUNTIME_NODE_INSTALL=skip npm install -g onnxruntime-node (pnpm: ONNXRUNTIME_NODE_INSTALL=skip pnpm add -g onnxruntime-node)',
    );
    expect(installCommand('x', { userAgent: 'yarn/1.22.22', global: true })).toBe(
      'yarn global add x (npm: npm install -g x)',
    );
  });

  it("reads this process's npm_config_user_agent by default", () => {
    const saved = process.env.npm_config_user_agent;
    try {
      process.env.npm_config_user_agent = NPM;
      expect(installCommand('vega')).toBe('npm install vega (pnpm: pnpm add vega)');
      process.env.npm_config_user_agent = PNPM;
      expect(installCommand('vega')).toBe('pnpm add vega (npm: npm install vega)');
    } finally {
      if (saved === undefined) delete process.env.npm_config_user_agent;
      else process.env.npm_config_user_agent = saved;
    }
  });
});
