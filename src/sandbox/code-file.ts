// Where the user's code lives in the sandbox when it runs from a file, and the short run_code
// call that runs it from there. A file is needed when the code is larger than one tool call
// may carry (the gateway's ~63 KB per call, addendum §1), or when an ES module must import its
// siblings; the file holds the code exactly as given, so its line and column numbers hold.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Language } from '../runs/language.ts';
import type { CodeSource } from '../runs/code-source.ts';
import { looksLikeEsm } from '../runs/esm.ts';
import { SANDBOX_WORKDIR } from './workdir.ts';

export interface CodeFile {
  /** Absolute sandbox path, for the filesystem and shell tools. */
  path: string;
  /**
   * The same, relative to the working directory, for run_code: its cwd is the working
   * directory (addendum §5), and the local server maps that directory elsewhere.
   */
  relative: string;
  /** Written for this run only (not the workflow's own file): removed after it. */
  temporary: boolean;
}

/** The extensions each interpreter takes its programs by; the first is the one we write. */
const EXTENSIONS: Record<Language, string[]> = {
  python: ['.py'],
  javascript: ['.js', '.cjs', '.mjs'],
  r: ['.R', '.r'],
  java: ['.java'],
};

/** Code that is a whole workspace file, not a Markdown block or a notebook cell of one. */
export function isWholeFile(source: CodeSource): boolean {
  return (
    source.kind === 'file' &&
    Boolean(source.path) &&
    source.fenceLine === undefined &&
    source.cell === undefined
  );
}

/**
 * The workflow's own file at its own path, as `python path/to/file.py` would run it; code from
 * `code` or from a Markdown block gets a file of its own in the working directory (so relative
 * imports resolve from there, as they do for run_code); so does a notebook cell. ES-module JavaScript needs `.mjs`: the
 * sandbox's Node (18) does not detect module syntax in a `.js` file, so such a file runs from
 * a copy beside it.
 */
export function codeFileFor(source: CodeSource, language: Language, code: string): CodeFile {
  const esm = language === 'javascript' && looksLikeEsm(code);
  const token = randomBytes(4).toString('hex');
  if (isWholeFile(source) && source.path) {
    const ext = path.posix.extname(source.path);
    if (EXTENSIONS[language].includes(ext) && (!esm || ext === '.mjs')) {
      return file(source.path, false);
    }
    if (esm && ext !== '.mjs') {
      const base = source.path.slice(0, source.path.length - ext.length);
      return file(`${base}.agentbay-${token}.mjs`, true);
    }
  }
  const ext = esm ? '.mjs' : EXTENSIONS[language][0]!;
  return file(`.agentbay-code-${token}${ext}`, true);
}

function file(relative: string, temporary: boolean): CodeFile {
  return { path: `${SANDBOX_WORKDIR}/${relative}`, relative, temporary };
}

/**
 * A run_code cell that runs the file as its language would run a program, in the session's
 * interpreter. `envPrefix` sets the variables first (JavaScript, R). Null for Java, whose
 * run_code wraps what it gets in a class: Java runs such code as a program instead.
 */
export function runFromFileCode(
  language: Language,
  file: CodeFile,
  envPrefix: string,
): string | null {
  const p = JSON.stringify(file.relative);
  switch (language) {
    case 'python':
      // The file's last expression stays the cell's result, as in a cell; the helper leaves
      // nothing behind in the session's namespace.
      return [
        'def _ab_run_file(path, temporary):',
        '    import ast, os',
        '    path = os.path.abspath(path)',
        '    try:',
        "        with open(path, encoding='utf-8-sig') as fh:",
        '            tree = ast.parse(fh.read(), path)',
        '        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None',
        "        exec(compile(tree, path, 'exec'), globals())",
        '        if last is not None:',
        "            return eval(compile(ast.Expression(last.value), path, 'eval'), globals())",
        '    finally:',
        '        if temporary:',
        '            os.remove(path)',
        `globals().pop('_ab_run_file')(${p}, ${file.temporary ? 'True' : 'False'})`,
      ].join('\n');
    case 'javascript': {
      // As `node file`: Node's own entry point loads it (CommonJS or ES module by extension),
      // so require.main, process.argv[1] and relative imports are what the program expects.
      const cleanup = file.temporary
        ? `process.on('exit',()=>{try{require('fs').rmSync(f,{force:true})}catch{}});`
        : '';
      return `${envPrefix}(()=>{const f=require('path').resolve(${p});${cleanup}process.argv[1]=f;require('module').runMain()})();`;
    }
    case 'r':
      return file.temporary
        ? `${envPrefix}tryCatch(source(${p}, print.eval = TRUE), finally = unlink(${p}))`
        : `${envPrefix}source(${p}, print.eval = TRUE)`;
    case 'java':
      return null;
  }
}

/** Bytes of the run_code Args this code makes: the size the gateway limits. */
export function runCodeArgsBytes(code: string, language: Language, timeoutS: number): number {
  return Buffer.byteLength(JSON.stringify({ code, language, timeout_s: timeoutS }));
}
