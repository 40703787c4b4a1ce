// GetContextInfo's Data.ContextStatus: a JSON string holding [{type, data}] where the `data`
// of type "data" is another JSON string holding the task list (addendum §4.4).

export interface ContextTask {
  contextId: string;
  path: string;
  /** `Success`, `Failed`, or an in-progress value (Unknown on the real service: pending). */
  status: string;
  errorMessage: string;
  taskType: string;
}

export function parseContextStatus(data: unknown): ContextTask[] {
  if (typeof data !== 'object' || data === null) return [];
  const status = (data as { ContextStatus?: unknown }).ContextStatus;
  const outer = parseJson(status);
  if (!Array.isArray(outer)) return [];
  const tasks: ContextTask[] = [];
  for (const entry of outer) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { type, data: inner } = entry as { type?: unknown; data?: unknown };
    if (type !== 'data') continue;
    const list = parseJson(inner);
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue;
      const t = item as Record<string, unknown>;
      tasks.push({
        contextId: text(t.contextId),
        path: text(t.path),
        status: text(t.status),
        errorMessage: text(t.errorMessage),
        taskType: text(t.taskType),
      });
    }
  }
  return tasks;
}

/** The SDK's list of "finished well" statuses, compared case-insensitively. */
const DONE = new Set(['success', 'successful', 'ok', 'finished', 'done', 'completed', 'complete']);

export type TaskState = 'done' | 'failed' | 'pending';

export function taskState(task: ContextTask): TaskState {
  if (task.errorMessage) return 'failed';
  const status = task.status.toLowerCase();
  if (DONE.has(status)) return 'done';
  if (status === 'failed') return 'failed';
  return 'pending';
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
