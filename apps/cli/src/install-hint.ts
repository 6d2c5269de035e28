import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AekitError, type InstallCommandOptions, installCommand } from '@aekit/core';

/**
 * Whether this CLI runs from a global install (`npm install -g @aekit/cli`, `pnpm add -g`): its files sit in
 * the global node_modules of npm (`<prefix>/lib/node_modules`, Windows `<prefix>/node_modules`) or pnpm.
 */
export function isGlobalInstall(
  file: string = fileURLToPath(import.meta.url),
  execPath: string = process.execPath,
): boolean {
  const cli = `${sep}@aekit${sep}cli${sep}`;
  const roots = [
    join(dirname(dirname(execPath)), 'lib', 'node_modules'),
    join(dirname(execPath), 'node_modules'),
  ];
  if (roots.some((root) => file.startsWith(`${root}${cli.slice(0, -1)}`))) return true;
  const s = sep === '\\' ? '\\\\' : '/';
  return new RegExp(`${s}(lib${s}node_modules|pnpm${s}global${s}.+)${s}@aekit${s}cli${s}`).test(file);
}

/**
 * A missing optional package's message for a global `aekit`: the package must be installed globally too (a
 * global package resolves its siblings in the same global node_modules). Undefined for other errors, or when
 * the CLI is not installed globally (then the message's local install line is right).
 */
export function globalInstallMessage(
  error: unknown,
  global: boolean = isGlobalInstall(),
): string | undefined {
  if (!global || !AekitError.isInstance(error) || error.code !== 'DEPENDENCY_MISSING') return undefined;
  const details = error.details as { packageName?: string; install?: InstallCommandOptions } | undefined;
  if (!details?.packageName) return undefined;
  const command = installCommand(details.packageName, { ...details.install, global: true });
  return error.message.replace(
    /Install it: [\s\S]*$/,
    `aekit is installed globally; install it beside it: ${command}`,
  );
}
