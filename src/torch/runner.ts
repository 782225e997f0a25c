import * as tf from '@tensorflow/tfjs';
import type {
  FacadeEntry,
  RunContext,
  TrainedModel,
  TrainingData,
} from '../compare/types.js';
import { sliceRows, type Matrix } from '../data/matrix.js';
import { ConfigError, DivergenceError } from '../errors.js';
import { randomSeed } from '../util/random.js';
import { backward, noGrad } from './autograd.js';
import {
  parseTorchSection,
  torchDataMismatches,
  type LayerSpec,
  type TorchSection,
} from './config.js';
import { exportLayersModel, type ChainStep } from './export.js';
import * as nn from './nn/index.js';
import { Adam } from './optim/adam.js';
import { StepLR } from './optim/lr_scheduler.js';
import type { Optimizer } from './optim/optimizer.js';
import { SGD } from './optim/sgd.js';
import { manualSeed } from './random.js';
import { argmax, item } from './tensor.js';
import { DataLoader } from './utils/data/dataloader.js';
import { TensorDataset } from './utils/data/dataset.js';

/** Rows sent through the model at once by `predict`. */
const PREDICT_BATCH = 1024;
/** Steps between progress events and between yields to the event loop. */
const PROGRESS_EVERY = 50;

/**
 * The torch facade in a comparison config: an `nn.Sequential` of the
 * listed layers trained with the tutorial's loop (zero grads, forward and
 * loss, backward, step) for `epochs` epochs.
 *
 * ```yaml
 * - name: torch_module
 *   facade: torch
 *   model:
 *     - {type: Linear, in_features: 784, out_features: 128}
 *     - ReLU
 *     - {type: Linear, in_features: 128, out_features: 10}
 *   loss: {type: CrossEntropyLoss, label_smoothing: 0.1}   # or a bare name
 *   optimizer: {type: Adam, lr: 0.0001}
 *   dataloader: {batch_size: 32, shuffle: true}
 *   epochs: 50
 *   lr_scheduler: {type: StepLR, step_size: 10, gamma: 0.5}   # optional
 * ```
 *
 * Each epoch reports the tutorial's line `Epoch i/N, Loss: x` (the mean
 * batch loss). The config's `seed` goes to `manualSeed`.
 */
export const torchEntry: FacadeEntry = {
  check(section, keyPath) {
    parseTorchSection(section, keyPath);
  },
  async run(section, keyPath, data, context) {
    const spec = parseTorchSection(section, keyPath);
    checkAgainstData(spec, keyPath, data);
    manualSeed(context.seed ?? randomSeed());
    const model = buildModel(spec.model);
    try {
      const lossCurve = await train(model, spec, keyPath, data, context);
      return trained(model, spec, section, data, lossCurve);
    } catch (err) {
      model.dispose();
      throw err;
    }
  },
};

/** Builds the `nn.Sequential` a config's `model` list describes. */
export function buildModel(layers: readonly LayerSpec[]): nn.Sequential {
  return new nn.Sequential(...layers.map((l): nn.Module => {
    switch (l.type) {
      case 'Linear': return new nn.Linear(l.in_features, l.out_features,
        l.bias);
      case 'ReLU': return new nn.ReLU();
      case 'Sigmoid': return new nn.Sigmoid();
      case 'Tanh': return new nn.Tanh();
      case 'Softmax': return new nn.Softmax(l.dim);
      case 'Dropout': return new nn.Dropout(l.p);
      case 'Flatten': return new nn.Flatten(l.start_dim, l.end_dim);
    }
  }));
}

function checkAgainstData(
  spec: TorchSection,
  keyPath: string,
  data: TrainingData,
): void {
  const [first] = torchDataMismatches(spec, keyPath, {
    features: data.x.cols,
    classes: data.classes.length,
    rows: data.x.rows,
  });
  if (first !== undefined) {
    throw new ConfigError(`${first.path}: ${first.message}`, undefined,
      first.path);
  }
}

function buildOptimizer(
  spec: TorchSection['optimizer'],
  params: nn.Parameter[],
): Optimizer<object> {
  if (spec.type === 'Adam') {
    return new Adam(params, {
      lr: spec.lr, betas: spec.betas, eps: spec.eps,
      weightDecay: spec.weight_decay, amsgrad: spec.amsgrad,
    }) as unknown as Optimizer<object>;
  }
  return new SGD(params, {
    lr: spec.lr, momentum: spec.momentum, dampening: spec.dampening,
    weightDecay: spec.weight_decay, nesterov: spec.nesterov,
  }) as unknown as Optimizer<object>;
}

/** The tutorial's training loop; returns the mean loss of each epoch. */
async function train(
  model: nn.Sequential,
  spec: TorchSection,
  keyPath: string,
  data: TrainingData,
  context: RunContext,
): Promise<number[]> {
  const reporter = context.reporter;
  const x = tf.tensor2d(data.x.data, [data.x.rows, data.x.cols]);
  const y = tf.tensor1d(data.y, 'int32');
  const loader = new DataLoader(new TensorDataset(x, y), {
    batchSize: spec.dataloader.batch_size,
    shuffle: spec.dataloader.shuffle,
    dropLast: spec.dataloader.drop_last,
  });
  const loss = new nn.CrossEntropyLoss({
    labelSmoothing: spec.loss.label_smoothing,
    ignoreIndex: spec.loss.ignore_index,
    reduction: spec.loss.reduction,
    ...(spec.loss.weight === undefined ? {} : { weight: spec.loss.weight }),
  });
  const optimizer = buildOptimizer(spec.optimizer, model.parameters());
  const scheduler = spec.lr_scheduler === undefined
    ? undefined
    : new StepLR(optimizer, spec.lr_scheduler.step_size,
      { gamma: spec.lr_scheduler.gamma });
  const lossCurve: number[] = [];
  const epochs = spec.epochs;
  const steps = loader.length;
  try {
    model.train();
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const start = performance.now();
      let totalLoss = 0;
      let step = 0;
      for (const [xb, yb] of loader) {
        optimizer.zeroGrad();
        // The tutorial's loss.item() each step. Kept: it lets a non-finite
        // loss stop training before that step's update, and on wasm the
        // read costs under 2 µs, less than the one add (5-12 µs) that
        // summing the loss on the backend would take per step.
        const lossValue = item(backward(() => loss(model(xb!), yb!)));
        if (!Number.isFinite(lossValue)) {
          throw new DivergenceError(
            `${keyPath}: the loss became ${lossValue} at epoch ${epoch}, ` +
              `step ${step + 1}; training stopped before that step's ` +
              `update. Try a smaller lr or scaled inputs.`,
            epoch, step + 1);
        }
        optimizer.step();
        totalLoss += lossValue;
        step += 1;
        if (step % PROGRESS_EVERY === 0 || step === steps) {
          reporter.progress?.({
            model: context.model, epoch, epochs, step, steps,
            elapsed: (performance.now() - start) / 1000,
            logs: { loss: totalLoss / step },
          });
        }
        if (context.signal !== undefined) {
          // Let Ctrl-C through after every step (a yield costs far less
          // than a step), so an interrupt stops after the current one.
          await new Promise((resolve) => setImmediate(resolve));
          if (context.signal.aborted) {
            break;
          }
        } else if (step % PROGRESS_EVERY === 0) {
          // Let progress drawing through.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      if (context.signal?.aborted && step < steps) {
        reporter.line(`Stopped during epoch ${epoch}/${epochs} after ` +
          `step ${step}/${steps}; the weights trained so far are kept.`);
        break;
      }
      const avgLoss = totalLoss / steps;
      lossCurve.push(avgLoss);
      reporter.line(`Epoch ${epoch}/${epochs}, Loss: ${avgLoss}`);
      scheduler?.step();
      if (context.signal?.aborted) {
        break;
      }
    }
  } finally {
    model.eval();
    optimizer.dispose();
    loss.dispose();
    tf.dispose([x, y]);
  }
  return lossCurve;
}

function trained(
  model: nn.Sequential,
  spec: TorchSection,
  section: Record<string, unknown>,
  data: TrainingData,
  lossCurve: number[],
): TrainedModel {
  const endsInSoftmax = spec.model.at(-1)?.type === 'Softmax';
  const nClasses = data.classes.length;
  const forwardAll = (
    x: Matrix,
    visit: (out: tf.Tensor, at: number) => void,
  ) => {
    model.eval();
    for (let at = 0; at < x.rows; at += PREDICT_BATCH) {
      const rows = sliceRows(x, at, Math.min(at + PREDICT_BATCH, x.rows));
      noGrad(() => {
        visit(model(tf.tensor2d(rows.data, [rows.rows, rows.cols])), at);
      });
    }
  };
  return {
    epochs: lossCurve.length,
    lossCurve,
    predict(x) {
      const out = new Int32Array(x.rows);
      forwardAll(x, (logits, at) => {
        out.set(argmax(logits, 1).dataSync() as Int32Array, at);
      });
      return out;
    },
    predictProba(x) {
      const out = new Float32Array(x.rows * nClasses);
      forwardAll(x, (y, at) => {
        const p = endsInSoftmax ? y : tf.softmax(y);
        out.set(p.dataSync() as Float32Array, at * nClasses);
      });
      return out;
    },
    toLayersModel() {
      return exportLayersModel(model, [data.x.cols], {
        classes: [...data.classes],
        metadata: { options: section, state: { lossCurve } },
      });
    },
    metadata() {
      // The chain of layers lets loadLayersStateDict restore the keys.
      const exported = exportLayersModel(model, [data.x.cols]);
      const meta = exported.getUserDefinedMetadata() as
        { trio: { state: { chain: ChainStep[] } } };
      exported.dispose();
      return {
        facade: 'torch',
        classes: [...data.classes],
        output: endsInSoftmax ? 'probabilities' : 'logits',
        options: section,
        state: {
          lossCurve, epochs: lossCurve.length, chain: meta.trio.state.chain,
        },
      };
    },
    dispose() {
      model.dispose();
    },
  };
}
