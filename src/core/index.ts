export * from './ids.js';
export * from './messages.js';
export * from './run-events.js';
export * from './run-state.js';
export * from './usage.js';
