// What every file, page and cell the step runs must be: text, UTF-8, bounded.
import { InputError } from './input-error.ts';

export const MAX_CODE_BYTES = 512 * 1024;

/** Throws an InputError naming `input` (and the file) unless `bytes` is code the step can send. */
export function checkCodeText(input: string, bytes: Buffer, name?: string): void {
  const what = name ? `'${name}'` : 'the code';
  if (bytes.length > MAX_CODE_BYTES) {
    throw new InputError(
      input,
      `must be at most ${MAX_CODE_BYTES} bytes; ${what} has ${bytes.length}`,
    );
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(input, `must be UTF-8 text; ${what} is not`);
  }
  if (bytes.includes(0)) throw new InputError(input, `must be text; ${what} contains NUL bytes`);
}
