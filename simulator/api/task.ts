/** task.*: create, cancel (TASK_CANCELLED in the task's error_info), destroy, and the setters clients use on their own tasks. */
import type { ApiRegistry } from '../rpc/api-registry';

export function installTaskApi(api: ApiRegistry): void {
  api.register('task.create', (call, label: string, description: string) => call.pool.tasks.create(label, description, call.host.ref, call.session?.ref).ref);
  api.register('task.cancel', (call, task: string) => call.pool.tasks.cancel(task));
  api.register('task.destroy', (call, self: string) => call.pool.tasks.destroy(self));
  for (const field of ['status', 'progress', 'result', 'error_info'] as const) {
    api.register(`task.set_${field}`, (call, self: string, value: unknown) => {
      call.db.get('task', self);
      call.db.update('task', self, { [field]: value });
    });
  }
}
