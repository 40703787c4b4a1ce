/** Where the code came from: the `code` input, or a file in the workspace. */
export interface CodeSource {
  kind: 'inline' | 'file';
  /** For a file: its path relative to the workspace, as the user gave it (normalised). */
  path?: string;
  /** A fenced block of a Markdown page (`path`): the 1-based line of its opening fence. */
  fenceLine?: number;
}
