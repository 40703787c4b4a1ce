/**
 * ES-module syntax: Node runs such code only from a module file (`.mjs`), so the syntax check,
 * the code runner and the local server (server/languages.ts) all decide by this one test.
 */
const ESM_SYNTAX = /^[ \t]*(?:import\b[ \t]*(?:[\w*{$]|['"])|import\.meta\b|export\b[ \t]*[\w*{])/m;

export function looksLikeEsm(code: string): boolean {
  return ESM_SYNTAX.test(code);
}
