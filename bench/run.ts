/** Runs every benchmark; each prints its numbers as a ratio against a baseline measured in the same run. */
import { benchStepOverhead } from './step-overhead.js';

await benchStepOverhead();
