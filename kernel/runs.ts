// Lines of statuses that do not count, when a time span must still see them (its summary counts lines of every
// status in or out of it): the CLF kernel hands them back to JS (src/scan/analysis-scanner.ts countOthers) one
// record per run of consecutive such lines within one second, not one per line. Whether a line is in the span
// depends only on its second and on the newest second seen, so one record per second decides the same.
//
// A run's record: lineStart, lineEnd, clientStart, clientEnd 0, the column, the number of lines (where a line's
// record has its status) and the newest stamp. A scan call may so write maxRecords + 1 records (JS makes room).

/** clf.ts RECORD_BYTES (not imported: clf.ts imports this file). */
const RECORD_BYTES: usize = 32;

/** The statuses' column + 1 (as in the WANTED table); 0: none, every line has its record. */
export let othersColumn: u32 = 0;
let runCount: u32 = 0;
let runSecond: f64 = 0;
let runStamp: f64 = 0;

export function othersInit(column: u32): void {
  othersColumn = column;
}

/** Adds a line at `stamp` to the run, first writing the run before it when its second differs; returns the records. */
export function addToRun(out: usize, n: u32, stamp: f64): u32 {
  const second = Math.floor(stamp / 4096);
  if (runCount > 0 && second == runSecond) {
    runCount++;
    if (stamp > runStamp) runStamp = stamp;
    return n;
  }
  n = flushRun(out, n);
  runCount = 1;
  runSecond = second;
  runStamp = stamp;
  return n;
}

/** Writes the run as record n, if there is one; returns the records. */
export function flushRun(out: usize, n: u32): u32 {
  if (runCount == 0) return n;
  const record = out + <usize>n * RECORD_BYTES;
  store<u32>(record, 0);
  store<u32>(record, 0, 4);
  store<u32>(record, 0, 8);
  store<u32>(record, 0, 12);
  store<u32>(record, othersColumn - 1, 16);
  store<u32>(record, runCount, 20);
  store<f64>(record, runStamp, 24);
  runCount = 0;
  return n + 1;
}
