// The Redis connection of a cluster run, on both sides (coordinator and worker): `--redis` / LOGSIFT_REDIS
// parsed and checked (redis://user:pass@host:port/db, rediss:// for TLS), the connection options BullMQ and
// ioredis take, and a first PING with a short deadline so that an unreachable server is one clear error within
// seconds, never a hang. The password never appears in a message.

import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { LogsiftError } from '../base/errors.js';

/** Every key a cluster run makes starts with this (BullMQ's queue keys too: it is the queue prefix). */
export const KEY_PREFIX = 'logsift';
/** The one queue the coordinators fill and the workers take from. */
export const QUEUE_NAME = 'scan';
/** How long a first connection may take before the run gives up. */
export const CONNECT_TIMEOUT_MS = 3000;

/** A checked Redis address: the options to connect with and a name for messages (no password). */
export interface RedisTarget {
  readonly options: RedisOptions;
  readonly display: string;
}

/** Parses a Redis URL; anything else is a LogsiftError naming what is accepted. */
export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LogsiftError(`--redis '${text}' is not a URL: use redis://host:6379 or rediss://user:pass@host:port/db`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new LogsiftError(`--redis must be a redis:// or rediss:// URL, got ${url.protocol}//`);
  }
  if (url.hostname === '') throw new LogsiftError('--redis has no host: use redis://host:6379');
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText)) throw new LogsiftError(`--redis database must be a number, got '${dbText}'`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literals come bracketed
  const options: RedisOptions = {
    host,
    port,
    db: dbText === '' ? 0 : Number(dbText),
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    // TLS checks the certificate against the host; SNI carries a name only (RFC 6066), never an address.
    ...(url.protocol === 'rediss:' ? { tls: isIP(host) === 0 ? { servername: host } : {} } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
  return { options, display: `${url.protocol}//${url.host}${dbText === '' ? '' : `/${dbText}`}` };
}

/** The Redis URL of a run: the flag, else LOGSIFT_REDIS; undefined for a local run. */
export function redisUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flag !== undefined) return flag;
  const fromEnv = env.LOGSIFT_REDIS;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/**
 * Connects once, PINGs, and disconnects: a server that is down, refuses the password or is not Redis fails
 * here, within about CONNECT_TIMEOUT_MS, with one line.
 */
export async function checkRedis(target: RedisTarget): Promise<void> {
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The failure is reported below, once, with the socket's reason (connect() itself only says "closed").
  let socketError: unknown;
  client.on('error', (error) => (socketError ??= error));
  try {
    await withDeadline(
      (async () => {
        await client.connect();
        await client.ping();
        await client.quit(); // (disconnect() would hold the process for ioredis's 2 s socket timer)
      })(),
      CONNECT_TIMEOUT_MS + 1000,
    );
  } catch (error) {
    throw new LogsiftError(`cannot reach Redis at ${target.display}: ${reasonOf(socketError ?? error)}`);
  } finally {
    if (client.status !== 'end') client.disconnect();
  }
}

/** A Redis error as a short reason, without stack or password. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) return 'timed out';
  return message.split('\n')[0];
}

/** `promise`, or a timeout error after `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
