export * from './sim-fault.js';
export * from './simulator.js';
export { SIM_STYLES } from './simulator-options.js';
