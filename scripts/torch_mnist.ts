/**
 * The tutorial's PyTorch block, ported line by line to the torch facade,
 * on the full MNIST (60,000 training rows, 10,000 test rows). Prints the
 * tutorial's per-epoch line plus the epoch's seconds, then the accuracy.
 *
 *   node --import tsx scripts/torch_mnist.ts [epochs] [evalEvery]
 *
 * Defaults: 50 epochs (the tutorial's), test accuracy printed every 5.
 * Environment: TRIO_BACKEND (default wasm), SEED (default 42).
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend/select.js';
import { mnistMatrix } from '../src/data/mnist.js';
import * as torch from '../src/torch/index.js';

const { nn, optim } = torch;
const { DataLoader, TensorDataset } = torch.utils.data;

const EPOCHS = Number(process.argv[2] ?? 50);
const EVAL_EVERY = Number(process.argv[3] ?? 5);
const backend = await selectBackend(process.env.TRIO_BACKEND ?? 'wasm');
console.log(`backend: ${backend.name}`);
torch.manualSeed(Number(process.env.SEED ?? 42));

// --- the data, scaled to [0, 1] (the tutorial divides by 255)
const train = mnistMatrix('train');
const test = mnistMatrix('test');
const X_train_tensor = torch.tensor(train.x, { dtype: torch.float32 });
const X_test_tensor = torch.tensor(test.x, { dtype: torch.float32 });
const Y_train_tensor = torch.tensor(train.y, { dtype: torch.long });
const Y_test_tensor = torch.tensor(test.y, { dtype: torch.long });
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

function evaluate(net: model): number {
  net.eval();
  let correct_pred = 0;
  let total_pred = 0;
  torch.noGrad(() => {
    for (const [x, y] of test_loader) {
      const output = net(x!);
      const predictions = torch.argmax(output, 1);
      correct_pred += torch.countEqual(predictions, y!);
      total_pred += torch.size(y!, 0);
    }
  });
  net.train();
  return correct_pred / total_pred;
}

const py_NN = new model();
const loss = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(py_NN.parameters(), { lr: 0.0001 });
py_NN.train();
const started = performance.now();
for (let epochs = 0; epochs < EPOCHS; epochs++) {
  const t0 = performance.now();
  let total_loss = 0.0;
  for (const [x, y] of train_loader) {
    optimizer.zeroGrad();
    const loss_value = torch.backward(() => loss(py_NN(x!), y!));
    optimizer.step();
    total_loss += torch.item(loss_value);
  }
  const avg_loss = total_loss / train_loader.length;
  const seconds = (performance.now() - t0) / 1000;
  let line = `Epoch ${epochs + 1}/${EPOCHS}, Loss: ${avg_loss}` +
    `  [${seconds.toFixed(1)} s, tensors ${tf.memory().numTensors}]`;
  if (EVAL_EVERY > 0 && (epochs + 1) % EVAL_EVERY === 0) {
    line += `  test accuracy ${evaluate(py_NN).toFixed(4)}`;
  }
  console.log(line);
}

py_NN.eval();
const accuracy = evaluate(py_NN);
console.log(`Accuracy: ${accuracy}`);
console.log(`total training seconds: ` +
  `${((performance.now() - started) / 1000).toFixed(1)}`);
