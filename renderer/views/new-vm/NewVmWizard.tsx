/**
 * The New VM wizard, on the wizard frame, with XenCenter's pages: Template → Name → CPU & Memory (sliders
 * bounded by the template's restrictions and the pool's largest host) → Storage (where the new disks go;
 * skipped for a template with no disks) → Networking → Summary, where "Start the new VM automatically"
 * is chosen. Nothing is sent before Finish; the wizard's state is the choice new-vm-action.ts turns into tasks.
 */
import type { ClassMap, MirrorState } from '../../store';
import { objectLabels } from '../../store/object-labels';
import { Field, fieldAria } from '../../components/Dialog';
import { SliderField } from '../../components/SliderField';
import { Wizard, type PageErrors, type WizardPage } from '../../components/Wizard';
import { formatBytes, MiB } from '../tabs/format';
import { toMiB, topologies, vmLimits } from '../tabs/memory/vm-limits';
import { isDefaultTemplate } from '../tabs/object-kind';
import { provisionDisks, templateDisks, usableSrs, type NewVmChoice } from './new-vm-model';

export type { NewVmChoice } from './new-vm-model';

export interface NewVmWizardProps {
  connectionId: string;
  state: MirrorState;
  /** Pre-selected template (the user right-clicked it). */
  template?: string;
  onDone: (choice: NewVmChoice | undefined) => void;
}

export function NewVmWizard({ connectionId, state, template: initialTemplate, onDone }: NewVmWizardProps) {
  const mirror = state.mirrors[connectionId];
  const objects = mirror?.objects;
  const vms = (objects?.VM as ClassMap<'VM'> | undefined) ?? new Map();
  // Custom templates first (what this pool's admins made), then the built-in ones; both by name.
  const templates = [...vms]
    .filter(([, vm]) => vm.is_a_template && !vm.is_a_snapshot)
    .sort((a, b) => Number(isDefaultTemplate(a[1])) - Number(isDefaultTemplate(b[1])) || a[1].name_label.localeCompare(b[1].name_label, undefined, { numeric: true }));
  const networks = [...((objects?.network as ClassMap<'network'> | undefined) ?? new Map())]
    .filter(([, n]) => n.other_config?.is_host_internal_management_network !== 'true')
    .sort((a, b) => a[1].name_label.localeCompare(b[1].name_label));
  const networkLabels = mirror ? objectLabels(mirror, 'network') : new Map<string, string>();
  const srLabels = mirror ? objectLabels(mirror, 'SR') : new Map<string, string>();
  const srs = mirror ? usableSrs(mirror) : [];
  const pool = [...((objects?.pool as ClassMap<'pool'> | undefined) ?? new Map()).values()][0];
  const hosts = [...((objects?.host as ClassMap<'host'> | undefined) ?? new Map()).values()].map((host) => ({ host, memoryTotal: objects?.host_metrics?.get(host.metrics)?.memory_total }));
  const defaultSr = pool && srs.some(([r]) => r === pool.default_SR) ? pool.default_SR : (srs[0]?.[0] ?? '');

  const fromTemplate = (ref: string): Partial<NewVmChoice> => {
    const t = vms.get(ref);
    if (!t) return { template: ref };
    const limits = vmLimits(t, hosts);
    const memory = Math.min(limits.memoryMax, Math.max(limits.memoryMin, t.memory_static_max));
    return { template: ref, memoryMiB: toMiB(memory), vcpus: Math.min(limits.vcpusMax, t.VCPUs_at_startup || 1), coresPerSocket: 1 };
  };
  const first = initialTemplate ?? templates[0]?.[0] ?? '';
  const initial: NewVmChoice = {
    connectionId, template: '', name: '', description: '', memoryMiB: 1024, vcpus: 1, coresPerSocket: 1, sr: defaultSr, copyDisks: false,
    network: networks[0]?.[0] ?? '', start: true, ...fromTemplate(first),
  } as NewVmChoice;

  const tpl = (c: NewVmChoice) => vms.get(c.template);
  const limitsOf = (c: NewVmChoice) => (tpl(c) ? vmLimits(tpl(c)!, hosts) : { memoryMin: 16 * MiB, memoryMax: 64 * 1024 * MiB, vcpusMax: 64 });

  const pages: WizardPage<NewVmChoice>[] = [
    {
      id: 'template',
      title: 'Template',
      description: 'The operating system template the VM starts from: its disks, memory and vCPU defaults.',
      validate: (c) => ({ template: tpl(c) ? undefined : 'Choose a template.' }),
      render: ({ state: c, update, errors, fieldId }) => (
        <Field label="Template" htmlFor={fieldId('template')} error={errors.template}>
          <select {...fieldAria(fieldId('template'), errors.template)} size={Math.min(12, Math.max(4, templates.length))} value={c.template} onChange={(e) => update(fromTemplate(e.target.value))} data-autofocus>
            <optgroup label="Custom templates">
              {templates.filter(([, t]) => !isDefaultTemplate(t)).map(([ref, t]) => (
                <option key={ref} value={ref}>
                  {t.name_label}
                </option>
              ))}
            </optgroup>
            <optgroup label="Built-in templates">
              {templates.filter(([, t]) => isDefaultTemplate(t)).map(([ref, t]) => (
                <option key={ref} value={ref}>
                  {t.name_label}
                </option>
              ))}
            </optgroup>
          </select>
        </Field>
      ),
    },
    {
      id: 'name',
      title: 'Name',
      description: 'How the VM is called in the tree, and a description for the people who share the pool.',
      validate: (c) => ({ name: c.name.trim() ? (c.name.length > 255 ? 'Use at most 255 characters.' : undefined) : 'Give the VM a name.' }),
      render: ({ state: c, update, errors, fieldId }) => (
        <>
          <Field label="Name" htmlFor={fieldId('name')} error={errors.name}>
            <input className="text-input" {...fieldAria(fieldId('name'), errors.name)} value={c.name} onChange={(e) => update({ name: e.target.value })} data-autofocus />
          </Field>
          <Field label="Description (optional)" htmlFor={fieldId('description')}>
            <textarea id={fieldId('description')} className="text-input" rows={2} value={c.description} onChange={(e) => update({ description: e.target.value })} />
          </Field>
        </>
      ),
    },
    {
      id: 'cpu-memory',
      title: 'CPU & Memory',
      description: 'Within the limits the template sets and what the largest host of the pool holds.',
      validate: (c): PageErrors => {
        const l = limitsOf(c);
        const [lo, hi] = [toMiB(l.memoryMin), toMiB(l.memoryMax)];
        return {
          memoryMiB: !Number.isInteger(c.memoryMiB) || c.memoryMiB < lo || c.memoryMiB > hi ? `Memory must be a whole number of MiB from ${lo} to ${hi}.` : undefined,
          vcpus: !Number.isInteger(c.vcpus) || c.vcpus < 1 || c.vcpus > l.vcpusMax ? `vCPUs must be a whole number from 1 to ${l.vcpusMax}.` : undefined,
        };
      },
      render: ({ state: c, update, errors, fieldId }) => {
        const l = limitsOf(c);
        return (
          <>
            <SliderField id={fieldId('memoryMiB')} label="Memory" unit="MiB" value={c.memoryMiB} min={toMiB(l.memoryMin)} max={toMiB(l.memoryMax)} step={64} describe={(v) => formatBytes(v * MiB)} error={errors.memoryMiB} onChange={(v) => update({ memoryMiB: v })} />
            <SliderField id={fieldId('vcpus')} label="vCPUs" unit="vCPUs" value={c.vcpus} min={1} max={l.vcpusMax} describe={(v) => `${v} vCPU${v === 1 ? '' : 's'}`} error={errors.vcpus} onChange={(v) => update({ vcpus: v, coresPerSocket: 1 })} />
            <Field label="Topology" htmlFor={fieldId('topology')}>
              <select id={fieldId('topology')} value={c.coresPerSocket} onChange={(e) => update({ coresPerSocket: Number(e.target.value) })}>
                {topologies(Number.isInteger(c.vcpus) && c.vcpus > 0 ? c.vcpus : 1).map((cores) => (
                  <option key={cores} value={cores}>
                    {c.vcpus / cores} socket{c.vcpus / cores === 1 ? '' : 's'} with {cores} core{cores === 1 ? '' : 's'} each
                  </option>
                ))}
              </select>
            </Field>
          </>
        );
      },
    },
    {
      id: 'storage',
      title: 'Storage',
      description: 'Where the VM\u2019s disks are created.',
      // A template with neither disks to create nor disks of its own (an install-media template without a disk): nothing to place.
      skip: (c) => !tpl(c) || (provisionDisks(tpl(c)!).length === 0 && templateDisks(mirror, c.template).length === 0),
      validate: (c) => ({ sr: (provisionDisks(tpl(c)!).length || c.copyDisks) && !srs.some(([r]) => r === c.sr) ? 'Choose a storage repository.' : undefined }),
      render: ({ state: c, update, errors, fieldId }) => {
        const toCreate = provisionDisks(tpl(c)!);
        const own = templateDisks(mirror, c.template);
        return (
          <>
            {toCreate.length > 0 ? (
              <p>New disk{toCreate.length === 1 ? '' : 's'}: {toCreate.map((d) => formatBytes(d.size)).join(', ')}.</p>
            ) : (
              <fieldset className="dialog-fieldset">
                <legend>The template\u2019s disks ({own.map((d) => `${formatBytes(d.size)} on ${srLabels.get(d.sr) ?? 'unknown storage'}`).join(', ')})</legend>
                <label className="checkbox-row">
                  <input type="radio" name={fieldId('mode')} checked={!c.copyDisks} onChange={() => update({ copyDisks: false })} />
                  <span>Fast clone on the template\u2019s storage (disks shared copy-on-write)</span>
                </label>
                <label className="checkbox-row">
                  <input type="radio" name={fieldId('mode')} checked={c.copyDisks} onChange={() => update({ copyDisks: true })} />
                  <span>Full copy to a storage repository</span>
                </label>
              </fieldset>
            )}
            {(toCreate.length > 0 || c.copyDisks) && (
              <Field label="Storage repository" htmlFor={fieldId('sr')} error={errors.sr}>
                <select {...fieldAria(fieldId('sr'), errors.sr)} value={c.sr} onChange={(e) => update({ sr: e.target.value })}>
                  {srs.map(([ref, s]) => (
                    <option key={ref} value={ref}>
                      {srLabels.get(ref) ?? s.name_label} ({formatBytes(s.physical_size - s.physical_utilisation)} free){ref === pool?.default_SR ? ' — default' : ''}
                    </option>
                  ))}
                </select>
              </Field>
            )}
          </>
        );
      },
    },
    {
      id: 'networking',
      title: 'Networking',
      description: 'The network of the VM\u2019s first virtual interface.',
      render: ({ state: c, update, fieldId }) => (
        <Field label="Network" htmlFor={fieldId('network')}>
          <select id={fieldId('network')} value={c.network} onChange={(e) => update({ network: e.target.value })} data-autofocus>
            {networks.map(([ref, n]) => (
              <option key={ref} value={ref}>
                {networkLabels.get(ref) ?? n.name_label}
              </option>
            ))}
            <option value="">No network</option>
          </select>
        </Field>
      ),
    },
  ];

  return (
    <Wizard<NewVmChoice>
      title="New VM"
      pages={pages}
      initial={initial}
      finishLabel="Create"
      onCancel={() => onDone(undefined)}
      onFinish={(c) => onDone({ ...c, name: c.name.trim() })}
      summary={(c) => {
        const t = tpl(c);
        const toCreate = t ? provisionDisks(t) : [];
        return [
          { label: 'Template', value: t?.name_label ?? '—' },
          { label: 'Name', value: c.name.trim() },
          { label: 'Memory', value: formatBytes(c.memoryMiB * MiB) },
          { label: 'vCPUs', value: `${c.vcpus} (${c.vcpus / c.coresPerSocket} socket${c.vcpus / c.coresPerSocket === 1 ? '' : 's'} × ${c.coresPerSocket} core${c.coresPerSocket === 1 ? '' : 's'})` },
          { label: 'Storage', value: toCreate.length || c.copyDisks ? (srLabels.get(c.sr) ?? '—') : 'Fast clone of the template\u2019s disks' },
          { label: 'Network', value: c.network ? (networkLabels.get(c.network) ?? '—') : 'None' },
        ];
      }}
      summaryExtra={({ state: c, update }) => (
        <label className="checkbox-row">
          <input type="checkbox" checked={c.start} onChange={(e) => update({ start: e.target.checked })} />
          <span>Start the new VM automatically</span>
        </label>
      )}
    />
  );
}
