import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  resolveBackendName,
  selectBackend,
} from '../../src/backend/select.js';
import { OptionError } from '../../src/errors.js';

describe('selectBackend', () => {
  const start = tf.getBackend();
  afterAll(async () => {
    await tf.setBackend(start);
  });

  it('starts the requested backend and says so', async () => {
    const choice = await selectBackend('cpu');
    expect(choice).toEqual({ name: 'cpu', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('falls back past tfjs-node when it is not installed', async () => {
    const choice = await selectBackend();
    let nodeLoads = true;
    try {
      await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string);
    } catch {
      nodeLoads = false;
    }
    if (nodeLoads) {
      expect(choice.name).toBe('tensorflow');
    } else {
      expect(choice.name).toBe('wasm');
      expect(choice.skipped.map((s) => s.name)).toEqual(['tensorflow']);
    }
  });

  it('maps user spellings and refuses unknown ones', () => {
    expect(resolveBackendName('node')).toBe('tensorflow');
    expect(resolveBackendName('WASM')).toBe('wasm');
    expect(() => resolveBackendName('gpu')).toThrow(OptionError);
    expect(() => resolveBackendName('gpu')).toThrow(
      "The 'backend' parameter of tfjs-trio must be one of 'node', " +
        "'tfjs-node', 'tensorflow', 'wasm' or 'cpu'. Got 'gpu' instead.",
    );
  });

  it('fails clearly when a requested backend cannot start', async () => {
    let nodeLoads = true;
    try {
      await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string);
    } catch {
      nodeLoads = false;
    }
    if (!nodeLoads) {
      await expect(selectBackend('node')).rejects.toThrow(
        /^The 'tensorflow' backend was requested but could not start: /,
      );
    }
  });
});
