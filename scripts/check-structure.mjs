#!/usr/bin/env node
/**
 * Structure rules the formatter and linter cannot state, checked on every `npm test`:
 * - no source file (src/, workers/, scripts/, bin/) over 400 lines, no function in src/ over 80 lines;
 * - no line over 120 characters anywhere in the code and tests;
 * - no import cycle between folders of src/;
 * - layer boundaries: src/core imports only src/core; src/app imports no tfjs, onnxruntime or UI code;
 *   src/ui imports src/engine only for its protocol and error transfer; only src/tf imports tfjs and
 *   only src/ort imports onnxruntime-web;
 * - no comment cites a document outside the repository.
 * Prints one line per violation and exits 1 when there is any.
 */
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;
const MAX_LINE = 120;
const CODE = /\.(ts|tsx|mjs|js)$/;
const OUTSIDE_DOCS = /(\.\.\/shared|shared\/notes|tfjs-pitfalls|method\.md|toolchain\.md|style\.md|DEVELOPERS\.md)/;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => CODE.test(f) && /^(src|workers|scripts|bin|tests)\//.test(f) && !f.startsWith('tests/fixtures/'));

const problems = [];
const say = (file, line, what) => problems.push(`${file}:${line}: ${what}`);

/** Which package imports each folder may make (by prefix of the module name). */
const PACKAGE_OWNERS = [
  { pkg: '@tensorflow/', allowed: ['src/tf/'] },
  { pkg: 'onnxruntime-web', allowed: ['src/ort/'] },
  { pkg: 'react', allowed: ['src/ui/'] },
  { pkg: 'recharts', allowed: ['src/ui/'] },
  { pkg: 'comlink', allowed: ['src/ui/', 'src/engine/', 'workers/'] },
  { pkg: 'node:', allowed: ['src/node/', 'src/cli/', 'scripts/', 'bin/', 'tests/'] },
];

/** Folders of src/ and the src/ folders they may import from (prefix match). */
const LAYERS = [
  { from: 'src/core/', may: ['src/core/'] },
  { from: 'src/formats/', may: ['src/core/', 'src/formats/'] },
  { from: 'src/app/', may: ['src/core/', 'src/app/', 'src/formats/'] },
  {
    from: 'src/ui/',
    may: ['src/core/', 'src/ui/', 'src/engine/protocol', 'src/engine/errorTransfer', 'src/formats/', 'src/app/'],
  },
];

function checkImports(file, sf, folderEdges) {
  const fromDir = path.posix.dirname(file);
  for (const st of sf.statements) {
    const spec = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec)) continue;
    const name = spec.text;
    const line = sf.getLineAndCharacterOfPosition(st.getStart(sf)).line + 1;
    const typeOnly =
      (ts.isImportDeclaration(st) && st.importClause?.isTypeOnly) || (ts.isExportDeclaration(st) && st.isTypeOnly);
    if (!name.startsWith('.')) {
      const owner = PACKAGE_OWNERS.find((o) => name.startsWith(o.pkg));
      if (owner && !typeOnly && !owner.allowed.some((a) => file.startsWith(a)) && !file.startsWith('tests/')) {
        say(file, line, `imports ${name}, which only ${owner.allowed.join(', ')} may import`);
      }
      continue;
    }
    const target = path.posix.normalize(path.posix.join(fromDir, name));
    const layer = LAYERS.find((l) => file.startsWith(l.from));
    if (layer && target.startsWith('src/') && !layer.may.some((m) => target.startsWith(m) || `${target}/` === m)) {
      say(file, line, `imports ${target}, outside what ${layer.from} may use (${layer.may.join(', ')})`);
    }
    const toDir = path.posix.dirname(target);
    if (file.startsWith('src/') && target.startsWith('src/') && toDir !== fromDir) {
      if (!folderEdges.has(fromDir)) folderEdges.set(fromDir, new Map());
      if (!folderEdges.get(fromDir).has(toDir)) folderEdges.get(fromDir).set(toDir, `${file}:${line}`);
    }
  }
}

function checkFunctions(file, sf) {
  const visit = (node) => {
    const isFn =
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessor(node);
    if (isFn && node.body) {
      const a = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const b = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (b - a + 1 > MAX_FUNCTION_LINES) {
        const name =
          node.name?.getText(sf) ??
          (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(sf) : '(anonymous)');
        say(file, a + 1, `function ${name} is ${b - a + 1} lines (at most ${MAX_FUNCTION_LINES})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

function checkComments(file, text, sf) {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, sf.languageVariant, text);
  for (let tok = scanner.scan(); tok !== ts.SyntaxKind.EndOfFileToken; tok = scanner.scan()) {
    if (tok !== ts.SyntaxKind.SingleLineCommentTrivia && tok !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
    const m = scanner.getTokenText().match(OUTSIDE_DOCS);
    if (m)
      say(
        file,
        sf.getLineAndCharacterOfPosition(scanner.getTokenStart()).line + 1,
        `comment cites "${m[1]}", a document outside the repository`,
      );
  }
}

/** Folder cycles: strongly connected components of the folder import graph with more than one folder. */
function folderCycles(edges) {
  const index = new Map(),
    low = new Map(),
    stack = [],
    on = new Set();
  let i = 0;
  const out = [];
  const strong = (v) => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp);
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) strong(v);
  return out;
}

const folderEdges = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  lines.forEach((l, k) => {
    if (l.length > MAX_LINE) say(file, k + 1, `line is ${l.length} characters (at most ${MAX_LINE})`);
  });
  const source = /^(src|workers|scripts|bin)\//.test(file);
  if (source && lines.length > MAX_FILE_LINES)
    say(file, 1, `file is ${lines.length} lines (at most ${MAX_FILE_LINES})`);
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  checkImports(file, sf, folderEdges);
  if (file.startsWith('src/') || file.startsWith('workers/')) checkFunctions(file, sf);
  checkComments(file, text, sf);
}
for (const comp of folderCycles(folderEdges)) {
  const set = new Set(comp);
  const where = comp.flatMap((a) =>
    [...(folderEdges.get(a) ?? [])].filter(([b]) => set.has(b)).map(([b, at]) => `${a} → ${b} (${at})`),
  );
  problems.push(`folder cycle between ${comp.join(', ')}: ${where.join('; ')}`);
}
for (const p of problems) console.error(p);
if (problems.length > 0) {
  console.error(
    `\n${problems.length} structure problem${problems.length > 1 ? 's' : ''} (scripts/check-structure.mjs).`,
  );
  process.exit(1);
}
console.log(`structure ok: ${files.length} files`);
