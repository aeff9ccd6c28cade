import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareGroups, groupRows } from '../../bench/verify.js';
import { measure, ratio, ratioCheck } from '../../bench/workloads.js';
import { buildBenchProgram, parseBenchArgs } from '../../bench/options.js';

const parse = (argv: string[]) =>
  parseBenchArgs(argv, {}, buildBenchProgram().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} }));

test('--workloads picks families in order, once each; alone they replace the main case; --all runs them all', () => {
  assert.deepEqual(parse([]).workloads, []);
  const chosen = parse(['--workloads', 'json,formats', '--workloads', 'json']);
  assert.deepEqual(chosen.workloads, ['json', 'formats']);
  assert.deepEqual(chosen.modes, []);
  assert.deepEqual(parse(['--small', '--workloads', 'gzip']).modes, ['small']);
  assert.deepEqual(parse(['--workloads', 'all']).workloads, ['core', 'formats', 'json', 'files', 'gzip', 'options', 'groups']);
  assert.deepEqual(parse(['--all']).workloads, ['core', 'formats', 'json', 'files', 'gzip', 'options', 'groups']);
  assert.throws(() => parse(['--workloads', 'speed']), { name: 'CommanderError' });
});

test('groupRows drops the time columns and sorts; compareGroups says how two results differ', () => {
  const a = 'ip,count,404,first_seen,last_seen\n10.0.0.2,3,3,2024-05-01T00:00:00+00:00,x\n"a,b",2,2,y,z\n';
  const b = 'ip,count,404,first_seen,last_seen\r\n"a,b",2,2,q,r\r\n10.0.0.2,3,3,2024-05-01T07:00:00+07:00,x\r\n';
  assert.deepEqual(groupRows(a), ['ip,count,404', '10.0.0.2\u00003\u00003', 'a,b\u00002\u00002']);
  assert.equal(compareGroups(a, b), null);
  assert.match(compareGroups(a, 'ip,count,404,first_seen,last_seen\n10.0.0.2,4,4,x,y\n') ?? '', /2 rows expected, 1 read; 2 missing/);
});

test('ratios on CPU time when both sides have it, else wall; checks judge the bound', () => {
  const commands = ['a', 'b'].map((id) => ({ id, label: id, argv: [], shown: id, okCodes: [0] }));
  const [a, b] = measure(commands, [
    { id: 'a', label: 'a', seconds: [3, 1, 2], peaks: [null, 5e6, 4e6], cpu: [2, 2, 4], load: [1, 2, 3] },
    { id: 'b', label: 'b', seconds: [2, 2, 2], peaks: [1, 1, 1], cpu: [1, 1, 1], load: [1, 1, 1] },
  ]);
  assert.deepEqual([a.wall, a.cpu, a.peakBytes, a.load], [2, 2, 5e6, 2]);
  assert.equal(ratio(a, b, 'cpu').value, 2);
  assert.equal(ratio(a, b, 'wall').value, 1);
  assert.equal(ratio(a, { ...b, cpu: null }, 'cpu').value, 1, 'falls back to wall');
  assert.equal(ratioCheck('t', a, b, 'cpu', { max: 1.5 }).verdict, 'FAIL');
  assert.equal(ratioCheck('t', a, b, 'cpu', { min: 1.8 }).verdict, 'PASS');
});
