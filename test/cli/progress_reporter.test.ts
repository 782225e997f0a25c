import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  TerminalReporter,
  formatSeconds,
  renderBar,
} from '../../src/cli/progress_reporter.js';
import { ConvergenceWarning } from '../../src/errors.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

describe('renderBar', () => {
  it('shows model, epoch, steps, elapsed, ETA and logs', () => {
    // Half way after 10 s: ETA = 10 s; 10 of 20 cells filled.
    const text = renderBar({
      model: 'keras', epoch: 2, epochs: 5, step: 150, steps: 300,
      elapsed: 10, logs: { loss: 0.12345 },
    });
    expect(text).toBe(
      'keras  epoch 2/5  [##########----------] 150/300  10s<10s  ' +
        'loss: 0.1235',
    );
  });

  it('formats seconds as s, then m:ss', () => {
    expect(formatSeconds(9.4)).toBe('9s');
    expect(formatSeconds(75)).toBe('1:15');
    expect(formatSeconds(NaN)).toBe('?');
  });
});

describe('TerminalReporter', () => {
  it('prints lines only when the output is not a terminal', () => {
    const out = capture();
    const err = capture();
    const reporter = new TerminalReporter(
      out.stream as unknown as NodeJS.WriteStream, err.stream, false);
    reporter.progress({
      epoch: 1, epochs: 1, step: 1, steps: 2, elapsed: 1, logs: {},
    });
    reporter.line('Iteration 1, loss = 0.50000000');
    reporter.warn(new ConvergenceWarning('not converged'));
    expect(out.text()).toBe('Iteration 1, loss = 0.50000000\n');
    expect(err.text()).toBe('ConvergenceWarning: not converged\n');
  });

  it('draws a bar on a terminal and clears it before a line', () => {
    const out = capture();
    const reporter = new TerminalReporter(
      out.stream as unknown as NodeJS.WriteStream, capture().stream, true);
    reporter.progress({
      epoch: 1, epochs: 1, step: 2, steps: 2, elapsed: 1, logs: {},
    });
    reporter.line('done');
    expect(out.text()).toBe(
      '\r' + 'epoch 1/1  [####################] 2/2  1s<0s' + '\x1b[K' +
        '\r\x1b[K' + 'done\n',
    );
  });
});
