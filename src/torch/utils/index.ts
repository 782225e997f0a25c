import { DataLoader } from './data/dataloader.js';
import { TensorDataset } from './data/dataset.js';

export type { DataLoaderOptions } from './data/dataloader.js';

/** Python: `torch.utils.data`. */
export const data = { DataLoader, TensorDataset };
export { DataLoader, TensorDataset };
