import { selectBackend } from '../src/backend/select.js';

// Tests run on the same default backend as users (wasm here), unless
// TRIO_BACKEND names another.
await selectBackend(process.env.TRIO_BACKEND);
