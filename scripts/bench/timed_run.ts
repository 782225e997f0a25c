/** What every timed training run reports, tfjs subject or Python peer. */
export interface TimedRun {
  batch: number;
  status: 'ok' | 'not available' | 'failed';
  /** Why the run failed or could not run. */
  reason?: string;
  /** Wall-clock seconds of the whole run. */
  seconds?: number;
  secondsPerEpoch?: number;
  /** Seconds of each epoch, when the subject measures them itself. */
  epochSeconds?: number[];
  epochs?: number;
  /** Mean training loss of the last epoch. */
  loss?: number;
}
