// The library's public entry: what `import ... from 'logsift'` gives is enough to run an analysis and save it;
// and the package `npm pack` makes, installed into an empty ES module project, compiles and runs the README's example.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, DEFAULT_ERROR_CODES, formatCsv, LogsiftError, saveCsv } from '../src/index.js';
import { NEEDS_REAL_LOGS, REAL, REPO_ROOT } from './support/paths.js';
import { makeTempDir, removeDir } from './support/files.js';

test('analyze + saveCsv from the package entry', NEEDS_REAL_LOGS, async () => {
  const result = await analyze({ input: [REAL.nginx], threshold: 2, threads: 2 });
  assert.deepEqual(result.errorCodes, DEFAULT_ERROR_CODES);
  assert.ok(result.rows.length > 0);
  const dir = makeTempDir();
  try {
    const path = join(dir, 'out.csv');
    saveCsv(result, path);
    assert.equal(readFileSync(path, 'utf8'), formatCsv(result));
  } finally {
    removeDir(dir);
  }
});

test('bad options are a LogsiftError', NEEDS_REAL_LOGS, async () => {
  await assert.rejects(analyze({ input: [REAL.nginx], threshold: 0 }), LogsiftError);
});

/** The README's library example: the first ```ts block of its "## The library" section. */
function readmeExample(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The library'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'the README has a ```ts example in "## The library"');
  return match[1];
}

test('npm pack makes a package that an ES module project without @types/node installs, compiles and runs', { timeout: 180_000 }, async () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    files: string[];
    license: string;
  };
  assert.match(pkg.scripts.prepack, /npm run build/, 'a fresh clone builds when packed');
  assert.match(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8'), new RegExp(`^${pkg.license} License`));
  const dir = makeTempDir();
  try {
    // Packed as built (npm test has just built it; prepack would build it again).
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
    const [{ filename, files }] = JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const paths = files.map((file) => file.path);
    for (const needed of ['LICENSE', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/bundle/cli/logsift.js', 'dist/kernel/clf.wasm']) {
      assert.ok(paths.includes(needed), `the package holds ${needed}`);
    }
    assert.ok(!paths.some((path) => path.startsWith('dist/test/')), 'no tests in the package');

    // An empty ES module project; the tarball unpacked as npm would install it, its dependencies linked from
    // this repository's node_modules (no registry needed), and no @types/node anywhere.
    const project = join(dir, 'project');
    const installed = join(project, 'node_modules', 'logsift');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, filename), '-C', installed, '--strip-components=1']);
    for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      if (name.startsWith('.') || name === '@types' || name === 'logsift') continue;
      symlinkSync(join(REPO_ROOT, 'node_modules', name), join(project, 'node_modules', name));
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: [], skipLibCheck: false, outDir: 'out' }, include: ['example.ts'] }),
    );
    writeFileSync(join(project, 'example.ts'), readmeExample());
    copyFileSync(join(REPO_ROOT, 'data', 'sample.log'), join(project, 'access.log'));
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
    assert.equal(compiled.status, 0, `the README's example compiles against the package's types:\n${compiled.stdout}${compiled.stderr}`);
    const ran = spawnSync(process.execPath, [join(project, 'out', 'example.js')], { cwd: project, encoding: 'utf8' });
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stdout, /lines read/);
    assert.match(readFileSync(join(project, 'errors.csv'), 'utf8'), /^ip,count,/);
  } finally {
    removeDir(dir);
  }
});
