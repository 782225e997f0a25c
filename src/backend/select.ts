import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../errors.js';
import { listChoices } from '../util/options.js';

/** The backends tfjs-trio knows, by their tfjs names. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Friendly spellings accepted on the command line and in configs. */
const ALIASES: Record<string, BackendName> = {
  node: 'tensorflow',
  'tfjs-node': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

export interface BackendChoice {
  /** The backend now active in tfjs. */
  name: BackendName;
  /** Why the earlier candidates were skipped, for the user to read. */
  skipped: { name: BackendName; reason: string }[];
}

/**
 * Makes the fastest available backend active: tfjs-node if it loads, else
 * WebAssembly, else the plain JavaScript cpu backend. With `preferred`, only
 * that backend is tried, and failing to start it is an error.
 */
export async function selectBackend(
  preferred?: string,
): Promise<BackendChoice> {
  const candidates = preferred === undefined
    ? [...BACKENDS]
    : [resolveBackendName(preferred)];
  const skipped: BackendChoice['skipped'] = [];
  for (const name of candidates) {
    try {
      await startBackend(name);
      return { name, skipped };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (preferred !== undefined) {
        throw new Error(
          `The '${name}' backend was requested but could not start: ` +
            reason,
        );
      }
      skipped.push({ name, reason: friendlyReason(name, err) });
    }
  }
  throw new Error(
    'No TensorFlow.js backend could start: ' +
      skipped.map((s) => `${s.name} (${s.reason})`).join('; '),
  );
}

/** Maps a user spelling (`node`, `wasm`, `cpu`...) to a tfjs backend name. */
export function resolveBackendName(name: string): BackendName {
  const found = ALIASES[name.toLowerCase()];
  if (found === undefined) {
    throw new OptionError(
      'backend',
      'tfjs-trio',
      `one of ${listChoices(Object.keys(ALIASES))}`,
      name,
    );
  }
  return found;
}

/** The backend tfjs is using right now. */
export function currentBackend(): string {
  return tf.getBackend();
}

async function startBackend(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // Optional dependency: absent wherever its native install failed.
    const spec = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ spec);
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    const { installWasmFastPaths } = await import('./wasm_kernels.js');
    installWasmFastPaths();
  } else if (name === 'cpu') {
    const { installCpuFastPaths } = await import('./cpu_kernels.js');
    installCpuFastPaths();
  }
  const ok = await tf.setBackend(name);
  if (!ok) {
    throw new Error(`tf.setBackend('${name}') returned false`);
  }
  await tf.ready();
  if (name === 'cpu') {
    // The cpu backend prints a banner urging tfjs-node on its first write;
    // tfjs-trio already says which backend runs and why.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
}

/** Why a backend was skipped, in words a user can act on. */
function friendlyReason(name: BackendName, err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (name === 'tensorflow' && code === 'ERR_MODULE_NOT_FOUND') {
    return '@tensorflow/tfjs-node is not installed';
  }
  return firstLine(err instanceof Error ? err.message : String(err));
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
