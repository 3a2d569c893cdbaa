/**
 * VM Properties (XenCenter's PropertiesDialog for a VM): a list of pages on the left, each with a line
 * saying what it holds, the page on the right. The draft is checked as it is typed (a page with a problem
 * is marked, OK stays disabled and says why); OK writes only what changed, as one task in the task panel
 * ("Save properties"), and closes. When a call fails the dialog stays open with XAPI's error and what was
 * typed, so the user can fix it and press OK again (what was already written is then unchanged, so only
 * the rest is written).
 */
import * as RadixTabs from '@radix-ui/react-tabs';
import { useMemo, useState, type ReactNode } from 'react';
import type { VMRecord } from '../../../shared/xapi/generated/records';
import { runCallsAsTask } from '../../actions/run-tasks';
import { useBridge } from '../../bridge-context';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useClassMap, useConnectionMirror, useMirrorStoreApi, useRecord } from '../../store/hooks';
import { coordinatorRef, registrationStep } from '../containers/plugin-calls';
import { isMonitorable } from '../containers/vm-containers';
import { vmLimits } from '../tabs/memory/vm-limits';
import { BootPage, ContainersPage, CpuPage, cpuTextOf, GeneralPage, HomeServerPage, type CpuText, type PageProps } from './PropertyPages';
import { BOOT_DEVICES, draftOf, draftProblems, hasProblems, NULL_REF, propertiesSteps, rebaseDraft, type PageId, type PropertiesDraft } from './properties-draft';
import './vm-properties.css';

export interface VmPropertiesDialogProps {
  connectionId: string;
  vmRef: string;
  /** The page shown first (the General tab's "Change in Properties…" opens Container management). */
  initialPage?: PageId;
  onDone: () => void;
}

const numberOf = (text: string) => (text.trim() === '' ? NaN : Number(text));

export function VmPropertiesDialog({ connectionId, vmRef, initialPage, onDone }: VmPropertiesDialogProps) {
  const vm = useRecord(connectionId, 'VM', vmRef);
  if (!vm) {
    return (
      <Dialog title="Properties" onClose={onDone} width="narrow" footer={<button type="button" className="button" onClick={onDone}>Close</button>}>
        <p>This VM no longer exists.</p>
      </Dialog>
    );
  }
  return <PropertiesEditor connectionId={connectionId} vmRef={vmRef} vm={vm} initialPage={initialPage} onDone={onDone} />;
}

function PropertiesEditor({ connectionId, vmRef, vm, initialPage, onDone }: VmPropertiesDialogProps & { vm: VMRecord }) {
  const bridge = useBridge();
  const store = useMirrorStoreApi();
  const mirror = useConnectionMirror(connectionId);
  const hostMap = useClassMap(connectionId, 'host');
  const hostMetrics = useClassMap(connectionId, 'host_metrics');
  const monitorable = isMonitorable(mirror, vm);
  /** The VM's values when the dialog opened: what the user changed is what differs from these. */
  const [initial] = useState(() => draftOf(vm, monitorable));
  const [fields, setFields] = useState<Omit<PropertiesDraft, 'cpu'>>(initial);
  const [cpuText, setCpuText] = useState<CpuText>(() => cpuTextOf(vm));
  const [page, setPage] = useState<PageId>(initialPage ?? 'general');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();

  const hosts = useMemo(() => [...hostMap.entries()].sort(([, a], [, b]) => a.name_label.localeCompare(b.name_label)), [hostMap]);
  const ceiling = vmLimits(vm, hosts.map(([, host]) => ({ host, memoryTotal: hostMetrics.get(host.metrics)?.memory_total }))).vcpusMax;
  const draft: PropertiesDraft = { ...fields, cpu: { max: numberOf(cpuText.max), atStartup: numberOf(cpuText.atStartup), coresPerSocket: numberOf(cpuText.cores) } };
  const problems = draftProblems(draft, vm, { vcpuCeiling: Math.max(ceiling, vm.VCPUs_max), hosts: new Set(hostMap.keys()) });
  const invalid = hasProblems(problems);

  const change = (patch: Partial<PropertiesDraft>) => {
    setError(undefined);
    setFields((f) => ({ ...f, ...patch }));
  };

  const pages: { id: PageId; label: string; summary: string; render: (p: PageProps) => ReactNode }[] = [
    { id: 'general', label: 'General', summary: draft.name.trim() || '(no name)', render: (p) => <GeneralPage {...p} /> },
    {
      id: 'cpu',
      label: 'CPU',
      summary: Number.isInteger(draft.cpu.atStartup) && draft.cpu.atStartup > 0 ? `${draft.cpu.atStartup} vCPU${draft.cpu.atStartup === 1 ? '' : 's'}` : 'Not a number of vCPUs',
      render: (p) => <CpuPage vm={vm} text={cpuText} setText={(t) => (setError(undefined), setCpuText(t))} problems={p.problems} disabled={p.disabled} ceiling={Math.max(ceiling, vm.VCPUs_max)} />,
    },
    {
      id: 'boot',
      label: 'Boot options',
      summary: draft.boot.kind === 'hvm' ? draft.boot.order.filter((e) => e.enabled).map((e) => BOOT_DEVICES[e.device]).join(', ') || 'No device' : draft.boot.kind === 'pv' ? 'Paravirtualized' : 'UEFI',
      render: (p) => <BootPage {...p} />,
    },
    { id: 'home', label: 'Home server', summary: draft.affinity === NULL_REF ? 'None' : (hostMap.get(draft.affinity)?.name_label ?? 'Unknown server'), render: (p) => <HomeServerPage {...p} hosts={hosts} /> },
    ...(draft.containers !== undefined ? [{ id: 'containers' as const, label: 'Container management', summary: draft.containers ? 'On' : 'Off', render: (p: PageProps) => <ContainersPage {...p} /> }] : []),
  ];
  const shown = pages.some((p) => p.id === page) ? page : 'general';
  const current = pages.find((p) => p.id === shown)!;
  const firstProblem = pages.find((p) => problems[p.id]);

  const save = async () => {
    if (invalid || saving) return;
    // Against the VM as it is now: what the user did not touch keeps what another client may have changed meanwhile.
    const now = store.getState().mirrors[connectionId]?.objects.VM?.get(vmRef) ?? vm;
    const coordinator = coordinatorRef(store.getState(), connectionId);
    const target = rebaseDraft(draft, initial, draftOf(now, monitorable));
    const steps = propertiesSteps(vmRef, now, target, (on) => (coordinator ? registrationStep(coordinator, now, on) : undefined));
    if (steps.length === 0) {
      onDone();
      return;
    }
    setSaving(true);
    setError(undefined);
    try {
      await runCallsAsTask(bridge, { connectionId, title: 'Save properties', targetName: draft.name.trim() || vm.name_label, targetRef: vmRef }, steps);
      onDone();
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };

  return (
    <Dialog
      title={`${vm.name_label} Properties`}
      onClose={saving ? undefined : onDone}
      width="wizard"
      footer={
        <>
          {invalid && firstProblem && (
            <p className="properties-blocked field-error" id="vm-props-blocked">
              {firstProblem.label}: {Object.values(problems[firstProblem.id]!)[0]}
            </p>
          )}
          <button type="button" className="button" onClick={onDone} disabled={saving}>
            Cancel
          </button>
          <button type="button" className="button button-primary" onClick={() => void save()} disabled={invalid || saving} aria-busy={saving || undefined} aria-describedby={invalid ? 'vm-props-blocked' : undefined}>
            {saving ? 'Saving…' : 'OK'}
          </button>
        </>
      }
    >
      <RadixTabs.Root className="properties" orientation="vertical" value={shown} onValueChange={(v) => setPage(v as PageId)} activationMode="automatic">
        <RadixTabs.List className="properties-pages" aria-label="Property pages">
          {pages.map((p) => (
            <RadixTabs.Trigger key={p.id} value={p.id} className={`properties-page-tab${problems[p.id] ? ' has-problem' : ''}`}>
              <span className="properties-page-name">{p.label}</span>
              <span className="properties-page-summary">{p.summary}</span>
              {problems[p.id] && <span className="visually-hidden"> (needs attention)</span>}
            </RadixTabs.Trigger>
          ))}
        </RadixTabs.List>
        <RadixTabs.Content value={shown} className="properties-page" aria-label={current.label}>
          <h3 className="properties-page-title">{current.label}</h3>
          {current.render({ vm, draft, change, problems: problems[shown], disabled: saving })}
          {error !== undefined && <ErrorMessage error={error} />}
        </RadixTabs.Content>
      </RadixTabs.Root>
    </Dialog>
  );
}
