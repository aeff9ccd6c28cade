// The floor for one gzip file: Node's own zlib decompressing it to nothing, as one process the bench times.
// usage: node dist/bench/gunzip-only.js FILE.gz   (prints the bytes it decompressed)

import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: gunzip-only FILE.gz');
  let bytes = 0;
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { bytes += chunk.length; done(); } });
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), createGunzip({ chunkSize: 1 << 20 }), sink);
  process.stdout.write(`${bytes}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`gunzip-only: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
