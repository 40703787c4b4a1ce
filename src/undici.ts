// The parts of undici this action uses, in place of undici's index, which loads all of it
// (fetch, WebSocket, caches, mocks…) at start-up: a third of the start-up time of a step.
// tsconfig.json maps `undici` here, for the bundle too, so @actions/http-client and
// @actions/github get these same parts: one undici, the version they require.
import type * as Undici from 'undici-types';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import ProxyAgentClass from 'undici/lib/dispatcher/proxy-agent.js';
import EnvHttpProxyAgentClass from 'undici/lib/dispatcher/env-http-proxy-agent.js';

export type { Dispatcher } from 'undici-types';

// As undici's index does: request() and the rest of the API on every dispatcher.
Object.assign((Dispatcher as { prototype: object }).prototype, api);

export const Agent = AgentClass as typeof Undici.Agent;
export const ProxyAgent = ProxyAgentClass as typeof Undici.ProxyAgent;
export const EnvHttpProxyAgent = EnvHttpProxyAgentClass as typeof Undici.EnvHttpProxyAgent;

/** @actions/github's proxy-aware fetch, for the pull-request comment only: loaded on first use. */
export const fetch: typeof Undici.fetch = async (input, init) => {
  const loaded = (await import('undici/lib/web/fetch/index.js')) as unknown as {
    default: { fetch: typeof Undici.fetch };
  };
  return loaded.default.fetch(input, init);
};
