import * as tf from '@tensorflow/tfjs';
import { ModelFileError, NotSupportedError } from '../errors.js';
import {
  loadLayersModel,
  readModelMetadata,
  saveLayersModel,
  type SaveOptions,
} from '../io/file_system.js';
import { METADATA_KEY, type TrioMetadata } from '../io/metadata.js';
import { Module, withCallTrace, type StateDict } from './nn/module.js';
import { checkOptionKeys } from './options.js';
import { ReLU, Sigmoid, Softmax, Tanh } from './nn/activation.js';
import { Dropout } from './nn/dropout.js';
import { Flatten } from './nn/flatten.js';
import { Linear } from './nn/linear.js';
import { Sequential } from './nn/sequential.js';

/** One step of an exported chain, as stored in the metadata. */
export interface ChainStep {
  /** Dotted module path in the original module (`fc1`, `0`, `relu`). */
  path: string;
  type: 'Linear' | 'ReLU' | 'Sigmoid' | 'Tanh' | 'Softmax' | 'Flatten' |
    'Dropout';
  /** The tfjs layer this step became (an activation may fuse in). */
  layer: string;
}

export interface ExportOptions {
  /** Labels of the output columns. @default 0..units-1 */
  classes?: (number | string)[];
  /** Extra fields for `userDefinedMetadata.trio` (options, state...). */
  metadata?: Partial<TrioMetadata>;
}

const EXPORT_OPTIONS = ['classes', 'metadata'];

const ACTIVATIONS = new Map<Function, string>([
  [ReLU, 'relu'], [Sigmoid, 'sigmoid'], [Tanh, 'tanh'], [Softmax, 'softmax'],
]);

/**
 * Turns a module whose forward pass is a chain of supported layers
 * (Linear, ReLU, Sigmoid, Tanh, Softmax over the last axis, Flatten,
 * Dropout) into a tfjs LayersModel that plain tfjs loads: each Linear
 * becomes a Dense layer with its weight transposed to (in, out), and an
 * activation that follows it becomes that layer's activation. The chain is
 * found by running `forward` once on zeros of `inputShape` (without the
 * batch dimension) and following which module fed which.
 *
 * The model's `userDefinedMetadata.trio` says facade 'torch', the classes,
 * and output 'logits' unless the chain ends in Softmax. The caller disposes
 * the returned model.
 */
export function exportLayersModel(
  module: Module,
  inputShape: number[],
  options: ExportOptions = {},
): tf.LayersModel {
  checkOptionKeys(options, EXPORT_OPTIONS, 'exportLayersModel');
  const chain = traceChain(module, inputShape);
  const model = tf.sequential();
  const steps: ChainStep[] = [];
  const weights: tf.Tensor[] = [];
  const used = new Set<string>();
  let units: number | undefined;
  let first = true;
  const input = () => (first ? { inputShape } : {});
  try {
    for (let i = 0; i < chain.length; i++) {
      const { path, module: m } = chain[i]!;
      const name = layerName(path, m, used);
      if (m instanceof Linear) {
        const next = chain[i + 1]?.module;
        const activation = next === undefined
          ? undefined
          : activationOf(next);
        model.add(tf.layers.dense({
          units: m.outFeatures,
          useBias: m.bias !== null,
          activation: (activation ?? 'linear') as 'linear',
          name,
          ...input(),
        }));
        weights.push(tf.transpose(m.weight));
        if (m.bias !== null) {
          weights.push(m.bias.clone());
        }
        units = m.outFeatures;
        steps.push({ path, type: 'Linear', layer: name });
        if (activation !== undefined) {
          i += 1;
          steps.push({
            path: chain[i]!.path,
            type: typeName(chain[i]!.module),
            layer: name,
          });
        }
      } else if (activationOf(m) !== undefined) {
        model.add(tf.layers.activation({
          activation: activationOf(m) as 'relu',
          name,
          ...input(),
        }));
        steps.push({ path, type: typeName(m), layer: name });
      } else if (m instanceof Flatten) {
        if (m.startDim !== 1 || m.endDim !== -1) {
          throw new NotSupportedError(
            `exportLayersModel supports Flatten(start_dim=1, end_dim=-1) ` +
              `only; '${path}' is ${m.toString()}.`,
          );
        }
        model.add(tf.layers.flatten({ name, ...input() }));
        steps.push({ path, type: 'Flatten', layer: name });
      } else if (m instanceof Dropout) {
        model.add(tf.layers.dropout({ rate: m.p, name, ...input() }));
        steps.push({ path, type: 'Dropout', layer: name });
      }
      first = false;
    }
    model.setWeights(weights);
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    tf.dispose(weights);
  }
  const last = chain.at(-1)?.module;
  const nOut = units ?? 1;
  const meta: TrioMetadata = {
    version: 1,
    facade: 'torch',
    classes: options.classes ?? [...Array(nOut).keys()],
    output: last instanceof Softmax ? 'probabilities' : 'logits',
    ...options.metadata,
    state: { ...(options.metadata?.state ?? {}), chain: steps },
  };
  model.setUserDefinedMetadata({ [METADATA_KEY]: meta });
  return model;
}

/**
 * Exports `module` with `exportLayersModel` and saves it as `model.json`
 * plus `weights.bin` in the tfjs layers format. Returns the folder.
 */
export async function saveModule(
  module: Module,
  target: string,
  options: ExportOptions & SaveOptions & { inputShape: number[] },
): Promise<string> {
  checkOptionKeys(options, [...EXPORT_OPTIONS, 'overwrite', 'inputShape'],
    'saveModule');
  const { inputShape, overwrite, ...exportOptions } = options;
  const model = exportLayersModel(module, inputShape, exportOptions);
  try {
    return await saveLayersModel(model, target,
      overwrite === undefined ? {} : { overwrite });
  } finally {
    model.dispose();
  }
}

/**
 * Loads a layers model saved by `saveModule` (or any chain of Dense,
 * Activation, Flatten and Dropout layers) back into an `nn.Sequential`:
 * each Dense becomes a Linear (weight transposed back to (out, in)),
 * followed by its activation module. The caller disposes it.
 */
export async function loadModule(target: string): Promise<Sequential> {
  const model = await loadLayersModel(target);
  try {
    const seq = new Sequential();
    for (const layer of model.layers) {
      const config = layer.getConfig();
      const cls = layer.getClassName();
      if (cls === 'Dense') {
        const [kernel, bias] = layer.getWeights();
        const [nIn, nOut] = kernel!.shape as [number, number];
        const linear = new Linear(nIn, nOut, bias !== undefined);
        tf.tidy(() => {
          linear.weight.assign(tf.transpose(kernel!));
          if (bias !== undefined) {
            linear.bias!.assign(bias);
          }
        });
        seq.append(linear);
        const act = config.activation as string | undefined;
        if (act !== undefined && act !== 'linear') {
          seq.append(activationModule(act, target));
        }
      } else if (cls === 'Activation') {
        seq.append(activationModule(config.activation as string, target));
      } else if (cls === 'Flatten') {
        seq.append(new Flatten());
      } else if (cls === 'Dropout') {
        seq.append(new Dropout(config.rate as number));
      } else {
        seq.dispose();
        throw new ModelFileError(
          `${target}: layer '${layer.name}' is a ${cls}; loadModule ` +
            `rebuilds Dense, Activation, Flatten and Dropout layers only.`,
          target,
        );
      }
    }
    return seq;
  } finally {
    model.dispose();
  }
}

/**
 * Reads the weights of a model saved by `saveModule` as a state dict with
 * the original module's key names (`fc1.weight`, `0.bias`), for
 * `loadStateDict` on an instance of the original class. The caller
 * disposes the tensors.
 */
export async function loadLayersStateDict(target: string): Promise<StateDict> {
  const meta = readModelMetadata(target)[METADATA_KEY] as
    TrioMetadata | undefined;
  const chain = (meta?.state?.chain ?? null) as ChainStep[] | null;
  if (meta?.facade !== 'torch' || !Array.isArray(chain)) {
    throw new ModelFileError(
      `${target}: the model was not saved from a torch module (its ` +
        `userDefinedMetadata.trio has no state.chain); use loadModule.`,
      target,
    );
  }
  const model = await loadLayersModel(target);
  try {
    const out: StateDict = {};
    for (const step of chain) {
      if (step.type !== 'Linear') {
        continue;
      }
      const [kernel, bias] = model.getLayer(step.layer).getWeights();
      out[`${step.path}.weight`] = tf.transpose(kernel!);
      if (bias !== undefined) {
        out[`${step.path}.bias`] = bias.clone();
      }
    }
    return out;
  } finally {
    model.dispose();
  }
}

interface ChainLink {
  path: string;
  module: Module;
}

/** Runs `forward` once and checks that the leaf calls form a chain. */
function traceChain(module: Module, inputShape: number[]): ChainLink[] {
  const paths = new Map<Module, string>();
  for (const [p, m] of module.namedModules()) {
    paths.set(m, p);
  }
  const calls: { module: Module; input: unknown; output: unknown }[] = [];
  const modes = module.modules().map((m) => [m, m.training] as const);
  module.eval();
  try {
    tf.tidy(() => {
      const x = tf.zeros([1, ...inputShape]);
      const y = withCallTrace({
        record(m, inputs, output) {
          if (m.children().length === 0) {
            calls.push({ module: m, input: inputs[0], output });
          }
        },
      }, () => module(x));
      let previous: unknown = x;
      calls.forEach((c, i) => {
        if (c.input !== previous) {
          throw new NotSupportedError(
            `exportLayersModel needs a forward pass that is a chain of ` +
              `layers; call ${i + 1} ('${paths.get(c.module)}') does not ` +
              `take the previous layer's output.`,
          );
        }
        previous = c.output;
      });
      if (calls.length === 0 || y !== previous) {
        throw new NotSupportedError(
          'exportLayersModel needs a forward pass that is a chain of ' +
            'layers and returns the last layer\'s output.',
        );
      }
    });
  } finally {
    for (const [m, mode] of modes) {
      m.training = mode;
    }
  }
  return calls.map((c) => {
    const m = c.module;
    const path = paths.get(m) ?? '';
    const supported = m instanceof Linear || m instanceof Flatten ||
      m instanceof Dropout || activationOf(m) !== undefined;
    if (!supported) {
      throw new NotSupportedError(
        `exportLayersModel does not support ${m.constructor.name} yet ` +
          `('${path}'); supported: Linear, ReLU, Sigmoid, Tanh, Softmax, ` +
          `Flatten, Dropout.`,
      );
    }
    if (m instanceof Softmax && m.dim !== -1) {
      throw new NotSupportedError(
        `exportLayersModel supports Softmax over the last axis only ` +
          `('${path}' has dim=${m.dim}; use dim=-1).`,
      );
    }
    return { path, module: m };
  });
}

function activationOf(m: Module): string | undefined {
  return ACTIVATIONS.get(m.constructor);
}

function typeName(m: Module): ChainStep['type'] {
  return m.constructor.name as ChainStep['type'];
}

function activationModule(name: string, target: string): Module {
  switch (name) {
    case 'relu': return new ReLU();
    case 'sigmoid': return new Sigmoid();
    case 'tanh': return new Tanh();
    case 'softmax': return new Softmax();
    default:
      throw new ModelFileError(
        `${target}: activation '${name}' has no torch module here; ` +
          `relu, sigmoid, tanh and softmax do.`,
        target,
      );
  }
}

function layerName(path: string, m: Module, used: Set<string>): string {
  let name = path.replace(/[^A-Za-z0-9_]/g, '_');
  if (name === '' || /^[0-9]/.test(name)) {
    name = `${m.constructor.name.toLowerCase()}_${name}`;
  }
  let unique = name;
  for (let k = 1; used.has(unique); k++) {
    unique = `${name}_${k}`;
  }
  used.add(unique);
  return unique;
}
