/**
 * Speed of the torch facade against the same network written directly
 * against tfjs (src/reference/dense_network.ts), at the tutorial's batch
 * size 32 on an MNIST slice. Rounds alternate between the two so that the
 * load of a shared machine hits both alike; CPU time is reported next to
 * wall time because it is steadier under load.
 *
 *   node --import tsx scripts/torch_bench.ts [rows] [rounds]
 *
 * Defaults: 8000 rows (250 steps per epoch), 3 rounds of one epoch each.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend/select.js';
import { mnistMatrix } from '../src/data/mnist.js';
import { ReferenceDenseNetwork } from '../src/reference/dense_network.js';
import * as torch from '../src/torch/index.js';

const { nn, optim } = torch;
const ROWS = Number(process.argv[2] ?? 8000);
const ROUNDS = Number(process.argv[3] ?? 3);
const BATCH = 32;

await selectBackend(process.env.TRIO_BACKEND ?? 'wasm');
const { x, y } = mnistMatrix('train', { limit: ROWS });

class Tutorial extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  fc2 = new nn.Linear(128, 64);
  fc3 = new nn.Linear(64, 10);
  relu = new nn.ReLU();
  forward(t: tf.Tensor): tf.Tensor {
    t = this.relu(this.fc1(t));
    t = this.relu(this.fc2(t));
    return this.fc3(t);
  }
}

torch.manualSeed(0);
const net = new Tutorial();
const loss = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(net.parameters(), { lr: 1e-4 });
const X = torch.tensor(x);
const Y = torch.tensor(y, { dtype: torch.long });
const loader = new torch.utils.data.DataLoader(
  new torch.utils.data.TensorDataset(X, Y),
  { batchSize: BATCH, shuffle: true });

function torchEpoch(): number {
  let total = 0;
  for (const [xb, yb] of loader) {
    optimizer.zeroGrad();
    const lossValue = torch.backward(() => loss(net(xb!), yb!));
    optimizer.step();
    total += torch.item(lossValue);
  }
  return total / loader.length;
}

const reference = new ReferenceDenseNetwork(784, 10, { learningRate: 1e-4 });
function referenceEpoch(): number {
  return reference.fit(x, y, { epochs: 1, batchSize: BATCH }).lossCurve[0]!;
}

function measure(fn: () => number): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

// Warm-up: compile kernels, create optimizer state.
measure(torchEpoch);
measure(referenceEpoch);
const sums = { torch: { wall: 0, cpu: 0 }, reference: { wall: 0, cpu: 0 } };
const steps = Math.ceil(ROWS / BATCH);
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of [['reference', referenceEpoch],
    ['torch', torchEpoch]] as const) {
    const m = measure(fn);
    sums[name].wall += m.wall;
    sums[name].cpu += m.cpu;
    console.log(`round ${r + 1} ${name.padEnd(9)} ` +
      `${(m.wall / steps).toFixed(3)} ms/step wall, ` +
      `${(m.cpu / steps).toFixed(3)} ms/step cpu`);
  }
}
const ratio = (k: 'wall' | 'cpu') => sums.torch[k] / sums.reference[k];
console.log(`torch / reference: wall ${ratio('wall').toFixed(3)}, ` +
  `cpu ${ratio('cpu').toFixed(3)} (${ROUNDS} rounds of ${steps} steps)`);
console.log(`tensors alive: ${tf.memory().numTensors}`);
