// A progress bar on stderr, only on a terminal and only once a run has taken long enough to want one.

import type cliProgress from 'cli-progress';

const SHOW_AFTER_MS = 500;

export interface Progress {
  update(doneBytes: number, totalBytes: number): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

/** The bar library is loaded only for a terminal: runs into a pipe or a file never pay for it. */
export async function createProgress(stream: NodeJS.WriteStream, enabled: boolean): Promise<Progress> {
  if (!enabled || !stream.isTTY) return silent;
  const library = (await import('cli-progress')).default;
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(doneBytes, totalBytes) {
      const elapsed = (Date.now() - started) / 1000;
      const mib = (n: number): string => (n / 1048576).toFixed(0);
      // (Not `total`, `value` ...: cli-progress fills those itself, and its own win over the payload.)
      const payload = { doneMiB: mib(doneBytes), totalMiB: mib(totalBytes), speedMiB: elapsed > 0 ? mib(doneBytes / elapsed) : '0' };
      if (!bar) {
        if (Date.now() - started < SHOW_AFTER_MS) return;
        bar = new library.SingleBar(
          {
            stream,
            format: ' {bar} {percentage}% | {doneMiB}/{totalMiB} MiB | {speedMiB} MiB/s | ETA {eta_formatted}',
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 20,
          },
          library.Presets.shades_classic,
        );
        bar.start(totalBytes, doneBytes, payload);
      } else {
        if (totalBytes !== bar.getTotal()) bar.setTotal(totalBytes); // a pipe's bytes add to the total as they come
        bar.update(doneBytes, payload);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
