// GetContextInfo's Data.ContextStatus: a JSON string holding [{type, data}] where the `data`
// of type "data" is another JSON string holding the task list (addendum §4.4).
import { isObject, parseIfText, stringField } from '../text/json.ts';

export interface ContextTask {
  contextId: string;
  path: string;
  /** `Success`, `Failed`, or an in-progress value (Unknown on the real service: pending). */
  status: string;
  errorMessage: string;
  taskType: string;
}

export function parseContextStatus(data: unknown): ContextTask[] {
  if (!isObject(data)) return [];
  const outer = parseIfText(data.ContextStatus);
  if (!Array.isArray(outer)) return [];
  const tasks: ContextTask[] = [];
  for (const entry of outer) {
    if (!isObject(entry) || entry.type !== 'data') continue;
    const list = parseIfText(entry.data);
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isObject(item)) continue;
      tasks.push({
        contextId: stringField(item, 'contextId'),
        path: stringField(item, 'path'),
        status: stringField(item, 'status'),
        errorMessage: stringField(item, 'errorMessage'),
        taskType: stringField(item, 'taskType'),
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
