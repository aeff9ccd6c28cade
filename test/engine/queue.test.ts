// engine/queue.ts: the bounded queue between producers and the consumer.

import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BoundedQueue } from '../../src/engine/queue.js';

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

describe('BoundedQueue', () => {
  test('a capacity below 1 is refused', () => {
    assert.throws(() => new BoundedQueue<number>(0), RangeError);
    assert.throws(() => new BoundedQueue<number>(Number.NaN), RangeError);
  });

  test('put waits while the queue is full, and goes on once the consumer takes an item', async () => {
    const queue = new BoundedQueue<number>(1);
    await queue.put(1);
    let secondDone = false;
    const second = queue.put(2).then(() => (secondDone = true));
    await settle();
    assert.equal(secondDone, false, 'put must wait while the queue is full');
    assert.equal(queue.size, 1);

    const taken = queue[Symbol.asyncIterator]();
    assert.deepEqual(await taken.next(), { value: 1, done: false });
    await second;
    assert.equal(secondDone, true);
    assert.equal(queue.size, 1);
    queue.close();
    assert.deepEqual(await taken.next(), { value: 2, done: false });
    assert.deepEqual(await taken.next(), { value: undefined, done: true });
  });

  test('close lets the consumer drain what is left, then stop', async () => {
    const queue = new BoundedQueue<string>(3);
    await queue.put('a');
    await queue.put('b');
    await queue.put('c');
    queue.close();
    const got: string[] = [];
    for await (const item of queue) got.push(item);
    assert.deepEqual(got, ['a', 'b', 'c']);
  });

  test('a consumer waiting on an empty queue wakes up on put and on close', async () => {
    const queue = new BoundedQueue<number>(2);
    const consumed = (async () => {
      const got: number[] = [];
      for await (const item of queue) got.push(item);
      return got;
    })();
    await settle();
    await queue.put(7);
    await settle();
    await queue.put(8);
    queue.close();
    assert.deepEqual(await consumed, [7, 8]);
  });

  test('put on a closed queue is an error', async () => {
    const queue = new BoundedQueue<number>(1);
    queue.close();
    await assert.rejects(queue.put(1), /closed/);
  });

  test('many producers, capacity 1..3: every item arrives once, each producer\'s in order, never over capacity', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 6 }),
        async (capacity, perProducer) => {
          const queue = new BoundedQueue<[number, number]>(capacity);
          let maxSize = 0;
          const producers = perProducer.map(async (count, p) => {
            for (let i = 0; i < count; i++) {
              await queue.put([p, i]);
              maxSize = Math.max(maxSize, queue.size);
              if (i % 3 === p % 3) await tick();
            }
          });
          const consumer = (async () => {
            const got: Array<[number, number]> = [];
            for await (const item of queue) {
              got.push(item);
              if (got.length % 2 === 0) await tick();
            }
            return got;
          })();
          await Promise.all(producers);
          queue.close();
          const got = await consumer;
          assert.ok(maxSize <= capacity, `size ${maxSize} over capacity ${capacity}`);
          assert.equal(got.length, perProducer.reduce((a, b) => a + b, 0));
          perProducer.forEach((count, p) => {
            assert.deepEqual(
              got.filter(([q]) => q === p).map(([, i]) => i),
              [...Array(count).keys()],
            );
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
