import type { TopLevelSpec } from 'vega-lite';
import type { ModelResult } from './types.js';

/** Series names in the loss chart's legend. */
export const LOSS_SERIES = ['training', 'validation'] as const;

/** Above this many classes the heatmap drops the count in each cell. */
const MAX_CLASSES_WITH_COUNTS = 20;

/** Above this many epochs the loss lines drop the point at each epoch. */
const MAX_EPOCHS_WITH_POINTS = 20;

/**
 * Vega-Lite spec of a model's loss per epoch: one line for training and,
 * when the model has one, one for validation. Epochs count from 1, as
 * Keras prints them; non-finite losses are left out (the line breaks
 * there). Each epoch gets a point when there are at most 20.
 */
export function lossChartSpec(result: ModelResult): TopLevelSpec {
  const values: { epoch: number; loss: number | null; curve: string }[] =
    [];
  const add = (curve: readonly number[] | undefined, name: string): void => {
    curve?.forEach((loss, i) => {
      values.push({
        epoch: i + 1,
        loss: Number.isFinite(loss) ? loss : null,
        curve: name,
      });
    });
  };
  add(result.lossCurve, LOSS_SERIES[0]);
  add(result.valLossCurve, LOSS_SERIES[1]);
  const epochs = Math.max(
    result.lossCurve.length,
    result.valLossCurve?.length ?? 0,
  );
  return {
    title: `${result.name}: loss per epoch`,
    width: 360,
    height: 220,
    data: { values },
    mark: {
      type: 'line',
      point: epochs <= MAX_EPOCHS_WITH_POINTS,
    },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epoch',
        // Epochs count from 1: without a domain, long curves got an
        // axis from 0 and short ones an axis from 1.
        scale: { domain: [1, Math.max(epochs, 2)], nice: false },
        axis: { tickMinStep: 1, format: 'd' },
      },
      y: {
        field: 'loss',
        type: 'quantitative',
        title: 'loss',
        scale: { zero: false },
      },
      color: {
        field: 'curve',
        type: 'nominal',
        title: null,
        scale: {
          domain: result.valLossCurve?.length
            ? [...LOSS_SERIES]
            : [LOSS_SERIES[0]],
        },
      },
    },
  };
}

/**
 * Vega-Lite spec of a model's confusion matrix as a heatmap: true labels
 * down the side, predicted labels along the top, darker cells for larger
 * counts, and the count written in each cell (up to 20 classes).
 */
export function confusionChartSpec(result: ModelResult): TopLevelSpec {
  const names = result.classes.map(String);
  const n = names.length;
  const cells: { truth: string; predicted: string; count: number }[] = [];
  let largest = 0;
  result.confusion.forEach((row, i) => {
    row.forEach((count, j) => {
      cells.push({ truth: names[i]!, predicted: names[j]!, count });
      largest = Math.max(largest, count);
    });
  });
  const cell = Math.max(12, Math.min(36, Math.floor(400 / Math.max(n, 1))));
  const position = {
    x: {
      field: 'predicted',
      type: 'ordinal' as const,
      sort: names,
      title: 'predicted label',
      axis: { orient: 'top' as const, labelAngle: 0 },
    },
    y: {
      field: 'truth',
      type: 'ordinal' as const,
      sort: names,
      title: 'true label',
    },
  };
  const rect = {
    mark: { type: 'rect' as const },
    encoding: {
      ...position,
      // Empty cells are white: on a linear scale up to a thousand, the
      // few mistakes of a good model would otherwise look like no
      // mistake at all.
      color: {
        condition: { test: 'datum.count === 0', value: 'white' },
        field: 'count',
        type: 'quantitative' as const,
        title: 'count',
        scale: { scheme: 'blues', domainMin: 0 },
      },
    },
  };
  const text = {
    mark: { type: 'text' as const, fontSize: 10 },
    encoding: {
      ...position,
      text: { field: 'count', type: 'quantitative' as const, format: 'd' },
      color: {
        condition: {
          test: `datum.count > ${largest / 2}`,
          value: 'white',
        },
        value: 'black',
      },
    },
  };
  return {
    title: `${result.name}: confusion matrix`,
    width: cell * n,
    height: cell * n,
    data: { values: cells },
    layer: n <= MAX_CLASSES_WITH_COUNTS ? [rect, text] : [rect],
  };
}
