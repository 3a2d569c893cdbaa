/**
 * xapi's with_*_operation: an object (VM, host, VDI…) lists an operation in `current_operations`, keyed by
 * the task that runs it (a fresh ref for a synchronous call), for as long as the operation runs.
 */
import type { CallContext } from '../rpc/call-context';

export async function withCurrentOperation<T>(call: CallContext, cls: string, ref: string, op: string, body: () => Promise<T>, refresh?: () => void): Promise<T> {
  const key = call.task?.ref ?? call.db.newRef();
  const ops = (): Record<string, string> => ({ ...(call.db.get(cls, ref).current_operations as Record<string, string>) });
  call.db.update(cls, ref, { current_operations: { ...ops(), [key]: op } });
  refresh?.();
  try {
    return await body();
  } finally {
    if (call.db.has(cls, ref)) {
      const left = ops();
      delete left[key];
      call.db.update(cls, ref, { current_operations: left });
      refresh?.();
    }
  }
}
