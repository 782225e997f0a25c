// Loads a model saved by tfjs-trio with the plain tfjs browser bundle
// (global `tf`) and classifies MNIST test digits served as JSON. The result
// is also left in `window.trioResult` for the headless-browser test.
/* global tf */

const params = new URLSearchParams(location.search);
const statusLine = document.getElementById('status');

async function main() {
  if (params.has('backend')) {
    const ok = await tf.setBackend(params.get('backend'));
    if (!ok) {
      throw new Error(`backend '${params.get('backend')}' did not start`);
    }
  }
  await tf.ready();

  const model = await tf.loadLayersModel(
    params.get('model') ?? 'model/model.json');
  // What tfjs-trio stored beside the weights: classes, scaling, output.
  const trio = (model.getUserDefinedMetadata() ?? {}).trio ?? {};
  const units = model.outputs[0].shape[1];
  const classes = trio.classes ?? [...Array(units).keys()];
  const scale = trio.scale ?? 1;

  const count = params.get('count') ?? '10';
  const offset = params.get('offset') ?? '0';
  const response = await fetch(`digits.json?count=${count}&offset=${offset}`);
  const digits = await response.json();

  // Scale in float32 exactly as tfjs-trio does in Node: x / scale.
  const x = Float32Array.from(digits.pixels, (v) => v / scale);
  const probabilities = tf.tidy(() => {
    let y = model.predict(tf.tensor2d(x, [digits.rows, digits.cols]));
    if (trio.output === 'logits') {
      y = units === 1 ? tf.sigmoid(y) : tf.softmax(y);
    }
    if (units === 1) {
      y = tf.concat([tf.sub(1, y), y], 1);
    }
    return y.dataSync();
  });
  model.dispose();

  const k = classes.length;
  const predictions = [];
  for (let i = 0; i < digits.rows; i++) {
    const row = Array.from(probabilities.subarray(i * k, (i + 1) * k));
    const best = row.indexOf(Math.max(...row));
    predictions.push(classes[best]);
    draw(digits, i, classes[best], row[best]);
  }
  const right = predictions.filter((p, i) => p === digits.labels[i]).length;
  statusLine.textContent = `Backend ${tf.getBackend()}: ${right} of ` +
    `${digits.rows} digits right (facade: ${trio.facade ?? 'unknown'}).`;
  window.trioResult = {
    backend: tf.getBackend(),
    probabilities: Array.from(probabilities),
    predictions,
    labels: digits.labels,
  };
}

function draw(digits, i, predicted, p) {
  const side = Math.round(Math.sqrt(digits.cols));
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  canvas.style.width = `${side * 3}px`;
  canvas.style.height = `${side * 3}px`;
  const context = canvas.getContext('2d');
  const image = context.createImageData(side, side);
  for (let j = 0; j < digits.cols; j++) {
    const ink = 255 - digits.pixels[i * digits.cols + j];
    image.data.set([ink, ink, ink, 255], j * 4);
  }
  context.putImageData(image, 0, 0);
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  const truth = digits.labels[i];
  caption.textContent = `${predicted} (${(p * 100).toFixed(1)} %)` +
    (predicted === truth ? '' : ` — true ${truth}`);
  if (predicted !== truth) {
    caption.className = 'wrong';
  }
  figure.append(canvas, caption);
  document.getElementById('digits').append(figure);
}

main().catch((err) => {
  statusLine.textContent = `Error: ${err.message}`;
  window.trioError = err.message;
});
