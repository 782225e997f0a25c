/**
 * What the benchmark trains: the reference loop written directly against
 * tfjs, and each facade through its config entry (`FacadeEntry`), the
 * same path `trio compare` takes. Adding a facade is one entry in
 * `FACADE_SECTIONS`.
 */
import * as tf from '@tensorflow/tfjs';
import type {
  FacadeEntry,
  FacadeName,
  TrainingData,
} from '../../src/compare/types.js';
import { ReferenceDenseNetwork } from
  '../../src/reference/dense_network.js';
import { silentReporter } from '../../src/reporter.js';

export interface TrainSettings {
  batchSize: number;
  epochs: number;
  seed: number;
}

export interface TrainOutcome {
  /** Wall-clock seconds of the whole run: model set-up and data upload
   * included, evaluation excluded. */
  seconds: number;
  /** Seconds of each epoch, when the subject measures them itself. */
  epochSeconds?: number[];
  epochs: number;
  /** Mean training loss of the last epoch. */
  loss: number;
}

export interface Subject {
  name: string;
  train(data: TrainingData, settings: TrainSettings): Promise<TrainOutcome>;
}

/** A subject, or why it cannot run in this checkout. */
export type Loaded = Subject | { name: string; unavailable: string };

/** The tutorial network (784-128-64-10, relu, Adam 1e-3) in plain tfjs. */
export const referenceSubject: Subject = {
  name: 'reference',
  train: (data, settings) => trainReference(data, settings, 0),
};

/**
 * The reference loop doing the work scikit-learn's model always does on
 * top: the penalty 0.5 * alpha * sum(||W||^2) / batch (alpha 1e-4, weight
 * matrices only) added to each batch's loss and differentiated by tfjs,
 * as a careful tfjs user would write it. It is "the same model written
 * directly against tfjs" for the sklearn facade.
 */
export const referenceL2Subject: Subject = {
  name: 'reference+l2',
  train: (data, settings) => trainReference(data, settings, 1e-4),
};

async function trainReference(
  data: TrainingData,
  settings: TrainSettings,
  alpha: number,
): Promise<TrainOutcome> {
  const start = performance.now();
  const net = new ReferenceDenseNetwork(data.x.cols, data.classes.length, {
    hiddenLayerSizes: [128, 64],
    learningRate: 0.001,
    seed: settings.seed,
  });
  if (alpha > 0) {
    // src/reference stays unchanged: its optimizer's minimize is wrapped.
    const opt = net.optimizer;
    const minimize = opt.minimize.bind(opt);
    const n = Math.min(settings.batchSize, data.x.rows);
    opt.minimize = (f, returnCost, varList) => minimize(() => {
      const squares = tf.addN(net.weights.map((w) => tf.sum(tf.square(w))));
      return tf.add(f(), tf.mul(squares, (0.5 * alpha) / n)) as tf.Scalar;
    }, returnCost, varList);
  }
  const fit = net.fit(data.x, data.y, {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
  });
  const seconds = (performance.now() - start) / 1000;
  net.dispose();
  return {
    seconds,
    epochSeconds: fit.epochSeconds,
    epochs: settings.epochs,
    loss: fit.lossCurve.at(-1)!,
  };
}

/**
 * The tutorial network in each facade's config spelling, at the batch
 * size and epoch count of the run. Same optimizer (Adam, lr 0.001) and no
 * metrics or validation, so every subject does the same work.
 */
const FACADE_SECTIONS: Record<
  FacadeName,
  (s: TrainSettings) => Record<string, unknown>
> = {
  sklearn: (s) => ({
    args: {
      hidden_layer_sizes: [128, 64],
      activation: 'relu',
      solver: 'adam',
      batch_size: s.batchSize,
      max_iter: s.epochs,
      random_state: s.seed,
    },
  }),
  keras: (s) => ({
    layers: [
      { type: 'Dense', units: 128, activation: 'relu', input_shape: [784] },
      { type: 'Dense', units: 64, activation: 'relu' },
      { type: 'Dense', units: 10, activation: 'softmax' },
    ],
    compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy' },
    fit: { epochs: s.epochs, batch_size: s.batchSize },
  }),
  torch: (s) => ({
    model: [
      { type: 'Linear', in_features: 784, out_features: 128 },
      'ReLU',
      { type: 'Linear', in_features: 128, out_features: 64 },
      'ReLU',
      { type: 'Linear', in_features: 64, out_features: 10 },
    ],
    loss: 'CrossEntropyLoss',
    optimizer: { type: 'Adam', lr: 0.001 },
    dataloader: { batch_size: s.batchSize, shuffle: true },
    epochs: s.epochs,
  }),
};

export const FACADE_NAMES = Object.keys(FACADE_SECTIONS) as FacadeName[];

/**
 * Loads a facade from `src/<facade>/index.ts` (its public API), taking its
 * `<facade>Entry` from there or, failing that, from its `runner.ts`.
 */
export async function loadFacade(facade: FacadeName): Promise<Loaded> {
  const entryName = `${facade}Entry`;
  let entry: FacadeEntry | undefined;
  try {
    const index = await import(`../../src/${facade}/index.js`);
    entry = index[entryName];
  } catch (err) {
    return { name: facade, unavailable: importProblem(err, facade, 'index') };
  }
  if (entry === undefined) {
    try {
      const runner = await import(`../../src/${facade}/runner.js`);
      entry = runner[entryName];
    } catch (err) {
      return {
        name: facade,
        unavailable: importProblem(err, facade, 'runner'),
      };
    }
  }
  if (entry === undefined) {
    return {
      name: facade,
      unavailable: `src/${facade} exports no ${entryName}`,
    };
  }
  const found = entry;
  return {
    name: facade,
    async train(data, settings) {
      const section = FACADE_SECTIONS[facade](settings);
      found.check(section, `bench.${facade}`);
      const start = performance.now();
      const model = await found.run(section, `bench.${facade}`, data, {
        reporter: silentReporter,
        model: facade,
        seed: settings.seed,
      });
      const seconds = (performance.now() - start) / 1000;
      const outcome = {
        seconds,
        epochs: model.epochs,
        loss: model.lossCurve.at(-1) ?? Number.NaN,
      };
      model.dispose();
      return outcome;
    },
  };
}

function importProblem(err: unknown, facade: string, file: string): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const missing = /Cannot find module '([^']+)'/.exec(message)?.[1] ?? '';
  if (
    code === 'ERR_MODULE_NOT_FOUND' &&
    missing.includes(`/src/${facade}/${file}.`)
  ) {
    return `not available (no src/${facade}/${file}.ts yet)`;
  }
  return `failed to load: ${message.split('\n')[0]}`;
}

/**
 * A subject by its benchmark name: `reference`, `reference+l2` or a
 * facade (see `loadFacade`).
 */
export async function loadSubject(name: string): Promise<Loaded> {
  return name === 'reference' ? referenceSubject
    : name === 'reference+l2' ? referenceL2Subject
    : loadFacade(name as FacadeName);
}

/** Tensors alive now, to spot a subject that leaks. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
