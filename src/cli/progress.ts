// A progress bar on stderr, only on a terminal and only once a run has taken long enough to want one. With a
// total (files): bar, percentage, MiB done of the total, rate and ETA, the bar shortened so that the rest fits
// the terminal (60 columns keep rate and ETA). Without one (a pipe among the inputs): MiB read and the rate,
// no bar, no percentage that would sit at 99 % for the whole run.

import type cliProgress from 'cli-progress';

const SHOW_AFTER_MS = 500;
/** The bar's width when the terminal has room, and the least it is given. */
const WIDEST_BAR = 40;
const NARROWEST_BAR = 5;

export interface Progress {
  update(doneBytes: number, totalBytes: number | undefined): void;
  stop(): void;
}

/** What a run without a bar gets: the command line then gives no progress listener at all (cli/main.ts). */
export const SILENT_PROGRESS: Progress = { update() {}, stop() {} };

/** The bar on screen, if any: what an interrupt clears before the process exits. */
let shown: { bar: cliProgress.SingleBar; stream: NodeJS.WriteStream } | undefined;

/** Clears the bar's line (an interrupt's handler calls it, so that its message starts on a clean line). */
export function clearProgress(): void {
  if (!shown) return;
  shown.stream.write('\r\x1b[K\x1b[?25h'); // back to the line's start, erase it, show the cursor again
  shown = undefined;
}

const TOTAL_FORMAT = ' {bar} {percentage}% | {doneMiB}/{totalMiB} MiB | {speedMiB} MiB/s | ETA {eta_formatted}';
const STREAM_FORMAT = ' {doneMiB} MiB read | {speedMiB} MiB/s';

/** The bar's width for a terminal `columns` wide, leaving room for the rest of the line. */
export function barWidth(columns: number | undefined, totalMiB: string): number {
  // The rest of TOTAL_FORMAT at its widest: percentage (3), MiB figures, a 5-digit rate, a 5-character ETA.
  const rest = ` 100% | ${totalMiB}/${totalMiB} MiB | 99999 MiB/s | ETA 99m99`.length + 2;
  if (columns === undefined || columns <= 0) return WIDEST_BAR;
  return Math.max(NARROWEST_BAR, Math.min(WIDEST_BAR, columns - rest - 1));
}

/** The bar library is loaded only for a terminal: runs into a pipe or a file never pay for it. */
export async function createProgress(stream: NodeJS.WriteStream, enabled: boolean): Promise<Progress> {
  if (!enabled || !stream.isTTY) return SILENT_PROGRESS;
  const library = (await import('cli-progress')).default;
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  let streaming = false;
  return {
    update(doneBytes, totalBytes) {
      const elapsed = (Date.now() - started) / 1000;
      const mib = (n: number): string => (n / 1048576).toFixed(0);
      // (Not `total`, `value` ...: cli-progress fills those itself, and its own win over the payload.)
      const payload = {
        doneMiB: mib(doneBytes),
        totalMiB: totalBytes === undefined ? '' : mib(totalBytes),
        speedMiB: elapsed > 0 ? mib(doneBytes / elapsed) : '0',
      };
      if (!bar) {
        if (Date.now() - started < SHOW_AFTER_MS) return;
        streaming = totalBytes === undefined;
        bar = new library.SingleBar(
          {
            stream,
            format: streaming ? STREAM_FORMAT : TOTAL_FORMAT,
            barsize: barWidth(stream.columns, payload.totalMiB),
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 20,
          },
          library.Presets.shades_classic,
        );
        // Without a total the "bar" is only its text; its value and total are never shown.
        bar.start(streaming ? 1 : totalBytes!, streaming ? 0 : doneBytes, payload);
        shown = { bar, stream };
      } else {
        if (!streaming && totalBytes !== undefined && totalBytes !== bar.getTotal()) bar.setTotal(totalBytes);
        bar.update(streaming ? 0 : doneBytes, payload);
      }
    },
    stop() {
      bar?.stop();
      shown = undefined;
    },
  };
}
