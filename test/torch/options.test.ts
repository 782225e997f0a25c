import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors.js';
import * as torch from '../../src/torch/index.js';

const { nn, optim } = torch;

// Non-regression: these options were silently ignored. PyTorch raises
// TypeError on an unexpected keyword argument (for example
// "Adam.__init__() got an unexpected keyword argument 'weight_decayy'",
// recorded by scripts/fixtures/torch_ignore_index.py); the facade
// refuses the key, names the nearest known one and lists them all.
describe('the torch facade refuses unknown option keys', () => {
  const net = new nn.Linear(2, 2);
  const ps = net.parameters();
  const unknown = (key: string, owner: string, guess: string | null,
    known: string) =>
    `The '${key}' parameter of ${owner} must be a known option` +
      (guess === null ? '' : ` (did you mean '${guess}'?)`) +
      `; known options are ${known}.`;

  it('in optimizers, their parameter groups and schedulers', () => {
    expect(() => new optim.Adam(ps, { lr: 0.1, weight_decay: 0.5 } as never))
      .toThrow(unknown('weight_decay', 'Adam', 'weightDecay',
        "'lr', 'betas', 'eps', 'weightDecay' or 'amsgrad'"));
    expect(() => new optim.SGD(ps, { lr: 0.1, mometum: 0.9 } as never))
      .toThrow(unknown('mometum', 'SGD', 'momentum', "'lr', 'momentum', " +
        "'dampening', 'weightDecay' or 'nesterov'"));
    expect(() => new optim.SGD([{ params: ps, weight_decay: 0.1 }] as never,
      { lr: 0.1 })).toThrow(unknown('weight_decay', 'SGD (parameter group)',
      'weightDecay', "'params', 'lr', 'momentum', 'dampening', " +
        "'weightDecay' or 'nesterov'"));
    const adam = new optim.Adam(ps);
    expect(() => new optim.lr_scheduler.StepLR(adam, 2,
      { last_epoch: 3 } as never)).toThrow(unknown('last_epoch', 'StepLR',
      'lastEpoch', "'gamma' or 'lastEpoch'"));
  });

  it('in losses, layers, tensor() and exportLayersModel', () => {
    expect(() => new nn.CrossEntropyLoss({ label_smoothing: 0.1 } as never))
      .toThrow(unknown('label_smoothing', 'CrossEntropyLoss',
        'labelSmoothing',
        "'reduction', 'weight', 'ignoreIndex' or 'labelSmoothing'"));
    expect(() => new nn.NLLLoss({ ignore_index: 0 } as never)).toThrow(
      "(did you mean 'ignoreIndex'?)");
    expect(() => new nn.MSELoss({ size_average: true } as never)).toThrow(
      unknown('size_average', 'MSELoss', null, "'reduction'"));
    expect(() => new nn.CrossEntropyLoss(null as never)).toThrow(
      "The 'options' parameter of CrossEntropyLoss must be an object");
    expect(() => new nn.Linear(2, 3, true, { seed: 1 } as never)).toThrow(
      unknown('seed', 'Linear', null, "'generator'"));
    expect(() => new nn.Linear(2, 3, { bias: false } as never)).toThrow(
      "The 'bias' parameter of Linear must be a boolean, the third " +
        'argument (new nn.Linear(2, 3, false) for bias=False). Got ' +
        '{"bias":false} instead.');
    expect(() => torch.tensor([1], { requires_grad: true } as never))
      .toThrow(unknown('requires_grad', 'tensor', null, "'dtype'"));
    expect(() => torch.exportLayersModel(net, [2], { class: [0, 1] } as never))
      .toThrow(unknown('class', 'exportLayersModel', 'classes',
        "'classes' or 'metadata'"));
  });

  it('as an OptionError naming the key and the owner', () => {
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      new optim.Adam(ps, { weight_decay: 0.5 } as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OptionError);
    expect((caught as OptionError).option).toBe('weight_decay');
    expect((caught as OptionError).owner).toBe('Adam');
    // A refused optimizer allocates no state.
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('optimizer parameter groups as in PyTorch 1.13', () => {
  const net = new nn.Linear(2, 2);
  const [weight, bias] = net.parameters() as [torch.nn.Parameter,
    torch.nn.Parameter];

  it('refuses a parameter in two groups', () => {
    // PyTorch: "some parameters appear in more than one parameter group".
    expect(() => new optim.Adam([{ params: [weight, bias] },
      { params: [weight] }])).toThrow(
      "The 'params' parameter of Adam must be parameter groups with no " +
        'parameter in common (some parameters appear in more than one ' +
        "parameter group). Got 'item 0 of group 1, already in an earlier " +
        "group' instead.");
  });

  it('requires an lr for SGD, from the options or from every group', () => {
    // PyTorch 1.13: "parameter group didn't specify a value of required
    // optimization parameter lr" (2.2 and later default it to 1e-3).
    const message = "The 'lr' parameter of SGD must be given: it has no " +
      "default (PyTorch 1.13: parameter group didn't specify a value of " +
      'required optimization parameter lr); pass one, such as ' +
      '{ lr: 0.01 }. Got undefined instead.';
    expect(() => new optim.SGD([weight, bias])).toThrow(message);
    expect(() => new optim.SGD([{ params: [weight] },
      { params: [bias], lr: 0.1 }])).toThrow(message);
    const sgd = new optim.SGD([{ params: [weight], lr: 0.2 },
      { params: [bias], lr: 0.1 }]);
    expect(sgd.paramGroups.map((g) => g.lr)).toEqual([0.2, 0.1]);
    // Adam keeps its default, 1e-3.
    expect(new optim.Adam([weight]).paramGroups[0]!.lr).toBe(1e-3);
  });
});
