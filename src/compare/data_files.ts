import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ComparisonConfig } from '../config/comparison_config.js';
import { refuse, shownPath, type Problem } from './refusal.js';

/**
 * Refuses `dataset.train` and `dataset.test` paths that name no file,
 * before the backend starts. Paths stay relative to where trio runs (as
 * pandas reads them); the message says so, names the folder they were
 * looked for in and, when the path names a file beside the config
 * instead, gives the path to write.
 */
export function checkDataFiles(
  config: ComparisonConfig,
  cwd = process.cwd(),
): void {
  if (config.dataset.source === 'mnist') {
    // The bundled MNIST is written to these paths when they are absent.
    return;
  }
  const problems: Problem[] = [];
  for (const split of ['train', 'test'] as const) {
    const given = config.dataset[split];
    if (!fs.existsSync(path.resolve(cwd, given))) {
      problems.push({
        path: `dataset.${split}`,
        message: missingFile(given, config.file, cwd),
      });
    }
  }
  refuse(problems, config, 'the data files do not exist');
}

function missingFile(
  given: string,
  configFile: string | undefined,
  cwd: string,
): string {
  if (path.isAbsolute(given)) {
    return `${given}: the file does not exist.`;
  }
  const missing = `${given}: the file does not exist in ${cwd} (paths ` +
    'are relative to where trio runs)';
  const besideConfig = configFile === undefined
    ? undefined
    : path.resolve(path.dirname(configFile), given);
  if (besideConfig === undefined || !isFile(besideConfig)) {
    return `${missing}.`;
  }
  return `${missing}; ${shownPath(besideConfig, cwd)} exists, so write ` +
    'that path.';
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}
