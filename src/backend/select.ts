import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../errors.js';
import { listChoices } from '../util/options.js';

/**
 * The backends tfjs-trio knows, by the names users type (`--backend node`),
 * in the order they are tried.
 */
export const BACKENDS = ['node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * NOTE [backend names]: tfjs registers tfjs-node's backend as
 * 'tensorflow'. That name stays here, between tfjs and this file; every
 * message, choice list and result says `node`, the word users type.
 */
const TFJS_NAMES: Record<BackendName, string> = {
  node: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

/**
 * Spellings accepted on the command line and in configs. Only the
 * `BACKENDS` names are listed in messages; the others are kept so that
 * configs written with them still run.
 */
const ALIASES: Record<string, BackendName> = {
  node: 'node',
  'tfjs-node': 'node',
  tensorflow: 'node',
  wasm: 'wasm',
  cpu: 'cpu',
};

export interface BackendChoice {
  /** The backend now active in tfjs (`node`, `wasm` or `cpu`). */
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
      const reason = friendlyReason(name, err);
      if (preferred !== undefined) {
        throw new Error(
          `The '${name}' backend was requested but could not start: ` +
            reason,
        );
      }
      skipped.push({ name, reason: firstLine(reason) });
    }
  }
  throw new Error(
    'No TensorFlow.js backend could start: ' +
      skipped.map((s) => `${s.name} (${s.reason})`).join('; '),
  );
}

/** Maps a user spelling (`node`, `WASM`, `tfjs-node`...) to its name. */
export function resolveBackendName(name: string): BackendName {
  const found = ALIASES[name.toLowerCase()];
  if (found === undefined) {
    throw new OptionError(
      'backend',
      'tfjs-trio',
      `one of ${listChoices(BACKENDS)}`,
      name,
    );
  }
  return found;
}

/**
 * The backend tfjs is using right now, by the name users type (`node`
 * for tfjs-node); a backend tfjs-trio does not know keeps its tfjs name.
 */
export function currentBackend(): string {
  const tfjsName = tf.getBackend();
  return BACKENDS.find((b) => TFJS_NAMES[b] === tfjsName) ?? tfjsName;
}

/**
 * The choice as the CLI prints it after `Backend: `: `wasm (node
 * skipped: @tensorflow/tfjs-node is not installed)`.
 */
export function describeBackend(choice: BackendChoice): string {
  const why = choice.skipped
    .map((s) => `${s.name} skipped: ${s.reason}`)
    .join('; ');
  return why === '' ? choice.name : `${choice.name} (${why})`;
}

async function startBackend(name: BackendName): Promise<void> {
  if (name === 'node') {
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
  const ok = await tf.setBackend(TFJS_NAMES[name]);
  if (!ok) {
    throw new Error(`tf.setBackend('${TFJS_NAMES[name]}') returned false`);
  }
  await tf.ready();
  if (name === 'cpu') {
    // The cpu backend prints a banner urging tfjs-node on its first write;
    // tfjs-trio already says which backend runs and why.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
}

/** Why a backend did not start, in words a user can act on. */
function friendlyReason(name: BackendName, err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (name === 'node' && code === 'ERR_MODULE_NOT_FOUND') {
    return '@tensorflow/tfjs-node is not installed';
  }
  return err instanceof Error ? err.message : String(err);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
