import { describe, expect, it } from 'vitest';
import { parseContextStatus, taskState } from '../../../src/agentbay/context-status.ts';

describe('parseContextStatus', () => {
  it('decodes the doubly encoded status of the recording', () => {
    const data = {
      ContextStatus:
        '[{"type":"data","data":"[{\\"contextId\\":\\"ctx-ft-0001\\",\\"path\\":\\"/tmp/file-transfer/up.bin\\",\\"errorMessage\\":\\"\\",\\"status\\":\\"Success\\",\\"startTime\\":1769679000,\\"finishTime\\":1769679001,\\"taskType\\":\\"download\\"}]"}]',
    };
    const tasks = parseContextStatus(data);
    expect(tasks).toEqual([
      {
        contextId: 'ctx-ft-0001',
        path: '/tmp/file-transfer/up.bin',
        status: 'Success',
        errorMessage: '',
        taskType: 'download',
      },
    ]);
    expect(taskState(tasks[0]!)).toBe('done');
  });

  it('treats anything unreadable as no tasks', () => {
    for (const data of [
      undefined,
      null,
      'x',
      { ContextStatus: 'not json' },
      { ContextStatus: '{}' },
      { ContextStatusDataList: [] },
      { ContextStatus: '[{"type":"other","data":"[]"}]' },
      { ContextStatus: '[{"type":"data","data":"[1,null,\\"x\\"]"}]' },
    ]) {
      expect(parseContextStatus(data)).toEqual([]);
    }
  });

  it('reads statuses case-insensitively; an error message fails the task; anything else is pending', () => {
    const task = (status: string, errorMessage = '') => ({
      contextId: 'c',
      path: 'p',
      status,
      errorMessage,
      taskType: 'upload',
    });
    expect(taskState(task('COMPLETED'))).toBe('done');
    expect(taskState(task('Failed'))).toBe('failed');
    expect(taskState(task('Success', 'disk full'))).toBe('failed');
    expect(taskState(task('Running'))).toBe('pending');
    expect(taskState(task(''))).toBe('pending');
  });
});
