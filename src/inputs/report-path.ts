// `junit-file`: a file the step writes into the workspace. Checked before anything is spent,
// like every input: it must stay inside the workspace as written and after following links,
// so a step cannot be talked into writing over a file elsewhere on the runner.
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { InputError } from './input-error.ts';
import { isInside } from './workspace-files.ts';

/** The absolute path to write, or '' when the input is empty. */
export function resolveReportPath(input: string, value: string, workspace: string): string {
  if (!value) return '';
  const refuse = (why: string): never => {
    throw new InputError(
      input,
      `must be a file path relative to the workspace and inside it (e.g. reports/junit.xml); '${value}' ${why}`,
    );
  };
  if (value.includes('\0') || /[\r\n]/.test(value)) refuse('holds a control character');
  if (path.isAbsolute(value) || /^[A-Za-z]:/.test(value)) refuse('is absolute');
  if (value.endsWith('/') || value.endsWith(path.sep)) refuse('names a directory');
  const root = realpathSync(workspace);
  const target = path.resolve(root, value);
  if (!isInside(root, target)) refuse('leads out of it');
  // The nearest existing ancestor, with its links followed, must still be inside.
  let existing = path.dirname(target);
  while (!exists(existing)) existing = path.dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    return refuse('is below a link that leads nowhere');
  }
  if (real !== root && !isInside(root, real)) refuse(`is below a link to ${real}, outside it`);
  if (exists(target)) {
    const stats = lstatSync(target);
    if (stats.isSymbolicLink()) refuse('is a link; the step writes a file of its own there');
    if (!stats.isFile()) refuse('exists and is not a regular file');
  }
  return path.join(real, path.relative(existing, target));
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
