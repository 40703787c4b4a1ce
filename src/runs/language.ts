/** The languages run_code accepts, in their canonical spelling. */
export type Language = 'python' | 'javascript' | 'r' | 'java';

const ALIASES: Record<string, Language> = {
  python: 'python',
  py: 'python',
  python3: 'python',
  javascript: 'javascript',
  js: 'javascript',
  node: 'javascript',
  nodejs: 'javascript',
  r: 'r',
  java: 'java',
};

export const LANGUAGE_SPELLINGS = Object.keys(ALIASES);

/** The canonical language for a spelling the SDK accepts (case-insensitive), else undefined. */
export function canonicalLanguage(spelling: string): Language | undefined {
  return ALIASES[spelling.trim().toLowerCase()];
}
