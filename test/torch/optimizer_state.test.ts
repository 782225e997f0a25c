import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { OptionError } from '../../src/errors.js';
import { expectClose, expectState, FIXTURE_DIR, floats, ints, Net }
  from './helpers.js';

const { nn, optim } = torch;
type Optimizer = torch.optim.Optimizer<object>;
type StateDict = torch.optim.OptimizerStateDict;

// Every expected number comes from PyTorch 1.13
// (scripts/fixtures/torch_optimizer_state.py).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(fs.readFileSync(
  path.join(FIXTURE_DIR, 'optimizer_state.json'), 'utf8'));

/** All parameters in one group, or fc1 in a group of its own. */
function groupsOf(net: Net, split: boolean): never {
  if (!split) {
    return net.parameters() as never;
  }
  return [
    { params: net.fc1.parameters(), lr: 0.005 },
    { params: [...net.fc2.parameters(), ...net.fc3.parameters()] },
  ] as never;
}

const RUNS: Record<string, [(net: Net) => Optimizer, boolean]> = {
  adam: [(n) => new optim.Adam(groupsOf(n, false), { lr: 0.01 }) as never,
    false],
  adam_amsgrad_wd_groups: [(n) => new optim.Adam(groupsOf(n, true), {
    lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1,
    amsgrad: true }) as never, true],
  sgd_momentum: [(n) => new optim.SGD(groupsOf(n, false), {
    lr: 0.1, momentum: 0.9 }) as never, false],
  sgd_nesterov_groups: [(n) => new optim.SGD(groupsOf(n, true), {
    lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }) as never,
  true],
};

let X: tf.Tensor;
let Y: tf.Tensor;
let X2: tf.Tensor;
let Y2: tf.Tensor;
const loss = new nn.CrossEntropyLoss();

beforeEach(() => {
  [X, Y, X2, Y2] = [floats(fx.X), ints(fx.Y), floats(fx.X2), ints(fx.Y2)];
});
afterEach(() => {
  tf.dispose([X, Y, X2, Y2]);
});

/** Steps `first` to `first + count - 1` on batches X, X2, X, ... */
function train(net: Net, opt: Optimizer, first: number, count: number) {
  for (let i = first; i < first + count; i++) {
    const [xb, yb] = i % 2 === 0 ? [X, Y] : [X2, Y2];
    opt.zeroGrad();
    torch.backward(() => loss(net(xb), yb)).dispose();
    opt.step();
  }
}

/** `weight_decay` -> `weightDecay`. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

describe('Optimizer.stateDict / loadStateDict', () => {
  for (const [name, [make]] of Object.entries(RUNS)) {
    it(`${name}: holds PyTorch's state and resumes training exactly`, () => {
      const expected = fx.runs[name];
      torch.manualSeed(42);
      const net = new Net();
      const opt = make(net);
      train(net, opt, 0, 3);
      const sd = opt.stateDict();

      // The state dict: PyTorch's state keys and values, group options
      // as the constructor spells them, none of PyTorch's extra flags.
      const want = expected.state_dict;
      expect(Object.keys(sd.state)).toEqual(Object.keys(want.state));
      for (const [k, entry] of Object.entries(want.state)) {
        const got = sd.state[Number(k)]!;
        const e = entry as Record<string, unknown>;
        expect(Object.keys(got)).toEqual(Object.keys(e));
        for (const [n, v] of Object.entries(e)) {
          if (typeof v === 'number') {
            expect(got[n]).toBe(v);
          } else {
            expectClose(got[n] as tf.Tensor, v);
          }
        }
      }
      expect(sd.param_groups.length).toBe(want.param_groups.length);
      sd.param_groups.forEach((g, i) => {
        const w = want.param_groups[i];
        for (const [k, v] of Object.entries(g)) {
          if (k === 'betas') {
            expectClose(v as number[], w.betas, 0);
          } else {
            expect([k, v]).toEqual([k, w[Object.keys(w).find(
              (pk) => camel(pk) === k)!]]);
          }
        }
      });

      // Resume: a fresh network and optimizer load both state dicts.
      train(net, opt, 3, 3);
      torch.manualSeed(0);
      const fresh = new Net();
      fresh.loadStateDict(Object.fromEntries(Object.entries(
        expected.after_3).map(([k, v]) => [k, floats(v)])));
      const resumed = make(fresh);
      resumed.loadStateDict(sd);
      tf.dispose(sd.state);
      train(fresh, resumed, 3, 3);
      expectState(fresh, expected.after_6);
      for (const [k, p] of net.namedParameters()) {
        expectClose(fresh.stateDict()[k]!, Array.from(p.dataSync()), 1e-6);
      }
      [net, fresh].forEach((m) => m.dispose());
      [opt, resumed].forEach((o) => o.dispose());
    });
  }

  it('resumes bit for bit from its own state dict', () => {
    torch.manualSeed(42);
    const a = new Net();
    const optA = RUNS.adam_amsgrad_wd_groups![0](a);
    train(a, optA, 0, 3);
    torch.manualSeed(42);
    const b = new Net();
    const optB = RUNS.adam_amsgrad_wd_groups![0](b);
    train(b, optB, 0, 3);
    const sd = optA.stateDict();
    optB.dispose();
    optB.loadStateDict(sd);
    tf.dispose(sd.state);
    train(a, optA, 3, 3);
    train(b, optB, 3, 3);
    for (const [k, p] of a.namedParameters()) {
      expectClose(b.stateDict()[k]!, Array.from(p.dataSync()), 0);
    }
    [a, b].forEach((m) => m.dispose());
    [optA, optB].forEach((o) => o.dispose());
  });

  it('restores lr and initialLr, as a scheduler left them', () => {
    torch.manualSeed(42);
    const net = new Net();
    const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.5 });
    const scheduler = new optim.StepLR(opt as never, 1, { gamma: 0.5 });
    scheduler.step();
    const sd = opt.stateDict();
    expect(sd.param_groups[0]).toEqual({ lr: 0.05, momentum: 0.5,
      dampening: 0, weightDecay: 0, nesterov: false, initialLr: 0.1,
      params: [0, 1, 2, 3, 4, 5] });
    expect(sd.state).toEqual({});
    const other = new optim.SGD(net.parameters(), { lr: 1, momentum: 0.9 });
    other.loadStateDict(sd);
    expect(other.paramGroups[0]!.lr).toBe(0.05);
    expect(other.paramGroups[0]!.initialLr).toBe(0.1);
    expect(other.paramGroups[0]!.options.momentum).toBe(0.5);
    net.dispose();
  });
});

describe('Optimizer.loadStateDict refuses', () => {
  let net: Net;
  let opt: Optimizer;
  let sd: StateDict;

  beforeEach(() => {
    torch.manualSeed(42);
    net = new Net();
    opt = RUNS.adam![0](net);
    train(net, opt, 0, 1);
    sd = opt.stateDict();
  });
  afterEach(() => {
    tf.dispose(sd.state);
    opt.dispose();
    net.dispose();
  });

  /** Expects `load` to throw `message` and to change nothing. */
  function expectRefused(load: () => void, message: string): Error {
    const before = opt.stateDict();
    const count = tf.memory().numTensors;
    let error: Error | undefined;
    try {
      load();
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toBe(message);
    expect(tf.memory().numTensors).toBe(count);
    const after = opt.stateDict();
    expect(after.param_groups).toEqual(before.param_groups);
    for (const [k, entry] of Object.entries(before.state)) {
      for (const [n, v] of Object.entries(entry)) {
        const now = after.state[Number(k)]![n]!;
        if (typeof v === 'number') {
          expect(now).toBe(v);
        } else {
          expectClose(now as tf.Tensor, Array.from(v.dataSync()), 0);
        }
      }
    }
    tf.dispose([before.state, after.state] as never);
    return error!;
  }

  it('another number of groups, with PyTorch\'s message', () => {
    const two = RUNS.adam_amsgrad_wd_groups![0](net);
    const other = two.stateDict();
    expectRefused(() => opt.loadStateDict(other),
      `${fx.messages.group_count} (2; this optimizer has 1).`);
  });

  it('a group of another size, with PyTorch\'s message', () => {
    const short = new optim.Adam([
      { params: net.fc1.parameters() }, { params: net.fc3.parameters() }]);
    const two = RUNS.adam_amsgrad_wd_groups![0](net);
    const other = two.stateDict();
    expect(() => short.loadStateDict(other)).toThrow(
      `${fx.messages.group_size} (group 1: 4 parameters; this ` +
        'optimizer\'s has 2).');
  });

  it('a state tensor of another shape, naming the parameter', () => {
    const wrong = tf.zeros([2, 2]);
    const bad: StateDict = {
      state: { ...sd.state, 5: { ...sd.state[5], exp_avg: wrong } },
      param_groups: [{ ...sd.param_groups[0]!, lr: 0.5 }],
    };
    const error = expectRefused(() => opt.loadStateDict(bad),
      "loaded state dict has 'exp_avg' of shape [2, 2] for parameter 5, " +
        'whose shape is [3].');
    expect(error).toBeInstanceOf(torch.OptimizerStateError);
    expect((error as torch.OptimizerStateError).paramIndex).toBe(5);
    wrong.dispose();
  });

  it('state that lacks a key its group\'s options need', () => {
    const bad: StateDict = {
      state: sd.state,
      param_groups: [{ ...sd.param_groups[0]!, amsgrad: true }],
    };
    expectRefused(() => opt.loadStateDict(bad),
      'loaded state dict has state for parameter 0 with keys [step, ' +
        'exp_avg, exp_avg_sq]; with its group\'s options Adam keeps ' +
        '[step, exp_avg, exp_avg_sq, max_exp_avg_sq].');
  });

  it('state for an index no group lists', () => {
    const bad: StateDict = { state: { ...sd.state, 6: sd.state[0]! },
      param_groups: sd.param_groups };
    expectRefused(() => opt.loadStateDict(bad),
      'loaded state dict has state for parameter index 6, which no ' +
        'parameter group lists.');
  });

  it('an unknown or invalid group option, as the constructor does', () => {
    const misspelt = { state: sd.state, param_groups: [
      { ...sd.param_groups[0]!, weight_decay: 0.1 }] };
    const error = expectRefused(() => opt.loadStateDict(misspelt),
      "The 'weight_decay' parameter of Adam (loaded parameter group 0) " +
        "must be a known option (did you mean 'weightDecay'?); known " +
        "options are 'params', 'lr', 'initialLr', 'betas', 'eps', " +
        "'weightDecay' or 'amsgrad'. Got 0.1 instead.");
    expect(error).toBeInstanceOf(OptionError);
    const invalid = { state: sd.state, param_groups: [
      { ...sd.param_groups[0]!, eps: -1 }] };
    expectRefused(() => opt.loadStateDict(invalid),
      "The 'eps' parameter of Adam must be a number >= 0. Got -1 instead.");
  });

  it('a tensor of a non-numeric dtype, before changing anything', () => {
    // The copy used to throw in its cast after the old state was freed.
    const text = tf.tensor(['a', 'b', 'c']);
    const bad: StateDict = {
      state: { ...sd.state, 5: { ...sd.state[5], exp_avg: text } },
      param_groups: sd.param_groups };
    expectRefused(() => opt.loadStateDict(bad),
      "loaded state dict has 'exp_avg' of dtype string for parameter 5; " +
        'expected float32.');
    text.dispose();
  });

  it('a state that is not a plain object, and keys that are not indices',
    () => {
      const asMap = { state: new Map(Object.entries(sd.state)),
        param_groups: sd.param_groups } as unknown as StateDict;
      expectRefused(() => opt.loadStateDict(asMap),
        'loaded state dict must be an object with `state` and ' +
          '`param_groups`, as optimizer.stateDict() returns.');
      const padded = { state: { ...sd.state, '01': sd.state[1]! },
        param_groups: sd.param_groups } as unknown as StateDict;
      expectRefused(() => opt.loadStateDict(padded),
        'loaded state dict has state for parameter index 01, which no ' +
          'parameter group lists.');
    });

  it('a tensor where a step count belongs (PyTorch stores a 0-d one)',
    () => {
      const step = tf.scalar(1);
      const bad: StateDict = {
        state: { ...sd.state, 0: { ...sd.state[0], step } },
        param_groups: sd.param_groups } as unknown as StateDict;
      expectRefused(() => opt.loadStateDict(bad),
        "loaded state dict has a tensor for 'step' of parameter 0; " +
          'expected an integer >= 0.');
      step.dispose();
    });

  it('a disposed tensor', () => {
    const gone = tf.clone(sd.state[0]!.exp_avg as tf.Tensor);
    gone.dispose();
    const bad: StateDict = {
      state: { ...sd.state, 0: { ...sd.state[0], exp_avg: gone } },
      param_groups: sd.param_groups };
    expectRefused(() => opt.loadStateDict(bad),
      "loaded state dict has a disposed tensor for 'exp_avg' of " +
        'parameter 0; expected a tensor.');
  });
});

describe('optimizer state and tensor memory', () => {
  it('stateDict hands over copies; load copies in; dispose frees', () => {
    torch.manualSeed(42);
    const net = new Net();
    const opt = RUNS.adam_amsgrad_wd_groups![0](net);
    train(net, opt, 0, 1);
    const start = tf.memory().numTensors;

    // 6 parameters x 3 moments, owned by the caller.
    const sd = opt.stateDict();
    expect(tf.memory().numTensors).toBe(start + 18);
    const other = RUNS.adam_amsgrad_wd_groups![0](net);
    other.loadStateDict(sd);
    expect(tf.memory().numTensors).toBe(start + 36);
    tf.dispose(sd.state);
    expect(tf.memory().numTensors).toBe(start + 18);

    // Loading again replaces the state; stepping keeps the count.
    const again = opt.stateDict();
    other.loadStateDict(again);
    tf.dispose(again.state);
    expect(tf.memory().numTensors).toBe(start + 18);
    train(net, other, 1, 1);
    expect(tf.memory().numTensors).toBe(start + 18);
    other.dispose();
    expect(tf.memory().numTensors).toBe(start);
    opt.dispose();
    net.dispose();
  });

  it('a copy outlives the optimizer\'s later steps', () => {
    torch.manualSeed(42);
    const net = new Net();
    const opt = RUNS.sgd_momentum![0](net);
    train(net, opt, 0, 1);
    const sd = opt.stateDict();
    const snapshot = Array.from((sd.state[0]!.momentum_buffer as tf.Tensor)
      .dataSync());
    train(net, opt, 1, 2);
    opt.dispose();
    expectClose(sd.state[0]!.momentum_buffer as tf.Tensor, snapshot, 0);
    tf.dispose(sd.state);
    net.dispose();
  });

  it('a loaded dict is copied: editing it later changes nothing', () => {
    // PyTorch deep-copies the dict load_state_dict takes.
    torch.manualSeed(42);
    const net = new Net();
    const opt = RUNS.adam![0](net);
    train(net, opt, 0, 1);
    const sd = opt.stateDict();
    const other = RUNS.adam![0](net);
    other.loadStateDict(sd);
    (sd.param_groups[0] as unknown as { betas: number[] }).betas[0] = 7;
    expect((other.paramGroups[0]!.options as { betas: number[] }).betas)
      .toEqual([0.9, 0.999]);
    tf.dispose(sd.state);
    other.dispose();
    opt.dispose();
    net.dispose();
  });
});

describe('StepLR and initialLr', () => {
  it('keeps an initialLr a group already has, as setdefault does', () => {
    // PyTorch 1.13: group.setdefault('initial_lr', group['lr']). By hand:
    // lr 1 halves twice to 0.25; a second scheduler keeps initial_lr 1.
    const net = new Net();
    const opt = new optim.SGD(net.parameters(), { lr: 1 });
    const first = new optim.StepLR(opt, 1, { gamma: 0.5 });
    first.step();
    first.step();
    new optim.StepLR(opt, 1, { gamma: 0.5 });
    expect(opt.paramGroups[0]!.lr).toBe(0.25);
    expect(opt.paramGroups[0]!.initialLr).toBe(1);
    opt.dispose();
    net.dispose();
  });
});
