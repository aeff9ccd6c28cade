// ARCHITECTURE.md's rules, checked on src/: imports flow only along the table's "may import" column, no two
// files import each other in a circle, folders and files stay small. The table itself is the rule, so the
// document and the code cannot drift apart. The WebAssembly kernels' sources (kernel/) keep the same file
// size and opening comment.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from './support/paths.js';

const SRC = join(REPO_ROOT, 'src');
const KERNEL = join(REPO_ROOT, 'kernel');
/** Folders that hold only type declarations for untyped packages. */
const DECLARATIONS = 'types';
/** A folder that is a registry of one file per format may hold more. */
const REGISTRIES = new Set(['formats']);
const MAX_FILES = 12;
const MAX_LINES = 400;

/** Folder -> the folders it may import, from ARCHITECTURE.md's table. */
function allowedImports(): Map<string, Set<string>> {
  const text = readFileSync(join(REPO_ROOT, 'ARCHITECTURE.md'), 'utf8');
  const rules = new Map<string, Set<string>>();
  for (const match of text.matchAll(/^\| `([a-z]+)\/` \|.*\| ([a-z, ]+) \|$/gm)) {
    const list = match[2].trim() === 'nothing' ? [] : match[2].split(',').map((name) => name.trim());
    rules.set(match[1], new Set(list));
  }
  return rules;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The src files a file imports (static, dynamic and re-exports; relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((match) => match[1]);
  return specifiers.map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
}

/** `src/<folder>/...` -> folder; a file at the top of src -> '' (the library's entry). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? '' : parts[0];
}

const files = sourceFiles(SRC);
const kernelFiles = sourceFiles(KERNEL);
const graph = new Map(files.map((file) => [file, importsOf(file).filter((target) => target.startsWith(SRC + '/'))]));
const rules = allowedImports();

describe('the architecture (ARCHITECTURE.md)', () => {
  test('the table names every folder of src/', () => {
    const folders = new Set(files.map(folderOf).filter((folder) => folder !== ''));
    assert.ok(rules.size >= 10, `ARCHITECTURE.md's table has only ${rules.size} rows`);
    for (const folder of folders) assert.ok(rules.has(folder), `src/${folder}/ is not in ARCHITECTURE.md's table`);
    for (const folder of rules.keys()) assert.ok(folders.has(folder), `ARCHITECTURE.md names src/${folder}/, which does not exist`);
    for (const [folder, allowed] of rules) {
      for (const other of allowed) assert.ok(rules.has(other), `src/${folder}/ may import '${other}', which is not a folder`);
    }
  });

  test('no folder imports one outside its row of the table', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      for (const target of targets) {
        const to = folderOf(target);
        if (to === from || to === DECLARATIONS) continue;
        const allowed = from === '' ? to !== 'cli' : rules.get(from)?.has(to) === true;
        if (!allowed) wrong.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('the rule itself has no circle: each folder sits above all it may import', () => {
    const depth = new Map<string, number>();
    const visiting = new Set<string>();
    const level = (folder: string): number => {
      if (depth.has(folder)) return depth.get(folder)!;
      assert.ok(!visiting.has(folder), `the table's rule goes round through src/${folder}/`);
      visiting.add(folder);
      const below = [...(rules.get(folder) ?? [])].map(level);
      depth.set(folder, below.length === 0 ? 0 : Math.max(...below) + 1);
      visiting.delete(folder);
      return depth.get(folder)!;
    };
    for (const folder of rules.keys()) level(folder);
  });

  test('no file imports itself through others', () => {
    const done = new Set<string>();
    const path: string[] = [];
    const onPath = new Set<string>();
    const visit = (file: string): void => {
      if (done.has(file)) return;
      if (onPath.has(file)) {
        const circle = path.slice(path.indexOf(file)).concat(file).map((f) => relative(SRC, f));
        assert.fail(`circular import: ${circle.join(' -> ')}`);
      }
      onPath.add(file);
      path.push(file);
      for (const target of graph.get(file) ?? []) visit(target);
      path.pop();
      onPath.delete(file);
      done.add(file);
    };
    for (const file of files) visit(file);
  });

  test(`folders hold at most ${MAX_FILES} files (a registry more), files at most ${MAX_LINES} lines`, () => {
    const byFolder = new Map<string, number>();
    for (const file of files) byFolder.set(folderOf(file), (byFolder.get(folderOf(file)) ?? 0) + 1);
    for (const [folder, count] of byFolder) {
      if (folder !== '' && !REGISTRIES.has(folder)) assert.ok(count <= MAX_FILES, `src/${folder}/ holds ${count} files`);
    }
    const long = files.map((file) => [relative(SRC, file), readFileSync(file, 'utf8').split('\n').length] as const).filter(([, lines]) => lines > MAX_LINES);
    assert.deepEqual(long, []);
  });

  test(`the kernels' sources (kernel/) are files of at most ${MAX_LINES} lines too`, () => {
    assert.ok(kernelFiles.length >= 3, `kernel/ holds ${kernelFiles.length} files`);
    const long = kernelFiles.map((file) => [relative(REPO_ROOT, file), readFileSync(file, 'utf8').split('\n').length] as const).filter(([, lines]) => lines > MAX_LINES);
    assert.deepEqual(long, []);
  });

  test('the executable starts its producers before the rest loads: its static imports are few and light', () => {
    // cli/bin.ts starts the producer threads, then imports the command line dynamically; whatever it imports
    // statically loads before the threads start, so the formats, the engine and the sinks must not be among it.
    const staticImports = (file: string): string[] =>
      [...readFileSync(file, 'utf8').matchAll(/^import .*from\s*'(\.[^']+)'/gm)].map((m) => resolve(dirname(file), m[1]).replace(/\.js$/, '.ts'));
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const target of staticImports(file)) visit(target);
    };
    visit(join(SRC, 'cli', 'bin.ts'));
    const loaded = [...seen].map((file) => relative(SRC, file));
    // Nine since base/threads.ts, which imports only node:v8 and node:worker_threads.
    assert.ok(loaded.length <= 9, `cli/bin.ts loads ${loaded.length} modules before the producers start: ${loaded.join(', ')}`);
    for (const file of loaded) assert.match(file, /^(cli|base|options|plan|engine\/producer-threads|inputs\/byte-order-mark|inputs\/compression)/, `cli/bin.ts loads ${file} before the producers start`);
  });

  test('every module of src/ and kernel/ opens with what it is for', () => {
    const silent = [...files, ...kernelFiles].filter((file) => !readFileSync(file, 'utf8').replace(/^#!.*\n/, '').startsWith('//')).map((file) => relative(REPO_ROOT, file));
    assert.deepEqual(silent, []);
  });
});
