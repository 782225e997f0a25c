import type {
  ComparisonConfig,
  ModelConfig,
} from '../config/comparison_config.js';
import { parseCompile } from '../keras/compile_config.js';
import { parseLayerEntry } from '../keras/layers/from_config.js';
import { BinaryCrossentropyLoss, type Loss } from '../keras/losses.js';
import { parseTorchSection, torchDataMismatches } from '../torch/config.js';
import { refuse, type Problem } from './refusal.js';

/** What the models must fit: the training data's shape. */
export interface DataShape {
  /** Feature columns. */
  features: number;
  /** Distinct labels; every model needs one output per class. */
  classes: number;
  /** Training rows. */
  rows: number;
}

/**
 * Refuses, before any model trains, layer sizes that do not fit the data:
 * a first layer whose inputs are not the feature columns, a last layer
 * whose outputs are not the classes (the comparison reads class `i` from
 * output `i`; a Keras model may instead end in 1 unit with
 * binary_crossentropy on 2 classes), and torch's class weights and
 * batches. The facades check
 * the same when they train, but only one model at a time, after the
 * models before it have trained. Reads the config alone: nothing is
 * built, so no tensor is made and no Keras layer name is used up.
 * sklearn models size their layers from the data and need no check.
 */
export function checkModelsFitData(
  config: ComparisonConfig,
  data: DataShape,
): void {
  const problems = config.models.flatMap((model) => {
    if (model.facade === 'keras') {
      return kerasProblems(model, data);
    }
    return model.facade === 'torch' ? torchProblems(model, data) : [];
  });
  refuse(problems, config, `${problems.length} model settings do not fit ` +
    `the data (${data.features} feature columns, ${data.classes} ` +
    'classes); nothing was trained');
}

function kerasProblems(model: ModelConfig, data: DataShape): Problem[] {
  const at = `${model.keyPath}.layers`;
  const raw = model.section['layers'];
  if (!Array.isArray(raw) || raw.length === 0) {
    // A config built in code, unchecked: the facade words the refusal.
    return [];
  }
  const layers = raw.map((entry, i) => parseLayerEntry(entry, `${at}[${i}]`));
  const problems: Problem[] = [];

  // Keras builds a model without input_shape from the data itself.
  const shape = layers[0]!.options['inputShape'] as number[] | undefined;
  if (shape !== undefined && !(shape.length === 1 &&
    shape[0] === data.features)) {
    const entry = raw[0] as Record<string, unknown>;
    const key = 'inputShape' in entry ? 'inputShape' : 'input_shape';
    problems.push({
      path: `${at}[0].${key}`,
      message: `is [${shape.join(', ')}] but the data has ` +
        `${data.features} feature columns.`,
    });
  }

  // Dropout, Flatten, Activation and BatchNormalization keep the width
  // of a row; only a Dense layer changes it.
  const last = layers.map((l) => l.type).lastIndexOf('Dense');
  if (last === -1) {
    if (data.features !== data.classes) {
      problems.push({
        path: at,
        message: `has no Dense layer, so the model has ` +
          `${data.features} outputs (one per feature column) but the ` +
          `data has ${data.classes} classes; end with a Dense layer of ` +
          `${data.classes} units.`,
      });
    }
    return problems;
  }
  const units = layers[last]!.options['units'] as number;
  const loss = compiledLoss(model);
  const binary = loss instanceof BinaryCrossentropyLoss;
  const lossPath = `${model.keyPath}.compile.loss`;
  if (units === 1 && data.classes === 2) {
    // Keras's binary set-up: one sigmoid unit, P(second class).
    if (loss !== undefined && !binary) {
      problems.push({
        path: lossPath,
        message: `is ${loss.name}, but a last layer of 1 unit on 2 ` +
          `classes needs binary_crossentropy (labels 0/1, one ` +
          `probability per row); or give ${at}[${last}].units 2, one ` +
          'per class.',
      });
    }
  } else if (units !== data.classes) {
    const which = last === layers.length - 1 ? 'layer' : 'Dense layer';
    const one = data.classes === 2 && binary
      ? ' (or 1 with binary_crossentropy)'
      : '';
    problems.push({
      path: `${at}[${last}].units`,
      message: `the last ${which} has ${units} ` +
        `unit${units === 1 ? '' : 's'} but the data has ${data.classes} ` +
        `classes; give it ${data.classes}, one per class${one}.`,
    });
  }
  return problems;
}

/** The model's compiled loss, unless its `compile` is not a checked one. */
function compiledLoss(model: ModelConfig): Loss | undefined {
  try {
    return parseCompile(model.section['compile'],
      `${model.keyPath}.compile`).loss();
  } catch {
    // A config built in code, unchecked: the facade words the refusal.
    return undefined;
  }
}

/** The data checks of the torch runner, for every model at once. */
function torchProblems(model: ModelConfig, data: DataShape): Problem[] {
  return torchDataMismatches(
    parseTorchSection(model.section, model.keyPath), model.keyPath, data);
}
