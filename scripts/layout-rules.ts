// The folders of src/ and which others each may import: dependencies point one way, from the
// step down to text/. One copy, read by eslint.config.js (a `no-restricted-imports` rule per
// folder) and by scripts/layout.ts (which prints the imports that break it).

export interface FolderRule {
  /** What lives there, one line (CONTRIBUTING.md's Layout section says the same). */
  holds: string;
  /** The other folders of src/ its modules may import. */
  mayImport: readonly string[];
}

/** Listed from the bottom up: a folder may import only folders listed before it. */
export const FOLDERS: Readonly<Record<string, FolderRule>> = {
  text: {
    holds: 'text and JSON helpers: clipping, printable ids, secrets, JSON reading',
    mayImport: [],
  },
  state: {
    holds: 'the main-to-post contract: saved state, ownership, labels',
    mayImport: ['text'],
  },
  github: { holds: 'runner context, PR comment and artifact clients', mayImport: ['text'] },
  runs: {
    holds: 'what a run is: languages, code sources, results, Markdown blocks, notebooks, judging',
    mayImport: ['text'],
  },
  agentbay: {
    holds: 'the AgentBay client: transport, sessions, tools, contexts; knows nothing of GitHub',
    mayImport: ['text', 'runs'],
  },
  report: {
    holds: 'pure renderers of results (summary, outputs, comment, annotations); no HTTP',
    mayImport: ['text', 'github', 'runs'],
  },
  inputs: {
    holds: 'pure: `with:` to typed inputs, parsers, workspace files and globs',
    mayImport: ['text', 'state', 'github', 'runs'],
  },
  syntax: {
    holds: 'the syntax check on the runner, before any session',
    mayImport: ['text', 'runs', 'agentbay', 'inputs'],
  },
  sandbox: {
    holds: 'one session as a work environment: upload, setup, run code, download',
    mayImport: ['text', 'runs', 'agentbay', 'report', 'inputs'],
  },
  pool: {
    holds: 'planned runs spread over sessions, output budget',
    mayImport: ['text', 'runs', 'agentbay', 'report', 'inputs', 'sandbox'],
  },
  step: {
    holds: 'main and post orchestration, step session, cancellation, failure, publishing',
    mayImport: [
      'text',
      'state',
      'github',
      'runs',
      'agentbay',
      'report',
      'inputs',
      'syntax',
      'sandbox',
      'pool',
    ],
  },
};

/** Files at the top of src/ that folders may import: leaves with no imports of src/. */
export const SHARED_TOP_LEVEL: readonly string[] = ['version.ts', 'undici.ts'];

/** The entries, which nothing imports. */
export const ENTRIES: readonly string[] = ['main.ts', 'post.ts'];

/** Whether a module of `from` (a folder, or '' for the top of src/) may import `target`. */
export function mayImport(from: string, targetFolder: string, targetFile: string): boolean {
  if (from === '' || from === targetFolder) return true;
  if (targetFolder === '') return SHARED_TOP_LEVEL.includes(targetFile);
  return FOLDERS[from]?.mayImport.includes(targetFolder) ?? false;
}

/** ESLint's `no-restricted-imports` options for one folder's modules. */
export function restrictedImportsFor(folder: string): {
  patterns: { group: string[]; message: string }[];
} {
  const allowed = FOLDERS[folder]?.mayImport ?? [];
  const others = Object.keys(FOLDERS).filter((name) => name !== folder && !allowed.includes(name));
  const topLevel = ['main', 'post', 'early-check'];
  const may = allowed.length ? allowed.map((name) => `${name}/`).join(', ') : 'no other folder';
  return {
    patterns: [
      {
        group: [...others.map((name) => `../${name}/*`), ...topLevel.map((name) => `../${name}.*`)],
        message: `${folder}/ may import only ${may} (dependencies point one way: scripts/layout-rules.ts).`,
      },
    ],
  };
}
