/**
 * How long moving a VM takes: disks stream at storage speed, memory at network speed, and a running guest's
 * memory goes in rounds (all pages, then the pages it dirtied meanwhile, until a small enough remainder is
 * copied with the guest paused). The time passes on the simulated clock in small slices, so the task's
 * progress moves and a task.cancel stops the transfer between two slices (TASK_CANCELLED).
 */
import type { CallContext } from '../rpc/call-context';
import type { XRecord } from '../db/object-db';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Simulated throughput: storage migration over a 10 GbE storage network, memory over the migration network. */
export const TRANSFER_RATES = { diskBytesPerSecond: 512 * MiB, memoryBytesPerSecond: 1 * GiB };
/** Live migration stops iterating once a round would copy less than this, or after this many rounds. */
const STOP_AND_COPY_BYTES = 32 * MiB;
const MAX_ROUNDS = 6;
/** The longest simulated sleep between two progress reports. */
const SLICE_MS = 1000;

export interface TransferStep {
  bytes: number;
  bytesPerSecond: number;
  /** Runs once the step's bytes have arrived (a disk is complete on the destination). */
  done?: () => void;
}

/** Memory a VM's domain holds now. */
export function domainMemoryBytes(db: CallContext['db'], vm: XRecord): number {
  const metrics = db.find('VM_metrics', String(vm.metrics));
  return Number(metrics?.memory_actual) || Number(vm.memory_target) || Number(vm.memory_dynamic_max) || 0;
}

/** A stable 0..1 per VM (how busy its guest is): busier guests dirty more pages per round. */
function activity(uuid: string): number {
  let h = 2166136261;
  for (let i = 0; i < uuid.length; i++) h = Math.imul(h ^ uuid.charCodeAt(i), 16777619) >>> 0;
  return h / 4294967296;
}

/** The bytes of each memory round for a live migration; a paused guest dirties nothing, so one round. */
export function memoryRounds(vm: XRecord, memoryBytes: number): number[] {
  if (memoryBytes <= 0) return [];
  const rounds = [memoryBytes];
  if (vm.power_state !== 'Running') return rounds;
  const dirtyRatio = 0.08 + 0.22 * activity(String(vm.uuid));
  while (rounds.length < MAX_ROUNDS) {
    const next = Math.round(rounds[rounds.length - 1] * dirtyRatio);
    rounds.push(next);
    if (next < STOP_AND_COPY_BYTES) break;
  }
  return rounds;
}

export function memorySteps(vm: XRecord, memoryBytes: number): TransferStep[] {
  return memoryRounds(vm, memoryBytes).map((bytes) => ({ bytes, bytesPerSecond: TRANSFER_RATES.memoryBytesPerSecond }));
}

function stepMs(s: TransferStep): number {
  return (s.bytes / s.bytesPerSecond) * 1000;
}

/**
 * Spends the steps' time on the simulated clock and reports progress from `from` to `to` (fractions of the
 * whole task). Inside a task a cancel interrupts it with TASK_CANCELLED; the caller undoes what it started.
 */
export async function runTransfer(call: CallContext, steps: TransferStep[], from = 0, to = 0.95): Promise<void> {
  const total = steps.reduce((n, s) => n + stepMs(s), 0);
  let elapsed = 0;
  for (const step of steps) {
    let left = stepMs(step);
    while (left > 0) {
      const slice = Math.min(left, SLICE_MS);
      if (call.task) await call.task.sleep(slice);
      else await call.clock.sleep(slice);
      left -= slice;
      elapsed += slice;
      call.task?.progress(from + (to - from) * (total ? elapsed / total : 1));
    }
    call.task?.throwIfCancelled();
    step.done?.();
  }
  call.task?.throwIfCancelled();
}
