/** The package managers an install hint can name. */
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

export interface InstallCommandOptions {
  /** Environment assignments the install needs, e.g. 'ONNXRUNTIME_NODE_INSTALL=skip' (POSIX shells). */
  env?: string;
  /** A global install (beside a globally installed `aekit`). */
  global?: boolean;
  /** The `npm_config_user_agent` to read (default: this process's). */
  userAgent?: string | undefined;
}

/**
 * The package manager that started this process, from `npm_config_user_agent` ("pnpm/9.15.9 npm/? node/v20.19.0
 * linux x64", "npm/10.8.2 node/v20.19.0 ..."), or undefined outside one (plain `node`, a global bin).
 */
export function detectPackageManager(
  userAgent: string | undefined = processUserAgent(),
): PackageManager | undefined {
  const name = /^(npm|pnpm|yarn|bun)\//.exec(userAgent ?? '')?.[1];
  return name as PackageManager | undefined;
}

function processUserAgent(): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env?.npm_config_user_agent;
}

function command(manager: PackageManager, packages: string, global: boolean): string {
  switch (manager) {
    case 'npm':
      return `npm install ${global ? '-g ' : ''}${packages}`;
    case 'yarn':
      return global ? `yarn global add ${packages}` : `yarn add ${packages}`;
    default:
      return `${manager} add ${global ? '-g ' : ''}${packages}`;
  }
}

/**
 * How to install `packages`: with the package manager running this process first, then the other of npm and
 * pnpm, e.g. "pnpm add onnxruntime-node (npm: npm install onnxruntime-node)". Outside a package manager npm
 * comes first. `env` prefixes both commands.
 */
export function installCommand(
  packages: string | readonly string[],
  options: InstallCommandOptions = {},
): string {
  const names = typeof packages === 'string' ? packages : packages.join(' ');
  const userAgent = 'userAgent' in options ? options.userAgent : processUserAgent();
  const first = detectPackageManager(userAgent ?? '') ?? 'npm'; // '': none (undefined would read the env)
  const second: PackageManager = first === 'npm' ? 'pnpm' : 'npm';
  const env = options.env ? `${options.env} ` : '';
  const global = options.global ?? false;
  return `${env}${command(first, names, global)} (${second}: ${env}${command(second, names, global)})`;
}
