import v8 from 'node:v8';
import vm from 'node:vm';

/** Past this many characters, a response is worth a collection between decoding stages. */
export const LARGE_TEXT = 16 * 1024 * 1024;

let collect: (() => void) | undefined;

/**
 * Frees the copies of a large response that the stage before left behind (the raw bytes,
 * the JSON text, the envelope), before the next stage makes its own. V8 would free them in
 * time, but with gigabytes of heap room it lets several 100 MB copies pile up first, and
 * peak memory is what a runner runs out of. Only ever called for large responses.
 */
export function releaseLargeCopies(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

/**
 * Makes a string built from pieces one string now, in place (V8 rewrites it), so the
 * pieces can be freed before anything else copies the text.
 */
export function flatten(text: string): void {
  text.indexOf('\u0000');
}
