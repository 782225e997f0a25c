// `--report` into the folder of an earlier run left the charts of models
// no longer in the config (`sk-loss.svg`...) beside the new page.
// writeReport now deletes the charts the earlier page showed and this one
// does not, and nothing else.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeReport, type ModelResult } from '../../src/report/index.js';

function result(name: string): ModelResult {
  return {
    name, facade: 'sklearn', backend: 'wasm', epochs: 2, trainSeconds: 1,
    accuracy: 0.5, macroF1: 0.5, lossCurve: [0.9, 0.5],
    confusion: [[1, 1], [0, 2]], report: 'text\n', classes: [0, 1],
  };
}

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'trio-stale-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true });
});

describe('writeReport into the folder of an earlier report', () => {
  it('deletes the charts of models no longer compared', async () => {
    await writeReport(folder, [result('sk'), result('ke')]);
    // The user's own files, one named like a chart.
    await writeFile(path.join(folder, 'notes.txt'), 'mine');
    await writeFile(path.join(folder, 'my-loss.svg'), '<svg/>');

    const written = await writeReport(folder, [result('ke')]);
    expect(written.removed).toEqual([
      path.join(folder, 'sk-loss.svg'),
      path.join(folder, 'sk-confusion.svg'),
    ]);
    expect((await readdir(folder)).sort()).toEqual([
      'ke-confusion.svg', 'ke-loss.svg', 'my-loss.svg', 'notes.txt',
      'report.html',
    ]);
  });

  it('touches nothing without an earlier page', async () => {
    await writeFile(path.join(folder, 'sk-loss.svg'), '<svg/>');
    const written = await writeReport(folder, [result('ke')]);
    expect(written.removed).toEqual([]);
    expect(await readdir(folder)).toContain('sk-loss.svg');
  });

  it('deletes no file a hand-edited page names outside its own', async () => {
    await writeReport(folder, [result('sk')]);
    const page = path.join(folder, 'report.html');
    const text = await readFile(page, 'utf8');
    await writeFile(page, text.replace('id="sk-loss"',
      'id="../outside-loss"').replace('id="sk-confusion"', 'id="notes"'));
    await writeFile(path.join(folder, 'notes.svg'), '<svg/>');

    const written = await writeReport(folder, [result('ke')]);
    expect(written.removed).toEqual([]);
    expect((await readdir(folder)).sort()).toEqual([
      'ke-confusion.svg', 'ke-loss.svg', 'notes.svg', 'report.html',
      'sk-confusion.svg', 'sk-loss.svg',
    ]);
  });
});
