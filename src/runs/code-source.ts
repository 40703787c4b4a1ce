/** Where the code came from: the `code` input, or a file in the workspace. */
export interface CodeSource {
  kind: 'inline' | 'file';
  /** For a file: its path relative to the workspace, as the user gave it (normalised). */
  path?: string;
  /** A fenced block of a Markdown page (`path`): the 1-based line of its opening fence. */
  fenceLine?: number;
  /** A code cell of a notebook (`path`): its 1-based number; 0 for the injected parameters cell. */
  cell?: number;
}

/** How reports name a run: a file's path, a block as `page.md:line`, a cell as `nb.ipynb cell 3`. */
export function sourceName(source: CodeSource): string {
  if (source.kind !== 'file') return 'inline code';
  const file = source.path ?? '';
  if (source.cell !== undefined) {
    return source.cell === 0 ? `${file} injected parameters` : `${file} cell ${source.cell}`;
  }
  return source.fenceLine ? `${file}:${source.fenceLine}` : file;
}
