import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../../shared/xapi/generated/records';
import { createTaskLog, observeTasks, pruneTaskLog, recordFinished, recordLaunch, recordLaunchFailure, FINISHED_TASK_TTL_MS } from './task-log';

const task = (over: Partial<TaskRecord>): TaskRecord =>
  ({ uuid: 'u', name_label: 'Async.VM.start', name_description: '', allowed_operations: [], current_operations: {}, created: '20260101T10:00:00Z', finished: '19700101T00:00:00Z', status: 'pending', resident_on: 'OpaqueRef:NULL', progress: 0, type: '', result: '', error_info: [], other_config: {}, subtask_of: 'OpaqueRef:NULL', subtasks: [], backtrace: '', ...over }) as TaskRecord;
const describeTask = (t: TaskRecord) => ({ title: t.name_label, targetName: '—' });

describe('task log', () => {
  it('keeps a finished task with its title, target, duration and error after XAPI destroys it', () => {
    const log = createTaskLog();
    recordLaunch(log, 'OpaqueRef:t1', { connectionId: 'c', title: 'Start', targetName: 'web-01', targetRef: 'OpaqueRef:vm' }, 1000);
    const pending = new Map([['OpaqueRef:t1', task({})]]);
    observeTasks(log, 'c', pending, undefined, describeTask, 1000);
    expect(log.getState().finished).toEqual([]);
    const failed = new Map([['OpaqueRef:t1', task({ status: 'failure', finished: '20260101T10:00:07Z', error_info: ['HOST_NOT_ENOUGH_FREE_MEMORY', '100', '50'] })]]);
    observeTasks(log, 'c', failed, pending, describeTask, 9000);
    observeTasks(log, 'c', new Map(), failed, describeTask, 9500);
    const [f] = log.getState().finished;
    expect(log.getState().finished).toHaveLength(1);
    expect(f).toMatchObject({ title: 'Start', targetName: 'web-01', status: 'failure', elapsedMs: 7000, error: { code: 'HOST_NOT_ENOUGH_FREE_MEMORY', params: ['100', '50'] } });
  });

  it('records a pending task that vanished as finished, and names tasks of other clients from XAPI', () => {
    const log = createTaskLog();
    const pending = new Map([['OpaqueRef:t2', task({ name_label: 'Async.VM.clean_shutdown' })]]);
    observeTasks(log, 'c', pending, undefined, describeTask, 0);
    observeTasks(log, 'c', new Map(), pending, describeTask, 3000);
    expect(log.getState().finished[0]).toMatchObject({ title: 'Async.VM.clean_shutdown', status: 'success' });
  });

  it('keeps nothing about a task it leaves out (a synchronous call\'s task coming and going every 20 s)', () => {
    const log = createTaskLog();
    const read = new Map([['OpaqueRef:r', task({ name_label: 'host.call_plugin' })]]);
    observeTasks(log, 'c', read, undefined, () => undefined, 0);
    observeTasks(log, 'c', new Map(), read, () => undefined, 100);
    expect(log.getState()).toMatchObject({ finished: [], firstSeen: {} });
  });

  it('lists a task this window ran itself once, whether it records the end first or the mirror sees it first', () => {
    const log = createTaskLog();
    const info = { connectionId: 'c', title: 'Save properties', targetName: 'web-01' };
    recordLaunch(log, 'OpaqueRef:s', info, 0);
    const pending = new Map([['OpaqueRef:s', task({ name_label: 'Save properties' })]]);
    observeTasks(log, 'c', pending, undefined, () => undefined, 0);
    recordFinished(log, 'OpaqueRef:s', info, { status: 'failure', error: { code: 'VM_BAD_POWER_STATE', params: [] } }, 500);
    observeTasks(log, 'c', new Map(), pending, () => undefined, 600);
    recordFinished(log, 'OpaqueRef:s', info, { status: 'failure' }, 700);
    expect(log.getState().finished).toMatchObject([{ title: 'Save properties', status: 'failure', elapsedMs: 500, error: { code: 'VM_BAD_POWER_STATE' } }]);
    expect(log.getState().finished).toHaveLength(1);
  });

  it('lists a call the pool refused before any task existed, and forgets finished tasks after the TTL', () => {
    const log = createTaskLog();
    recordLaunchFailure(log, { connectionId: 'c', title: 'Start', targetName: 'db' }, { code: 'VM_BAD_POWER_STATE', params: ['r', 'halted', 'running'], message: 'x' }, 5);
    expect(log.getState().finished[0]).toMatchObject({ status: 'failure', error: { code: 'VM_BAD_POWER_STATE', message: 'x' } });
    pruneTaskLog(log, 5 + FINISHED_TASK_TTL_MS - 1);
    expect(log.getState().finished).toHaveLength(1);
    pruneTaskLog(log, 5 + FINISHED_TASK_TTL_MS);
    expect(log.getState().finished).toHaveLength(0);
  });
});
