import { describeRunStoreContract } from '../run-store.contract.js';
import { MemoryRunStore } from './memory-run-store.js';

describeRunStoreContract('MemoryRunStore', async () => ({ store: new MemoryRunStore() }));
