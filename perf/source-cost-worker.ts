/** One --source-mode's cost per order (perf/source-cost.ts), timed in a fresh thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { measureSourceCost, type SourceCostSpec } from './source-cost.js';

parentPort?.postMessage(measureSourceCost(workerData as SourceCostSpec));
