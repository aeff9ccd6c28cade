// Every format sample (real logs and fixtures written from each format's documentation) and its format.

import { fixture, REAL } from './support.js';

/** Every sample and the format it must be detected as. */
export const SAMPLES: ReadonlyArray<readonly [string, string]> = [
  [REAL.iis, 'w3c'],
  [REAL.nginx, 'combined'],
  [REAL.apache, 'combined'],
  [REAL.nasa, 'common'],
  [fixture('iis-changing-fields.log'), 'w3c'],
  [fixture('w3c-headers-only.log'), 'w3c'],
  [fixture('cloudfront.log'), 'cloudfront'],
  [fixture('alb.log'), 'alb'],
  [fixture('elb.log'), 'elb'],
  [fixture('haproxy.log'), 'haproxy'],
  [fixture('caddy.log'), 'caddy'],
  [fixture('traefik.json'), 'json'],
  [fixture('nginx-json.log'), 'json'],
];
