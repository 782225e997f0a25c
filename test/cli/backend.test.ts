import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  currentBackend,
  describeBackend,
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
      expect(choice.name).toBe('node');
    } else {
      expect(choice.name).toBe('wasm');
      expect(choice.skipped).toEqual([{ name: 'node',
        reason: '@tensorflow/tfjs-node is not installed' }]);
      expect(describeBackend(choice)).toBe('wasm (node skipped: ' +
        '@tensorflow/tfjs-node is not installed)');
    }
    expect(currentBackend()).toBe(choice.name);
  });

  // tfjs names tfjs-node's backend 'tensorflow'; users say `node`, so
  // every name tfjs-trio returns or prints is `node`.
  it('maps user spellings and refuses unknown ones', () => {
    expect(resolveBackendName('node')).toBe('node');
    expect(resolveBackendName('tfjs-node')).toBe('node');
    expect(resolveBackendName('tensorflow')).toBe('node');
    expect(resolveBackendName('WASM')).toBe('wasm');
    expect(() => resolveBackendName('gpu')).toThrow(OptionError);
    expect(() => resolveBackendName('gpu')).toThrow(
      "The 'backend' parameter of tfjs-trio must be one of 'node', " +
        "'wasm' or 'cpu'. Got 'gpu' instead.",
    );
  });

  it('describes a choice with nothing skipped by its name alone', () => {
    expect(describeBackend({ name: 'cpu', skipped: [] })).toBe('cpu');
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
        "The 'node' backend was requested but could not start: " +
          '@tensorflow/tfjs-node is not installed',
      );
    }
  });
});
