import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AekitError, OptionError } from '../errors.js';
import { temporaryPathFor } from './atomic-file.js';

/** The lock file a training run holds in its directory. */
export const RUN_LOCK = 'aekit.lock';

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String(error);
}

/**
 * Makes sure `dir` is a directory this process can write into, creating it and its missing parents one level
 * at a time (bounded by the path's depth: Node's recursive mkdir never returns on some paths under /proc), and
 * writing and removing a probe file. Throws OptionError naming `what` (e.g. `--out`), the path and the reason.
 */
export async function ensureWritableDir(dir: string, what = 'directory'): Promise<string> {
  const target = resolve(dir);
  const fail = (why: string, cause?: unknown): never => {
    throw new OptionError(`${what} ${dir}: ${why}; choose a directory you can write to`, {
      ...(cause === undefined ? {} : { cause }),
      details: { option: what, actual: dir },
    });
  };
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    try {
      const info = await stat(existing);
      if (!info.isDirectory()) fail(`${existing} is not a directory`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        fail(`cannot read ${existing} (${reason(error)})`, error);
      const parent = dirname(existing);
      if (parent === existing) fail('no existing parent directory');
      missing.unshift(existing);
      existing = parent;
    }
  }
  for (const path of missing) {
    try {
      await mkdir(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        fail(`cannot create ${path} (${reason(error)})`, error);
    }
  }
  try {
    await access(target, constants.W_OK);
    const probe = temporaryPathFor(join(target, 'write-check'));
    const handle = await open(probe, 'wx');
    await handle.close();
    await rm(probe, { force: true });
  } catch (error) {
    fail(`cannot write into it (${reason(error)})`, error);
  }
  return target;
}

/** A held run lock: `release()` removes it (idempotent). */
export interface RunLock {
  readonly path: string;
  release(): Promise<void>;
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `dir/aekit.lock` for this process (created exclusively, holding pid, host and start time), so a second
 * run on the same directory stops with RUN_LOCKED naming the holder. A lock left by a process of this host that
 * no longer exists (killed) is taken over. Release it when the run ends; a crash leaves it to be taken over.
 */
export async function acquireRunLock(dir: string, command?: string): Promise<RunLock> {
  const path = join(resolve(dir), RUN_LOCK);
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...(command ? { command } : {}),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(info)}\n`);
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: Partial<LockInfo> = {};
      try {
        holder = JSON.parse(await readFile(path, 'utf8')) as LockInfo;
      } catch {
        // being written right now, or damaged: treated as held unless it stays unreadable
      }
      const stale =
        holder.host === info.host &&
        typeof holder.pid === 'number' &&
        holder.pid !== process.pid &&
        !alive(holder.pid);
      if (stale || (attempt > 0 && holder.pid === undefined)) {
        await rm(path, { force: true });
        continue;
      }
      if (holder.pid === undefined) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      throw new AekitError(
        'RUN_LOCKED',
        `${dir} is in use by another run (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}); wait for it to finish, use another --out, or remove ${path} if that process is gone`,
        { details: { path, holder } },
      );
    }
  }
  throw new AekitError('RUN_LOCKED', `cannot take the lock ${path}; remove it if no run uses ${dir}`, {
    details: { path },
  });
}
