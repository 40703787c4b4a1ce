import { InputError } from './input-error.ts';
import type { InputReader } from './parse.ts';

/**
 * The API key, from `api-key` or else the AGENTBAY_API_KEY environment variable: the one
 * input that needs the raw environment (a secret has no place in the runner context).
 */
export function readApiKey(read: InputReader, env: NodeJS.ProcessEnv): string {
  const key = read('api-key') || (env.AGENTBAY_API_KEY ?? '').trim();
  if (!key) {
    throw new InputError(
      'api-key',
      'is required: pass an AgentBay API key from a secret (api-key: ${{ secrets.AGENTBAY_API_KEY }}) or set the AGENTBAY_API_KEY environment variable',
    );
  }
  if (/\s/.test(key)) throw new InputError('api-key', 'must not contain white space');
  return key;
}
