// Where a downloaded file goes on the runner. Its name comes from the sandbox, which is not
// trusted: it may carry a secret, characters the artifact upload refuses or a terminal (and
// `ls`) prints as workflow commands, or nest thousands of directories deep.
import type { Redactor } from '../text/secrets.ts';
import { clip } from '../text/clip.ts';

/** Directories a downloaded path may nest (each one is made on the runner's disk). */
export const MAX_DOWNLOAD_DEPTH = 32;
/** Characters of a downloaded path, relative to the download directory. */
export const MAX_DOWNLOAD_PATH_CHARS = 1024;
/** Characters of one name in a path (most file systems take 255 bytes). */
const MAX_NAME_CHARS = 200;
/** How much of a refused name a warning quotes. */
const QUOTED_NAME_CHARS = 200;

/**
 * Characters @actions/artifact refuses in a path (`"`, `:`, `<`, `>`, `|`, `*`, `?`, CR, LF),
 * every other control character, and the `*` of a redacted secret.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[":<>|*?\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export type LocalName =
  | { kind: 'kept'; path: string }
  /** Written under a safe name; `path` is that name, `original` the sandbox's (made printable). */
  | { kind: 'renamed'; path: string; original: string }
  | { kind: 'refused'; reason: string };

/** The relative path (`/`-separated) a file from the sandbox is written to, or why not. */
export function localName(sandboxPath: string, redact: Redactor): LocalName {
  const parts = sandboxPath.split('/');
  if (parts.length > MAX_DOWNLOAD_DEPTH) {
    return refused(
      sandboxPath,
      redact,
      `it nests ${parts.length} levels deep, more than ${MAX_DOWNLOAD_DEPTH}`,
    );
  }
  if (sandboxPath.length > MAX_DOWNLOAD_PATH_CHARS) {
    return refused(
      sandboxPath,
      redact,
      `its path is ${sandboxPath.length} characters long, more than ${MAX_DOWNLOAD_PATH_CHARS}`,
    );
  }
  if (parts.some((part) => part.length > MAX_NAME_CHARS)) {
    return refused(sandboxPath, redact, `a name in it is longer than ${MAX_NAME_CHARS} characters`);
  }
  const safe = parts.map((part) => redact(part).replace(UNSAFE, '_')).join('/');
  if (safe === sandboxPath) return { kind: 'kept', path: safe };
  return { kind: 'renamed', path: safe, original: printable(sandboxPath, redact) };
}

/** A sandbox path as a warning may quote it: redacted, escaped, and short. */
export function printable(sandboxPath: string, redact: Redactor): string {
  return JSON.stringify(clip(redact(sandboxPath), QUOTED_NAME_CHARS));
}

function refused(sandboxPath: string, redact: Redactor, why: string): LocalName {
  return {
    kind: 'refused',
    reason: `${printable(sandboxPath, redact)} was not downloaded: ${why}`,
  };
}
