// A worker thread of the converter: writes the events of one log in some of the formats (derived.ts splits them
// over two workers, so that the 1 GiB workload's nine files take half the time).

import { parentPort, workerData } from 'node:worker_threads';
import { convertCombined, TARGET_FORMATS, type FormatId } from './convert.js';

const { source, targets } = workerData as { source: string; targets: Array<[FormatId, string]> };
const byId = new Map(TARGET_FORMATS.map((f) => [f.id, f]));
const result = await convertCombined(source, new Map(targets.map(([id, path]) => [byId.get(id)!, path])));
parentPort!.postMessage(result);
