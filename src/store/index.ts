export * from './alert-store.js';
export * from './memory/memory-alert-store.js';
export * from './memory/memory-run-store.js';
export * from './run-store.js';
