import { AekitError, BackendUnavailableError } from './errors.js';
import { installCommand } from './install-command.js';
import { infoOnce } from './logger.js';

export interface Initialisable {
  init?(): Promise<void>;
}

interface Entry<T> {
  backend: T;
  priority: number;
  ready?: Promise<void>;
}

export interface ResolvedBackend<T> {
  name: string;
  backend: T;
  /** Why this one: "requested" or "highest priority available (...)". */
  reason: string;
  /** The candidates tried before it, each as `[name] why it could not be used`. */
  skipped: string[];
}

export interface ResolveOptions {
  /** Log the pick once (default true); callers that log their own, fuller line turn it off. */
  log?: boolean;
}

/**
 * Backends register by name with a priority; a negative priority means opt-in only (never picked
 * automatically). Resolution initialises each candidate once (cached), skips those that fail and, when
 * none works, throws one error listing each candidate with its reason.
 */
export class BackendRegistry<T extends Initialisable> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly kind: string) {}

  register(name: string, backend: T, priority = 0): void {
    if (typeof backend !== 'object' || backend === null) {
      throw new AekitError(
        'BACKEND_CONFLICT',
        `${this.kind} backend "${name}" must be an object, got ${typeof backend}`,
      );
    }
    const existing = this.entries.get(name);
    if (existing && existing.backend !== backend) {
      if (existing.priority === priority) {
        throw new AekitError(
          'BACKEND_CONFLICT',
          `${this.kind} backend "${name}" is already registered with priority ${priority}`,
        );
      }
      if (existing.priority > priority) return;
    }
    this.entries.set(name, { backend, priority });
  }

  /** Registered names, highest priority first. */
  names(): string[] {
    return [...this.entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Picks the first of `hints` that initialises, or with no hints the best available by priority. */
  async resolve(hints: readonly string[] = [], options: ResolveOptions = {}): Promise<ResolvedBackend<T>> {
    const requested = hints.length > 0;
    const candidates = requested
      ? [...hints]
      : this.names().filter((n) => (this.entries.get(n)?.priority ?? -1) >= 0);
    const failures: string[] = [];
    for (const name of candidates) {
      const entry = this.entries.get(name);
      if (!entry) {
        failures.push(`[${name}] not registered (registered: ${this.names().join(', ') || 'none'})`);
        continue;
      }
      entry.ready ??= Promise.resolve(entry.backend.init?.());
      try {
        await entry.ready;
      } catch (error) {
        entry.ready = undefined;
        failures.push(`[${name}] ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const skipped = failures.length ? `; skipped ${failures.join('; ')}` : '';
      const reason = requested ? `requested${skipped}` : `highest priority available${skipped}`;
      if (options.log !== false)
        infoOnce(`${this.kind}:${name}`, `${this.kind} backend: ${name} (${reason})`);
      return { name, backend: entry.backend, reason, skipped: failures };
    }
    throw new BackendUnavailableError(
      `No ${this.kind} backend available${requested ? ` of ${hints.join(', ')}` : ''}:\n  ${failures.join('\n  ') || `none registered: install one and import it, e.g. ${installCommand('@aekit/tfjs-backend')}`}`,
      { details: { failures } },
    );
  }
}
