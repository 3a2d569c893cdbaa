/**
 * The HA plan's checks, shared by the wizard's Next and the edit dialog's OK: whole numbers for order and
 * delay, agility known for the VMs that need it, the pool's answer for the final plan, and a number of
 * failures to tolerate the pool can cover. They wait for the background answers rather than refuse.
 */
import type { PageErrors } from '../../components/wizard-model';
import { capacityProblem } from './failure-capacity';
import { hypotheticalConfiguration, parseCount, rowErrors, rowsAwaitingAgility, type PlanRow } from './ha-plan-model';
import type { PlanHelpers } from './use-plan-helpers';

/** The failures to tolerate the plan stands for: the one typed, else the pool's maximum; undefined while unknown. */
export function planNtol(ntolText: string | null, helpers: PlanHelpers): number | undefined {
  if (ntolText !== null) return parseCount(ntolText);
  const state = helpers.capacity.current();
  return state.status === 'done' ? state.max : undefined;
}

/**
 * The plan page's check on Next / OK: numbers that are whole, agility known for the VMs that need it, the
 * pool's answer for the final plan, and a number to tolerate the pool can cover. Waits for the answers.
 */
export async function validatePlan(rows: readonly PlanRow[], ntolText: string | null, helpers: PlanHelpers): Promise<PageErrors> {
  const errors: PageErrors = rowErrors(rows);
  if (Object.keys(errors).length) return { ...errors, page: Object.values(errors)[0] };
  await helpers.agility.settled(rowsAwaitingAgility(rows).map((r) => r.ref));
  helpers.capacity.request(hypotheticalConfiguration(rows, (ref) => helpers.agility.get(ref)));
  const state = await helpers.capacity.settled();
  const ntol = ntolText === null ? (state.status === 'done' ? state.max : undefined) : parseCount(ntolText);
  const problem = capacityProblem(state, ntol);
  return problem ? { ntolText: problem } : {};
}
