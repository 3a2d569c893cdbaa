/**
 * New VM (minimal wizard, one page): template, name, memory, vCPUs, network, start afterwards.
 * Values are checked against the template's limits before anything is sent.
 */
import { useId, useState, type FormEvent } from 'react';
import { Dialog, Field, fieldAria } from '../../components/Dialog';
import type { ClassMap, MirrorState } from '../../store';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface NewVmChoice {
  connectionId: string;
  template: string;
  name: string;
  memoryBytes: number;
  vcpus: number;
  /** Network ref, or '' for none. */
  network: string;
  start: boolean;
}

export interface NewVmWizardProps {
  connectionId: string;
  state: MirrorState;
  /** Pre-selected template (the user right-clicked it). */
  template?: string;
  onDone: (choice: NewVmChoice | undefined) => void;
}

type Errors = Partial<Record<'template' | 'name' | 'memory' | 'vcpus', string>>;

export function NewVmWizard({ connectionId, state, template: initialTemplate, onDone }: NewVmWizardProps) {
  const id = useId();
  const objects = state.mirrors[connectionId]?.objects;
  const templates = [...((objects?.VM as ClassMap<'VM'> | undefined) ?? new Map())]
    .filter(([, vm]) => vm.is_a_template && !vm.is_a_snapshot)
    .sort((a, b) => Number(a[1].is_default_template) - Number(b[1].is_default_template) || a[1].name_label.localeCompare(b[1].name_label));
  const networks = [...((objects?.network as ClassMap<'network'> | undefined) ?? new Map())]
    .filter(([, n]) => n.other_config?.is_host_internal_management_network !== 'true')
    .sort((a, b) => a[1].name_label.localeCompare(b[1].name_label));

  const [template, setTemplate] = useState(initialTemplate ?? templates[0]?.[0] ?? '');
  const tpl = templates.find(([ref]) => ref === template)?.[1];
  const [name, setName] = useState('');
  const [memoryMiB, setMemoryMiB] = useState(() => String(Math.round((tpl?.memory_static_max ?? 2 * GiB) / MiB)));
  const [vcpus, setVcpus] = useState(() => String(tpl?.VCPUs_at_startup ?? 1));
  const [network, setNetwork] = useState(networks[0]?.[0] ?? '');
  const [start, setStart] = useState(true);
  const [errors, setErrors] = useState<Errors>({});
  /** Editing a field clears its message; the next Create checks everything again. */
  const edited = (key: keyof Errors) => setErrors((e) => (e[key] ? { ...e, [key]: undefined } : e));

  const pickTemplate = (ref: string) => {
    setTemplate(ref);
    const t = templates.find(([r]) => r === ref)?.[1];
    if (t) {
      setMemoryMiB(String(Math.round(t.memory_static_max / MiB)));
      setVcpus(String(t.VCPUs_at_startup || 1));
    }
  };

  const validate = (): Errors => {
    const e: Errors = {};
    if (!tpl) e.template = 'Choose a template.';
    if (!name.trim()) e.name = 'Give the VM a name.';
    const mem = Number(memoryMiB);
    const minMiB = Math.max(64, Math.ceil((tpl?.memory_static_min ?? 0) / MiB));
    if (!Number.isInteger(mem) || mem < minMiB) e.memory = `Memory must be a whole number of MiB, at least ${minMiB}.`;
    else if (mem > 1024 * 1024 * 6) e.memory = 'Memory must be at most 6 TiB.';
    const n = Number(vcpus);
    if (!Number.isInteger(n) || n < 1 || n > 64) e.vcpus = 'vCPUs must be a whole number from 1 to 64.';
    return e;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const e = validate();
    setErrors(e);
    if (Object.keys(e).length) {
      const first = (['template', 'name', 'memory', 'vcpus'] as const).find((k) => e[k]);
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    onDone({ connectionId, template, name: name.trim(), memoryBytes: Number(memoryMiB) * MiB, vcpus: Number(vcpus), network, start });
  };

  return (
    <Dialog title="New VM" onClose={() => onDone(undefined)} width="normal">
      <form onSubmit={submit} noValidate>
        <Field label="Template" htmlFor={`${id}-template`} error={errors.template}>
          <select {...fieldAria(`${id}-template`, errors.template)} value={template} onChange={(e) => pickTemplate(e.target.value)}>
            {templates.map(([ref, t]) => (
              <option key={ref} value={ref}>
                {t.name_label}
                {t.is_default_template ? '' : ' (custom)'}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" htmlFor={`${id}-name`} error={errors.name}>
          <input className="text-input" {...fieldAria(`${id}-name`, errors.name)} value={name} onChange={(e) => (setName(e.target.value), edited('name'))} data-autofocus />
        </Field>
        <div className="field-row">
          <Field label="Memory (MiB)" htmlFor={`${id}-memory`} error={errors.memory}>
            <input className="text-input" inputMode="numeric" {...fieldAria(`${id}-memory`, errors.memory)} value={memoryMiB} onChange={(e) => (setMemoryMiB(e.target.value), edited('memory'))} />
          </Field>
          <Field label="vCPUs" htmlFor={`${id}-vcpus`} error={errors.vcpus}>
            <input className="text-input" inputMode="numeric" {...fieldAria(`${id}-vcpus`, errors.vcpus)} value={vcpus} onChange={(e) => (setVcpus(e.target.value), edited('vcpus'))} />
          </Field>
        </div>
        <Field label="Network" htmlFor={`${id}-network`}>
          <select id={`${id}-network`} value={network} onChange={(e) => setNetwork(e.target.value)}>
            {networks.map(([ref, n]) => (
              <option key={ref} value={ref}>
                {n.name_label}
              </option>
            ))}
            <option value="">No network</option>
          </select>
        </Field>
        <label className="checkbox-row">
          <input type="checkbox" checked={start} onChange={(e) => setStart(e.target.checked)} />
          <span>Start the VM when it is created</span>
        </label>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => onDone(undefined)}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}
