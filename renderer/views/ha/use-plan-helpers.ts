/**
 * The background helpers of an open HA plan (wizard or edit dialog), bound to one pool through the
 * Bridge: VM.assert_agile per VM, and the pool's failure capacity for a planned configuration (capped
 * as the pool asks). Both read only; both stop when the wizard or dialog closes.
 */
import { useEffect, useState } from 'react';
import type { Bridge } from '../../../shared/bridge';
import { useBridge } from '../../bridge-context';
import { appStore } from '../../store';
import { AgilityChecks, askAgility } from './agility';
import { capMaximum, FailureCapacity } from './failure-capacity';
import { poolOf } from './ha-plan-model';

export interface PlanHelpers {
  agility: AgilityChecks;
  capacity: FailureCapacity;
}

export function planHelpers(bridge: Bridge, connectionId: string, pool = () => poolOf(appStore.getState().mirrors[connectionId])?.[1]): PlanHelpers {
  const call = (method: string, params: unknown[]) => bridge.request('xapi.call', { connectionId, method, params });
  return {
    agility: new AgilityChecks((ref) => askAgility(() => call('VM.assert_agile', [ref]))),
    // XML-RPC servers send the int as a string.
    capacity: new FailureCapacity(async (config) => capMaximum(Number(await call('pool.ha_compute_hypothetical_max_host_failures_to_tolerate', [config])), pool())),
  };
}

export function usePlanHelpers(connectionId: string): PlanHelpers {
  const bridge = useBridge();
  const [helpers] = useState(() => planHelpers(bridge, connectionId));
  useEffect(() => {
    helpers.agility.open();
    helpers.capacity.open();
    return () => {
      helpers.agility.close();
      helpers.capacity.close();
    };
  }, [helpers]);
  return helpers;
}
