// What shell.ts and sandbox-files.ts need of the client: one MCP tool call on a session.
// AgentBayClient is one; they name only this, so they sit below the client, not above it.
import type { RetryPolicy } from './errors.ts';

export interface ToolCall {
  name: string;
  server: string;
  args: Record<string, unknown>;
}

export interface ToolOutcome {
  text: string;
  isError: boolean;
  requestId: string;
}

export interface ToolCaller {
  callTool(
    sessionId: string,
    tool: ToolCall,
    options?: { timeoutMs?: number; retry?: RetryPolicy },
  ): Promise<ToolOutcome>;
}
