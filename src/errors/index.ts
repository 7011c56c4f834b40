export * from './agentmesh-error.js';
export * from './budget-exceeded-error.js';
export * from './error-codes.js';
export * from './llm-call-error.js';
