/**
 * The Migrate VM wizard, on the wizard frame, in XenCenter's three modes (CrossPoolMigrateWizard): Migrate
 * (running or suspended VMs), Move (halted VMs) and Copy (to another pool). Destination → Storage →
 * Networking (across pools) → Migration network (where disks or memory travel through migrate_send) →
 * Summary. Every page checks before Next; the last one asks the server about exactly what Finish will send.
 * Nothing is sent before Finish; the caller runs the plan (migration-runner.ts), one task per VM.
 */
import type { ReactNode } from 'react';
import { useBridge } from '../../bridge-context';
import { Wizard, type WizardChecks, type WizardPage } from '../../components/Wizard';
import './migration.css';
import { useMirrorStoreApi } from '../../store';
import { objectLabels, standaloneHost } from '../../store/object-labels';
import { DestinationPage, destinationVerdict } from './DestinationPage';
import { checkPlans, type XapiCaller } from './host-checks';
import { NetworkingPage, StoragePage, TransferNetworkPage } from './MappingPages';
import {
  disksOf, isIntraPool, MODE_WORDS, operationWords, planFor, skipNetworking, skipTransferNetwork, validateDestination, validateNetworking, validateStorage,
  validateTransferNetwork, vifsOf, type MigrationState, type Mirrors, type PageErrors,
} from './migration-model';

export interface MigrateVmWizardProps {
  initial: MigrationState;
  onDone: (state: MigrationState | undefined) => void;
}

/** The server's verdict on the plan, asked on the last page before the summary (once per plan). */
async function planVerdict(bridge: XapiCaller, mirrors: Mirrors, s: MigrationState, checks: WizardChecks): Promise<PageErrors> {
  const plans = planFor(mirrors, s);
  const check = await checks.run(`plan|${JSON.stringify(plans)}`, (signal) => checkPlans(bridge, mirrors, s.source, plans, signal));
  if (check.status !== 'done') return { page: 'Could not check the migration with the server: try again.' };
  const refusal = check.value as Awaited<ReturnType<typeof checkPlans>>;
  return refusal ? { page: `${refusal.reason}${refusal.advice ? ` ${refusal.advice}` : ''}${refusal.code ? ` (${refusal.code})` : ''}` } : {};
}

export function MigrateVmWizard({ initial, onDone }: MigrateVmWizardProps) {
  const bridge = useBridge();
  const store = useMirrorStoreApi();
  const mirrors = () => store.getState().mirrors;
  const words = MODE_WORDS[initial.mode];

  /** The page ids that show for `s`, in order (the last one asks the server about the plan). */
  const lastPage = (s: MigrationState) => (!skipTransferNetwork(mirrors(), s) ? 'transfer' : !skipNetworking(s) ? 'networking' : 'storage');
  const withPlanCheck = (id: string, own: (m: Mirrors, s: MigrationState) => PageErrors) => async (s: MigrationState, checks: WizardChecks): Promise<PageErrors> => {
    const errors = own(mirrors(), s);
    if (Object.values(errors).some(Boolean) || lastPage(s) !== id) return errors;
    return planVerdict(bridge, mirrors(), s, checks);
  };

  const pages: WizardPage<MigrationState>[] = [
    {
      id: 'destination',
      title: 'Destination',
      description: 'The server the VMs go to: one of this pool’s, or of another connected pool. Each is checked with the server as it shows.',
      validate: async (s, checks) => {
        const errors = validateDestination(mirrors(), s);
        if (Object.values(errors).some(Boolean)) return errors;
        const refused = await destinationVerdict(bridge, mirrors, s, checks);
        return refused ? { target: refused } : {};
      },
      render: (p) => <DestinationPage {...p} />,
    },
    {
      id: 'storage',
      title: 'Storage',
      description: 'Where each virtual disk goes. Disks of the VM’s snapshots go with the disk they were taken from.',
      validate: withPlanCheck('storage', validateStorage),
      render: (p) => <StoragePage {...p} />,
    },
    {
      id: 'networking',
      title: 'Networking',
      description: 'The destination network of each network interface.',
      skip: skipNetworking,
      validate: withPlanCheck('networking', validateNetworking),
      render: (p) => <NetworkingPage {...p} />,
    },
    {
      id: 'transfer',
      title: 'Migration network',
      description: 'The destination network that carries the migration.',
      skip: (s) => skipTransferNetwork(mirrors(), s),
      validate: withPlanCheck('transfer', validateTransferNetwork),
      render: (p) => <TransferNetworkPage {...p} />,
    },
  ];

  const source = mirrors()[initial.source];
  const vmNames = initial.vms.map((vm) => source?.objects.VM?.get(vm)?.name_label ?? vm);
  const title = `${words.title} ${vmNames.length === 1 ? vmNames[0] : `${vmNames.length} VMs`}`;

  return (
    <Wizard<MigrationState>
      title={title}
      pages={pages}
      initial={initial}
      finishLabel={words.finish}
      onCancel={() => onDone(undefined)}
      onFinish={onDone}
      summary={(s) => summaryRows(mirrors(), s, vmNames)}
    />
  );
}

function summaryRows(mirrors: Mirrors, s: MigrationState, vmNames: string[]): { label: string; value: ReactNode }[] {
  const source = mirrors[s.source];
  const dest = s.target && mirrors[s.target.connectionId];
  if (!source || !dest || !s.target) return [];
  const pool = dest.objects.pool?.values().next().value;
  const host = dest.objects.host?.get(s.target.host);
  const srLabels = objectLabels(dest, 'SR');
  const netLabels = objectLabels(dest, 'network');
  const plans = planFor(mirrors, s);
  const list = (items: string[]) => (
    <ul className="migration-summary-list">
      {items.map((i) => (
        <li key={i}>{i}</li>
      ))}
    </ul>
  );
  const rows: { label: string; value: ReactNode }[] = [
    { label: vmNames.length === 1 ? 'VM' : 'VMs', value: vmNames.join(', ') },
    { label: 'Destination', value: standaloneHost(dest) ? `${host?.name_label ?? '—'} (standalone server)` : `${host?.name_label ?? '—'} in ${pool?.name_label || 'the pool'}` },
    { label: 'Operation', value: operationWords(plans, s) },
    { label: 'Storage', value: list(disksOf(mirrors, s).map((d) => `${d.record.name_label} → ${srLabels.get(s.storage[d.vdi]) ?? '—'}${isIntraPool(s) && s.storage[d.vdi] === d.record.SR ? ' (stays)' : ''}`)) },
  ];
  if (!skipNetworking(s)) {
    rows.push({ label: 'Networking', value: list(vifsOf(mirrors, s).map((v) => `${source.objects.VM?.get(v.vm)?.name_label ?? ''} ${v.record.MAC} → ${netLabels.get(s.networks[v.vif]) ?? '—'}`)) });
  }
  if (!skipTransferNetwork(mirrors, s)) rows.push({ label: 'Migration network', value: netLabels.get(s.transferNetwork ?? '') ?? '—' });
  return rows;
}
