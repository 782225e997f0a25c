/** Python: `torch.utils.data`. */
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { Dataset, TensorDataset } from './dataset.js';
export { defaultCollate, type Collated } from './collate.js';
