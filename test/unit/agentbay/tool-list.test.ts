import { describe, expect, it } from 'vitest';
import { toolNames } from '../../../src/agentbay/tool-list.ts';
import { requireRunCode } from '../../../src/step/step-session.ts';

describe('the ToolList of a create answer', () => {
  const listed = [{ name: 'run_code', server: 'wuying_codespace' }, { name: 'shell' }];

  it('reads the names from the JSON string the model has, or from the list itself', () => {
    expect(toolNames(JSON.stringify(listed))).toEqual(['run_code', 'shell']);
    expect(toolNames(listed)).toEqual(['run_code', 'shell']);
    expect(toolNames(JSON.stringify(JSON.stringify(listed)))).toEqual(['run_code', 'shell']);
    expect(toolNames([{ tool: 'run_code' }])).toEqual(['run_code']);
  });

  it.each([
    ['absent', undefined],
    ['empty text', ''],
    ['an empty list', '[]'],
    ['not JSON', '[{"name": "run_c'],
    ['an object', '{"name":"run_code"}'],
    ['a number', 42],
    ['null', null],
    ['items without names', '[1, "run_code", null, {"name": 7}, {"name": {"x": 1}}]'],
    ['a deeply nested list', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ])('%s says nothing: the caller goes on', (_what, value) => {
    expect(toolNames(value)).toBeUndefined();
  });

  it('reads a hostile list only so far, and no over-long name', () => {
    const huge = Array.from({ length: 200_000 }, (_, i) => ({ name: `t${i}` }));
    expect(toolNames(huge)).toHaveLength(1000);
    expect(toolNames([{ name: 'x'.repeat(10_000) }, { name: 'shell' }])).toEqual(['shell']);
  });
});

describe('an image without run_code', () => {
  it('is refused with a message that says so and names the image', () => {
    expect(() => requireRunCode('linux_latest', ['shell', 'read_file'])).toThrow(
      'image "linux_latest" offers no run_code tool (its tools: shell, read_file), so it cannot run the code; use code_latest or a custom image built from a code image in the AgentBay console.',
    );
  });

  it('lets through a list with run_code, and a create that listed nothing', () => {
    expect(() => requireRunCode('imgc-1', ['shell', 'run_code'])).not.toThrow();
    expect(() => requireRunCode('imgc-1', undefined)).not.toThrow();
  });

  it('keeps a hostile list and image id short and escaped', () => {
    const tools = Array.from({ length: 500 }, (_, i) => `tool\n::error::${i}${'y'.repeat(100)}`);
    let message = '';
    try {
      requireRunCode(`img\n${'z'.repeat(5000)}`, tools);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(1000);
    expect(message).toContain('(500 in all)');
    expect(message).not.toContain('\n');
  });
});
