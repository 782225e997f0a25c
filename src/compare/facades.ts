import { kerasEntry } from '../keras/runner.js';
import { sklearnEntry } from '../sklearn/runner.js';
import { torchEntry } from '../torch/runner.js';
import type { FacadeEntry, FacadeName } from './types.js';

/** The three facades, by the name a config gives them. */
export const FACADE_ENTRIES: Record<FacadeName, FacadeEntry> = {
  sklearn: sklearnEntry,
  keras: kerasEntry,
  torch: torchEntry,
};
