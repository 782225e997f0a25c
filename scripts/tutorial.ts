/**
 * The Python tutorial (shared/tutorial/mnist_three_frameworks.py), ported
 * step by step to tfjs-trio using only its public API, as a user who knows
 * the Python would write it: pandas inspection, scikit-learn's
 * MLPClassifier, a Keras Sequential model and a PyTorch training loop.
 * docs/PORTING.md puts each line beside its Python.
 *
 *   npm run tutorial -- [--rows N] [--test-rows N] [--epochs N]
 *     [--backend node|wasm|cpu] [--seed N]
 *
 * --rows / --test-rows  use the first N rows of each file (a slice)
 * --epochs              epochs of all three models (default 50, as the
 *                       tutorial: max_iter=50, epochs=50, range(50))
 * --backend             tfjs backend (default: the fastest that starts)
 * --seed                also seed Keras and PyTorch (the tutorial seeds
 *                       only scikit-learn, with random_state=42)
 *
 * The CSV files are data/mnist_train.csv and data/mnist_test.csv; the
 * bundled MNIST is written there first when they are absent.
 */
import * as tf from '@tensorflow/tfjs';
import {
  classificationReport,
  confusionMatrix,
  describe,
  ensureMnistCsv,
  formatConfusionMatrix,
  formatDescribe,
  formatHead,
  formatValueCounts,
  keras,
  loadCsv,
  selectBackend,
  sklearn,
  sliceRows,
  torch,
  valueCounts,
  type Dataset,
} from '../src/index.js';

const { layers } = keras;
const { nn, optim } = torch;
const { TensorDataset, DataLoader } = torch.utils.data;

const OPTIONS = ['rows', 'test-rows', 'epochs', 'backend', 'seed'];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--') && !OPTIONS.includes(arg.slice(2))) {
    throw new Error(`unknown option ${arg}; the options are ` +
      `${OPTIONS.map((o) => `--${o}`).join(', ')}.`);
  }
}

/** `--name value` from the command line, or undefined. */
function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `--name N`, a whole number >= `least`, or undefined. */
function count(name: string, least = 1): number | undefined {
  const text = option(name);
  if (text === undefined) {
    return undefined;
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < least) {
    throw new Error(
      `--${name} must be a whole number >= ${least}; got '${text}'.`);
  }
  return n;
}

const ROWS = count('rows');
const TEST_ROWS = count('test-rows');
const EPOCHS = count('epochs') ?? 50;
const SEED = count('seed', 0);

const backend = await selectBackend(option('backend'));
console.log(`backend: ${backend.name}`);
if (SEED !== undefined) {
  keras.utils.setRandomSeed(SEED);
  torch.manualSeed(SEED);
}

/** `df.iloc[:n]`: the first `n` rows of a loaded file. */
function firstRows(data: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= data.rows) {
    return data;
  }
  return { ...data, x: sliceRows(data.x, 0, n), y: data.y.slice(0, n),
    rows: n };
}

// --- read and inspect the data
// Not in the tutorial: write the bundled MNIST when the files are absent.
await ensureMnistCsv('data/mnist_train.csv', 'data/mnist_test.csv');
let train = await loadCsv('data/mnist_train.csv');
let test = await loadCsv('data/mnist_test.csv');
// Not in the tutorial: --rows and --test-rows keep the first rows.
train = firstRows(train, ROWS);
test = firstRows(test, TEST_ROWS);
// shape counts the label column too, as pandas does.
console.log('Shape of train: ', `(${train.rows}, ${train.x.cols + 1})`);
console.log('Shape of test: ', `(${test.rows}, ${test.x.cols + 1})`);
console.log(formatHead(train, { columns: 20 }));
console.log(formatDescribe(describe(train)));
console.log(formatValueCounts(valueCounts(train.y), train.labelName));

// --- split labels from features, scale to [0, 1]
// loadCsv has already split the label column off: train.x, train.y.
// Dataset.y is typed Int32Array | string[]; Keras's fit takes numbers.
let X_train = train.x;
const Y_train = train.y as Int32Array;
let X_test = test.x;
const Y_test = test.y as Int32Array;
X_train = { ...X_train, data: X_train.data.map((v) => v / 255) };
X_test = { ...X_test, data: X_test.data.map((v) => v / 255) };

// Each block is in braces: the Python reuses the names `loss` and
// `accuracy`, which a const cannot be declared twice.

// --- scikit-learn
{
  const sk_NN = new sklearn.MLPClassifier({
    hiddenLayerSizes: [128, 64], activation: 'relu', solver: 'adam',
    verbose: true, randomState: 42, maxIter: EPOCHS,
  });
  await sk_NN.fit(X_train, Y_train);
  const y_pred = sk_NN.predict(X_test);
  console.log(classificationReport(Y_test, y_pred));
  // Not in the tutorial: the accuracy line the other two blocks print,
  // and the confusion matrix it imports (Python: print(confusion_matrix(
  // Y_test, y_pred))).
  console.log('Accuracy: ', sk_NN.score(X_test, Y_test));
  console.log(formatConfusionMatrix(confusionMatrix(Y_test, y_pred)));
}

// --- TensorFlow / Keras
{
  const tf_NN = keras.Sequential([
    layers.Dense(128, { activation: 'relu', inputShape: [784] }),
    layers.Dense(64, { activation: 'relu' }),
    layers.Dense(10, { activation: 'softmax' }),
  ]);
  tf_NN.compile({ optimizer: 'adam',
    loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  await tf_NN.fit(X_train, Y_train, { epochs: EPOCHS, batchSize: 10000,
    validationData: [X_test, Y_test] });
  const [loss, accuracy] = tf_NN.evaluate(X_test, Y_test);
  console.log('Accuracy: ', accuracy);
  // Not in the tutorial: the test loss, and the report of the most
  // probable class (Python: np.argmax(tf_NN.predict(X_test), axis=1)).
  console.log('Loss: ', loss);
  const probabilities = tf_NN.predict(X_test);
  const classes = probabilities.argMax(1);
  console.log(classificationReport(Y_test, classes.dataSync()));
  tf.dispose([probabilities, classes]);
}

// --- PyTorch
{
  const X_train_tensor = torch.tensor(X_train, { dtype: torch.float32 });
  const X_test_tensor = torch.tensor(X_test, { dtype: torch.float32 });
  const Y_train_tensor = torch.tensor(Y_train, { dtype: torch.long });
  const Y_test_tensor = torch.tensor(Y_test, { dtype: torch.long });
  const train_dataset = new TensorDataset(X_train_tensor, Y_train_tensor);
  const test_dataset = new TensorDataset(X_test_tensor, Y_test_tensor);
  const train_loader = new DataLoader(train_dataset,
    { batchSize: 32, shuffle: true });
  const test_loader = new DataLoader(test_dataset,
    { batchSize: 32, shuffle: false });

  class model extends nn.Module {
    fc1 = new nn.Linear(784, 128);
    fc2 = new nn.Linear(128, 64);
    fc3 = new nn.Linear(64, 10);
    relu = new nn.ReLU();

    forward(x: tf.Tensor): tf.Tensor {
      x = this.relu(this.fc1(x));
      x = this.relu(this.fc2(x));
      x = this.fc3(x); // logits
      return x;
    }
  }

  const py_NN = new model();
  const loss = new nn.CrossEntropyLoss();
  const optimizer = new optim.Adam(py_NN.parameters(), { lr: 0.0001 });
  py_NN.train();
  for (let epochs = 0; epochs < EPOCHS; epochs++) {
    let total_loss = 0.0;
    for (const [x, y] of train_loader) {
      optimizer.zeroGrad();
      // output = py_NN(x); loss_value = loss(output, y);
      // loss_value.backward(): one closure, see docs/PORTING.md.
      const loss_value = torch.backward(() => loss(py_NN(x), y));
      optimizer.step();
      total_loss += torch.item(loss_value);
    }
    const avg_loss = total_loss / train_loader.length;
    console.log(`Epoch ${epochs + 1}/${EPOCHS}, Loss: ${avg_loss}`);
  }

  py_NN.eval();
  let correct_pred = 0;
  let total_pred = 0;
  const classes: number[] = []; // not in the tutorial: for the report
  torch.noGrad(() => {
    for (const [x, y] of test_loader) {
      const output = py_NN(x);
      const predictions = torch.argmax(output, 1);
      correct_pred += torch.countEqual(predictions, y);
      total_pred += torch.size(y, 0);
      classes.push(...predictions.dataSync());
    }
  });
  const accuracy = correct_pred / total_pred;
  console.log(`Accuracy: ${accuracy}`);
  // Not in the tutorial: the report of the PyTorch model.
  console.log(classificationReport(Y_test, classes));
}
