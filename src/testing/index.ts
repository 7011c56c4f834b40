export {
  type RunningSimulator,
  type SimFault,
  type SimScriptedCall,
  type SimToolScript,
  type SimulatorOptions,
  scriptSimTools,
  startSimulator,
} from '../sim/index.js';
export { MemoryRunStore } from '../store/memory/memory-run-store.js';
export { sampleRunLog } from '../store/sample-run-log.js';
export { playPattern } from '../teams/play-pattern.js';
export * from './scripted-provider.js';
