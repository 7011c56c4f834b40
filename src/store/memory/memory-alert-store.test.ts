import { describeAlertStoreContract } from '../alert-store.contract.js';
import { MemoryAlertStore } from './memory-alert-store.js';

describeAlertStoreContract('MemoryAlertStore', async () => ({ store: new MemoryAlertStore() }));
