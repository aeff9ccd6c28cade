// inputs/inflate.ts and the three ways decompress.ts inflates gzip (an inflate thread beside this one, this
// thread, libuv's pool): the same text, in the same order, for members of any size cut anywhere, zero padding
// after the last member, empty members; the same one-line errors for truncated and corrupt data; a scan's own
// error passes through untouched and leaves the inflate thread fit for the next stream.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { LogsiftError } from '../../src/base/errors.js';
import { gunzip, type GunzipWay } from '../../src/inputs/decompress.js';
import { PieceInflater } from '../../src/inputs/inflate.js';

const WAYS: GunzipWay[] = ['thread', 'here', 'pool'];

async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let from = 0; from < bytes.length; from += size) yield bytes.slice(from, from + size);
}

/** The text `way` inflates from `gz` read in chunks of `size`, and the largest piece it was handed. */
async function inflate(way: GunzipWay, gz: Uint8Array, size = 4096): Promise<{ text: Buffer; largest: number }> {
  const pieces: Buffer[] = [];
  let largest = 0;
  await gunzip(chunked(gz, size), 'test.gz', (piece) => {
    largest = Math.max(largest, piece.length);
    pieces.push(Buffer.from(piece)); // lent: copied
  }, async () => {}, way);
  return { text: Buffer.concat(pieces), largest };
}

/** Text that compresses as logs do, with some noise so that the output is many pieces. */
function logLike(lines: number, seed = 1): Buffer {
  let state = seed;
  const next = (): number => (state = (state * 1103515245 + 12345) >>> 0);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`10.0.${next() % 256}.${next() % 256} - - [01/May/2024:00:00:${String(i % 60).padStart(2, '0')} +0000] "GET /p/${next().toString(36)} HTTP/1.1" ${[200, 404, 500][next() % 3]} ${next() % 9999}\n`);
  return Buffer.from(out.join(''));
}

const error = async (way: GunzipWay, gz: Uint8Array, size = 4096): Promise<LogsiftError> => {
  try {
    await inflate(way, gz, size);
  } catch (caught) {
    assert.ok(caught instanceof LogsiftError, String(caught));
    assert.ok(!caught.message.includes('\n'), caught.message);
    return caught;
  }
  assert.fail('no error');
};

describe('gzip inflated in pieces', () => {
  test('this Node has the synchronous inflate (else every gzip goes through libuv\'s pool, slower)', () => {
    assert.ok(PieceInflater.available(zlib));
  });

  test('members one after another (an empty one, a big one), zero padding after: the same text every way, any chunking', async () => {
    const big = logLike(40_000);
    const parts = [Buffer.from('first member\n'), Buffer.alloc(0), big, Buffer.from('last\n')];
    const gz = Buffer.concat([...parts.map((part) => zlib.gzipSync(part)), Buffer.alloc(37)]);
    const whole = Buffer.concat(parts);
    for (const way of WAYS) {
      for (const size of [1, 4099, 65536, gz.length]) {
        if (size === 1 && way === 'pool') continue; // byte by byte through the pool is minutes
        const { text, largest } = await inflate(way, gz, size);
        assert.ok(text.equals(whole), `${way}, chunks of ${size}`);
        assert.ok(largest <= 1024 * 1024, `${way}: a piece of ${largest} bytes`);
      }
    }
  });

  test('property: any text cut into members, the gzip cut into chunks anywhere, gives the text every way', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 5000 }),
        async (members, size) => {
          const gz = Buffer.concat(members.map((member) => zlib.gzipSync(member, { level: 1 })));
          const whole = Buffer.concat(members);
          for (const way of ['thread', 'here'] as const) assert.ok((await inflate(way, gz, size)).text.equals(whole), way);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a slow scan: the thread runs ahead by its few buffers, then waits for them; the text comes whole', async () => {
    const text = logLike(60_000, 7); // several MiB: more pieces than the thread has buffers
    const gz = zlib.gzipSync(text);
    const seen: Buffer[] = [];
    await gunzip(chunked(gz, 65536), 'test.gz', (piece) => void seen.push(Buffer.from(piece)), async () => {
      await new Promise((resolve) => setTimeout(resolve, 1)); // a slow scan: the thread runs ahead, then waits
    }, 'thread');
    assert.ok(Buffer.concat(seen).equals(text));
  });

  test('truncated anywhere: "ends early" at the length of the file, every way', async () => {
    const gz = zlib.gzipSync(logLike(20_000));
    for (const cut of [1, 10, 11, 5000, gz.length >> 1, gz.length - 8, gz.length - 1]) {
      for (const way of WAYS) {
        const { message } = await error(way, gz.subarray(0, cut));
        assert.equal(message, `gzip data ends early (truncated file?) in test.gz at compressed offset ${cut}`, `${way}, cut at ${cut}`);
      }
    }
  });

  test('empty input: ends early at offset 0, every way', async () => {
    for (const way of WAYS) assert.equal((await error(way, new Uint8Array(0))).message, 'gzip data ends early (truncated file?) in test.gz at compressed offset 0');
  });

  test('corrupt: the offset said is at most 32 KiB before the damage (the thread and this one), with zlib\'s reason', async () => {
    const gz = Buffer.from(zlib.gzipSync(logLike(60_000, 3)));
    const damage = gz.length >> 1;
    gz.fill(0xff, damage, damage + 16); // decodes as a bad block type at once (one flipped byte might pass until the CRC)
    for (const way of ['thread', 'here'] as const) {
      for (const size of [4096, 256 * 1024]) {
        const { message } = await error(way, gz, size);
        const match = /^corrupt gzip data in test\.gz at compressed offset (\d+) \((.+)\)$/.exec(message);
        assert.ok(match, message);
        const offset = Number(match[1]);
        assert.ok(offset <= damage + 16 && offset >= damage - 32 * 1024, `${way}, chunks of ${size}: ${message}`);
        assert.equal(match[2], 'invalid block type');
      }
    }
    // A bad trailer (the CRC): found at the end.
    const crc = Buffer.from(zlib.gzipSync(Buffer.from('a line\n')));
    crc[crc.length - 6] ^= 1;
    for (const way of WAYS) assert.match((await error(way, crc)).message, /^corrupt gzip data in test\.gz at compressed offset \d+ \(incorrect data check\)$/);
    // Garbage after a member.
    const trailing = Buffer.concat([zlib.gzipSync(Buffer.from('a line\n')), Buffer.from('garbage')]);
    for (const way of WAYS) assert.match((await error(way, trailing)).message, /^corrupt gzip data in test\.gz at compressed offset \d+ \(/);
  });

  test('the scan\'s own error comes out as it is, and the inflate thread serves the next stream', async () => {
    const gz = zlib.gzipSync(logLike(30_000));
    for (const way of WAYS) {
      const scanError = new Error('scan failed');
      await assert.rejects(gunzip(chunked(gz, 8192), 'test.gz', () => { throw scanError; }, async () => {}, way), (caught) => caught === scanError);
    }
    const source = (async function* () {
      yield gz.subarray(0, 1000);
      throw new Error('read failed');
    })();
    await assert.rejects(gunzip(source, 'test.gz', () => {}, async () => {}, 'thread'), { message: 'read failed' });
    assert.ok((await inflate('thread', gz)).text.equals(zlib.gunzipSync(gz)));
  });
});
