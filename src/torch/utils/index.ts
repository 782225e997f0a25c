export * as data from './data/index.js';
export {
  DataLoader,
  Dataset,
  TensorDataset,
  defaultCollate,
  type Collated,
  type DataLoaderOptions,
} from './data/index.js';
