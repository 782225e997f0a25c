/**
 * Measurement (not a test): the tutorial's scikit-learn settings through
 * the sklearn facade on the full MNIST (60,000 train / 10,000 test rows,
 * pixels / 255). scikit-learn 1.2.1 reaches 0.9826 test accuracy here.
 *
 *   node --import tsx scripts/sklearn_mnist.ts [--backend wasm]
 *     [--max-iter 50] [--json out.json]
 */
import * as fs from 'node:fs';
import { selectBackend } from '../src/backend/select.js';
import { mnistMatrix } from '../src/data/mnist.js';
import { ConsoleReporter } from '../src/reporter.js';
import { MLPClassifier } from '../src/sklearn/mlp_classifier.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

const backend = await selectBackend(flag('--backend'));
const maxIter = Number(flag('--max-iter') ?? 50);
const train = mnistMatrix('train', { scale: 255 });
const test = mnistMatrix('test', { scale: 255 });
console.log(`backend: ${backend.name}; train ${train.x.rows} rows, test ` +
  `${test.x.rows} rows`);

// Per-epoch wall times from the end-of-epoch progress events.
const console_ = new ConsoleReporter();
const epochSeconds: number[] = [];
const clf = new MLPClassifier({
  hiddenLayerSizes: [128, 64], activation: 'relu', solver: 'adam',
  verbose: true, randomState: 42, maxIter,
  reporter: {
    line: (text) => console_.line(text),
    warn: (w) => console_.warn(w),
    progress: (e) => {
      if (e.logs.loss !== undefined) {
        epochSeconds.push(e.elapsed);
      }
    },
  },
});
const started = performance.now();
await clf.fit(train.x, Array.from(train.y));
const seconds = (performance.now() - started) / 1000;
const accuracy = clf.score(test.x, Array.from(test.y));
const mean = epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length;
const result = {
  backend: backend.name,
  nIter: clf.nIter,
  finalLoss: clf.loss,
  testAccuracy: accuracy,
  trainSeconds: seconds,
  meanEpochSeconds: mean,
  minEpochSeconds: Math.min(...epochSeconds),
  maxEpochSeconds: Math.max(...epochSeconds),
};
console.log(JSON.stringify(result, null, 2));
const out = flag('--json');
if (out !== undefined) {
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}
clf.dispose();
