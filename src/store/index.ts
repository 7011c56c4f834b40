export * from './memory/memory-run-store.js';
export * from './run-store.js';
