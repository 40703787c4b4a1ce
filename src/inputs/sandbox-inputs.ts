// The inputs that make the sandbox a work environment: files in (upload), a setup script,
// variables (env, secret-env) and files out (download). Validated before any session exists.
import { InputError } from './input-error.ts';
import { MIN_SECRET_CHARS } from '../text/secrets.ts';
import type { SandboxInputs } from './sandbox-settings.ts';
import type { InputReader } from './parse.ts';
import { expandWorkspaceFiles, patternLines } from './workspace-files.ts';

/** Documented limits of `upload`, checked on the runner. */
export const MAX_UPLOAD_FILES = 1000;
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
export const MAX_ENV_VARIABLES = 100;
export const MAX_SETUP_BYTES = 32 * 1024;

/** secret-env alone, so its values can be masked before anything else is read or printed. */
export function readSecretEnv(read: InputReader): Record<string, string> {
  const values = parseEnv('secret-env', read('secret-env', { trimWhitespace: false }));
  for (const [name, value] of Object.entries(values)) {
    if (value.length < MIN_SECRET_CHARS) {
      throw new InputError(
        'secret-env',
        `values must be at least ${MIN_SECRET_CHARS} characters so they can be masked; '${name}' is shorter`,
      );
    }
  }
  return values;
}

export function readSandboxInputs(read: InputReader, workspace: string): SandboxInputs {
  const uploadLines = patternLines(read('upload'));
  const upload =
    uploadLines.length === 0
      ? []
      : expandWorkspaceFiles('upload', uploadLines, workspace, { maxFiles: MAX_UPLOAD_FILES });
  const total = upload.reduce((sum, file) => sum + file.size, 0);
  if (total > MAX_UPLOAD_BYTES) {
    throw new InputError(
      'upload',
      `may send at most ${MAX_UPLOAD_BYTES} bytes (${MAX_UPLOAD_BYTES / 1024 / 1024} MiB); the ${upload.length} matched files have ${total}`,
    );
  }
  const setup = read('setup', { trimWhitespace: false });
  if (Buffer.byteLength(setup) > MAX_SETUP_BYTES) {
    throw new InputError('setup', `must be at most ${MAX_SETUP_BYTES} bytes`);
  }
  if (setup.includes('\0')) throw new InputError('setup', 'must be text; it contains NUL bytes');
  const plain = parseEnv('env', read('env', { trimWhitespace: false }));
  const secretEnv = readSecretEnv(read);
  for (const name of Object.keys(plain)) {
    if (name in secretEnv) {
      throw new InputError('env', `and 'secret-env' both set '${name}'; set it in one of them`);
    }
  }
  return {
    upload,
    setup: setup.trim() ? setup : '',
    env: plain,
    secretEnv,
    download: parseDownload(read('download')),
  };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `KEY=value` lines (blank lines and `#` comments skipped) or a JSON object of strings. */
export function parseEnv(input: string, value: string): Record<string, string> {
  const text = value.trim();
  if (!text) return {};
  const accepted = 'must be KEY=value lines or a JSON object of strings ({"KEY": "value"})';
  const out: Record<string, string> = {};
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new InputError(input, `${accepted}; it starts with '{' but is not valid JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InputError(input, accepted);
    }
    for (const [name, item] of Object.entries(parsed)) {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw new InputError(input, `${accepted}; the value of '${name}' is not a string`);
      }
      out[name] = String(item);
    }
  } else {
    for (const [index, line] of value.split(/\r\n|\r|\n/).entries()) {
      if (!line.trim() || line.trim().startsWith('#')) continue;
      const eq = line.indexOf('=');
      if (eq < 0) {
        // Never echo the line: it may hold a secret.
        throw new InputError(input, `${accepted}; line ${index + 1} has no '='`);
      }
      out[line.slice(0, eq).trim()] = line.slice(eq + 1);
    }
  }
  const names = Object.keys(out);
  if (names.length > MAX_ENV_VARIABLES) {
    throw new InputError(input, `may set at most ${MAX_ENV_VARIABLES} variables`);
  }
  for (const name of names) {
    if (!ENV_NAME.test(name) || name.length > 128) {
      throw new InputError(
        input,
        `names must be letters, digits and '_', not starting with a digit; '${name.slice(0, 40)}' is not one`,
      );
    }
    if (/[\0]/.test(out[name]!))
      throw new InputError(input, `the value of '${name}' contains a NUL byte`);
  }
  return out;
}

/** Relative sandbox paths and globs; no absolute paths, no `..`, one per line. */
function parseDownload(value: string): string[] {
  const lines = patternLines(value);
  if (lines.length > 256) throw new InputError('download', 'may hold at most 256 lines');
  for (const line of lines) {
    const pattern = line.startsWith('!') ? line.slice(1) : line;
    const accepted = `must be paths or globs relative to the sandbox working directory (reports/*.csv), without '..'`;
    if (!pattern || pattern.startsWith('/') || pattern.split('/').includes('..')) {
      throw new InputError('download', `${accepted}; got '${line}'`);
    }
    if (/[\0\r\n]/.test(pattern) || pattern.length > 1024) {
      throw new InputError('download', `${accepted}; a line is not usable`);
    }
  }
  return lines;
}
