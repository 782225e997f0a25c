import { optionError } from '../../util/options.js';

export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * Whether a larger value of `monitor` is better, as Keras decides in
 * `auto` mode: losses and errors go down; accuracies go up.
 */
export function monitorIncreases(
  monitor: string,
  mode: MonitorMode,
  owner: string,
): boolean {
  if (mode === 'min') {
    return false;
  }
  if (mode === 'max') {
    return true;
  }
  const name = monitor.replace(/^val_/, '');
  if (name === 'loss' || /error|^mse$|^mae$|crossentropy/.test(name)) {
    return false;
  }
  if (/acc/.test(name)) {
    return true;
  }
  throw optionError(
    'mode',
    owner,
    `'min' or 'max' for monitor '${monitor}': it cannot be told from the ` +
      "name whether that metric should be maximized or minimized",
    mode,
  );
}
