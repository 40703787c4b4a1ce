// `npm run layout`: the shape of src/, measured from its imports and its syntax tree: import
// circles, the longest import chain from an entry, the files at the top of src/, the longest
// files and named functions, and the imports that point the wrong way (scripts/layout-rules.ts).
// test/layout.test.ts holds the figures to their limits; CONTRIBUTING.md's Layout section has
// the output.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ENTRIES, FOLDERS, mayImport } from './layout-rules.ts';

export const SRC = fileURLToPath(new URL('../src/', import.meta.url));

export interface Module {
  /** '/'-separated, relative to src/. */
  file: string;
  lines: number;
  /** Modules of src/ it imports (relative imports only), relative to src/. */
  imports: string[];
  source: ts.SourceFile;
}

export interface NamedFunction {
  name: string;
  file: string;
  line: number;
  lines: number;
}

function listTs(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const relative = prefix + entry.name;
      if (entry.isDirectory()) return listTs(path.join(dir, entry.name), `${relative}/`);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
    });
}

function specifiers(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** tsconfig.json's `paths` (bare names mapped into src/, as `undici` is). */
function aliases(srcDir: string): Record<string, string> {
  const configPath = path.join(srcDir, '..', 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  const paths = (config?.compilerOptions?.paths ?? {}) as Record<string, string[]>;
  const root = path.dirname(configPath);
  return Object.fromEntries(
    Object.entries(paths).flatMap(([name, [target]]) =>
      target ? [[name, path.resolve(root, target)]] : [],
    ),
  );
}

/** `./x.js` or `./x.ts` from `from`, as a path relative to src/, or undefined outside src/. */
function resolve(
  srcDir: string,
  from: string,
  specifier: string,
  aliased: Record<string, string>,
): string | undefined {
  const alias = aliased[specifier];
  if (!alias && !specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const absolute = alias ?? path.resolve(srcDir, path.dirname(from), specifier);
  const candidates = [absolute, absolute.replace(/\.js$/, '.ts')];
  const hit = candidates.find((candidate) => candidate.endsWith('.ts') && existsSync(candidate));
  if (!hit) return undefined;
  const relative = path.relative(srcDir, hit).split(path.sep).join('/');
  return relative.startsWith('..') ? undefined : relative;
}

/** Every .ts module of src/ with its lines and the modules of src/ it imports. */
export function readModules(srcDir = SRC): Map<string, Module> {
  const modules = new Map<string, Module>();
  const aliased = aliases(srcDir);
  for (const file of listTs(srcDir)) {
    const text = readFileSync(path.join(srcDir, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const imports = specifiers(source)
      .map((specifier) => resolve(srcDir, file, specifier, aliased))
      .filter((target): target is string => target !== undefined);
    const lines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
    modules.set(file, { file, lines, imports: [...new Set(imports)], source });
  }
  return modules;
}

/** The modules reachable from the entries by their imports. */
export function reachable(modules: Map<string, Module>, entries = ENTRIES): Set<string> {
  const seen = new Set<string>();
  const stack = [...entries];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file) || !modules.has(file)) continue;
    seen.add(file);
    stack.push(...modules.get(file)!.imports);
  }
  return seen;
}

/** Groups of modules that import each other in a circle (Tarjan's strongly connected parts). */
export function importCircles(modules: Map<string, Module>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let next = 0;
  const connect = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of modules.get(file)?.imports ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    const selfLoop = modules.get(file)?.imports.includes(file) ?? false;
    if (group.length > 1 || selfLoop) circles.push(group.sort());
  };
  for (const file of modules.keys()) if (!index.has(file)) connect(file);
  return circles;
}

/** The longest import chain from an entry, entry first (modules, not edges, are counted). */
export function longestChain(modules: Map<string, Module>, entries = ENTRIES): string[] {
  const best = new Map<string, string[]>();
  const visiting = new Set<string>();
  const from = (file: string): string[] => {
    const known = best.get(file);
    if (known) return known;
    visiting.add(file);
    let tail: string[] = [];
    for (const target of modules.get(file)?.imports ?? []) {
      if (visiting.has(target)) continue; // a circle: importCircles reports it
      const chain = from(target);
      if (chain.length > tail.length) tail = chain;
    }
    visiting.delete(file);
    const chain = [file, ...tail];
    best.set(file, chain);
    return chain;
  };
  return entries
    .filter((entry) => modules.has(entry))
    .map(from)
    .reduce<string[]>((longest, chain) => (chain.length > longest.length ? chain : longest), []);
}

/** The files (any kind) directly in src/, not in a folder. */
export function topLevelFiles(srcDir = SRC): string[] {
  return readdirSync(srcDir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

export function longestFiles(modules: Map<string, Module>, count = 10): Module[] {
  return [...modules.values()].sort((a, b) => b.lines - a.lines).slice(0, count);
}

function functionName(node: ts.Node): string | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) return node.name?.getText();
  if (ts.isGetAccessor(node) || ts.isSetAccessor(node)) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (
    ts.isVariableDeclaration(node) &&
    ts.isIdentifier(node.name) &&
    node.initializer &&
    (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
  ) {
    return node.name.text;
  }
  return undefined;
}

/** Every named function, method, and function assigned to a name, longest first. */
export function namedFunctions(modules: Map<string, Module>): NamedFunction[] {
  const found: NamedFunction[] = [];
  for (const { file, source } of modules.values()) {
    const visit = (node: ts.Node): void => {
      const name = functionName(node);
      if (name !== undefined) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        found.push({ name, file, line: start + 1, lines: end - start + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found.sort((a, b) => b.lines - a.lines);
}

function folderOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : '';
}

/** Imports that break scripts/layout-rules.ts, as 'from → to'. */
export function backwardImports(modules: Map<string, Module>): string[] {
  const found: string[] = [];
  for (const { file, imports } of modules.values()) {
    for (const target of imports) {
      const targetFile = target.slice(target.lastIndexOf('/') + 1);
      if (!mayImport(folderOf(file), folderOf(target), targetFile))
        found.push(`${file} → ${target}`);
    }
  }
  return found;
}

/** Folders that exist in src/ but are not in the rules (their imports would go unchecked). */
export function unruledFolders(srcDir = SRC): string[] {
  return readdirSync(srcDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !(entry.name in FOLDERS))
    .map((entry) => entry.name);
}

export function layoutReport(srcDir = SRC): string {
  const modules = readModules(srcDir);
  const circles = importCircles(modules);
  const chain = longestChain(modules);
  const top = topLevelFiles(srcDir);
  const backward = backwardImports(modules);
  const unruled = unruledFolders(srcDir);
  const unreached = [...modules.keys()].filter((file) => !reachable(modules).has(file));
  const list = (items: string[]): string => (items.length ? items.join('\n') : '  none');
  return [
    `modules: ${modules.size} (${unreached.length} not reached from ${ENTRIES.join(', ')}${unreached.length ? `: ${unreached.join(', ')}` : ''})`,
    `import circles: ${circles.length}`,
    list(circles.map((group) => `  ${group.join(' ↔ ')}`)),
    `longest import chain from an entry: ${chain.length} modules`,
    list(chain.map((file) => `  ${file}`)),
    `files at the top of src/: ${top.length} (${top.join(', ')})`,
    'longest files (lines):',
    list(
      longestFiles(modules).map(
        (module) => `  ${String(module.lines).padStart(4)}  ${module.file}`,
      ),
    ),
    'longest named functions (lines):',
    list(
      namedFunctions(modules)
        .slice(0, 10)
        .map((fn) => `  ${String(fn.lines).padStart(4)}  ${fn.name} (${fn.file}:${fn.line})`),
    ),
    `backward imports: ${backward.length}`,
    list(backward.map((edge) => `  ${edge}`)),
    ...(unruled.length ? [`folders without rules: ${unruled.join(', ')}`] : []),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(layoutReport());
}
