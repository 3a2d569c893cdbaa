// @vitest-environment jsdom
import '../test/dom-polyfills';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Field, fieldAria } from './Dialog';
import { useWizardCheck, Wizard, type WizardPage } from './Wizard';
import { pageAfter, pageBefore, visiblePages } from './wizard-model';

interface Move {
  name: string;
  crossPool: boolean;
  host: string;
  network: string;
}

/** A small migrate-like wizard: Name → Destination (a background check per host) → Networking (cross-pool only). */
function pages(check: (host: string, signal: AbortSignal) => Promise<string | undefined>): WizardPage<Move>[] {
  const HostCheck = ({ host }: { host: string }) => {
    const c = useWizardCheck(host ? `host:${host}` : undefined, (signal) => check(host, signal));
    if (!c) return null;
    return <p data-testid="verdict">{c.status === 'checking' ? 'Checking…' : c.status === 'done' ? (c.value ?? 'Can go there') : 'Could not check'}</p>;
  };
  return [
    {
      id: 'name',
      title: 'Name',
      validate: (s) => ({ name: s.name.trim() ? undefined : 'Give it a name.' }),
      render: ({ state, update, errors, fieldId }) => (
        <>
          <Field label="Name" htmlFor={fieldId('name')} error={errors.name}>
            <input {...fieldAria(fieldId('name'), errors.name)} value={state.name} onChange={(e) => update({ name: e.target.value })} data-autofocus />
          </Field>
          <label>
            <input type="checkbox" checked={state.crossPool} onChange={(e) => update({ crossPool: e.target.checked })} /> To another pool
          </label>
        </>
      ),
    },
    {
      id: 'destination',
      title: 'Destination',
      // Waits for the host's check before allowing Next.
      validate: async (s, checks) => {
        const verdict = await checks.run<string | undefined>(`host:${s.host}`, (signal) => check(s.host, signal));
        return { host: verdict.status === 'done' ? verdict.value : 'Could not check the host.' };
      },
      render: ({ state, update, errors }) => (
        <>
          <label>
            Host
            <select value={state.host} onChange={(e) => update({ host: e.target.value })}>
              <option value="h1">h1</option>
              <option value="h2">h2</option>
            </select>
          </label>
          <HostCheck host={state.host} />
          {errors.host && <p role="alert">{errors.host}</p>}
        </>
      ),
    },
    {
      id: 'networking',
      title: 'Networking',
      skip: (s) => !s.crossPool,
      render: ({ state, update }) => (
        <label>
          Network
          <input value={state.network} onChange={(e) => update({ network: e.target.value })} />
        </label>
      ),
    },
  ];
}

const initial: Move = { name: '', crossPool: false, host: 'h1', network: '' };

type Check = (host: string, signal: AbortSignal) => Promise<string | undefined>;

function setup(check = vi.fn<Check>(async (host) => (host === 'h2' ? 'Not enough memory: 12 GiB needed, 3 GiB free.' : undefined))) {
  const onFinish = vi.fn();
  const onCancel = vi.fn();
  render(<Wizard<Move> title="Migrate web-01" pages={pages(check)} initial={initial} summary={(s) => [{ label: 'Name', value: s.name }, { label: 'Host', value: s.host }]} onFinish={onFinish} onCancel={onCancel} />);
  return { onFinish, onCancel, check, user: userEvent.setup() };
}

const next = () => screen.getByRole('button', { name: /Next/ });
const nameBox = () => screen.getByRole('textbox', { name: 'Name' });
const form = (name: string) => screen.getByRole('form', { name });

afterEach(cleanup);

describe('the wizard frame', () => {
  it('keeps the user on a page until it validates, with focus on the field in error', async () => {
    const { user, onFinish } = setup();
    expect(form('Name')).toBeTruthy();
    await user.click(next());
    expect(screen.getByRole('alert').textContent).toBe('Give it a name.');
    expect(form('Name')).toBeTruthy();
    expect(document.activeElement).toBe(nameBox());
    expect(nameBox().getAttribute('aria-invalid')).toBe('true');
    // Typing clears the message; Enter in the field means Next.
    await user.type(nameBox(), 'web-01{Enter}');
    expect(await screen.findByRole('form', { name: 'Destination' })).toBeTruthy();
    expect(onFinish).not.toHaveBeenCalled();
  });

  it('keeps what was entered when the user goes Back', async () => {
    const { user } = setup();
    await user.type(nameBox(), 'web-01');
    await user.click(next());
    await screen.findByRole('form', { name: 'Destination' });
    await user.click(screen.getByRole('button', { name: '< Back' }));
    expect((nameBox() as HTMLInputElement).value).toBe('web-01');
    // The step list marks where the user is, for screen readers too.
    expect(screen.getByRole('navigation', { name: 'Steps' }).querySelector('[aria-current="step"]')?.textContent).toContain('Name');
  });

  it('runs a page\u2019s background check once per key, shows it, and refuses Next on its verdict', async () => {
    const { user, check } = setup();
    await user.type(nameBox(), 'web-01');
    await user.click(next());
    await waitFor(() => expect(screen.getByTestId('verdict').textContent).toBe('Can go there'));
    await user.selectOptions(screen.getByLabelText('Host'), 'h2');
    await waitFor(() => expect(screen.getByTestId('verdict').textContent).toBe('Not enough memory: 12 GiB needed, 3 GiB free.'));
    await user.click(next());
    expect((await screen.findByRole('alert')).textContent).toBe('Not enough memory: 12 GiB needed, 3 GiB free.');
    expect(form('Destination')).toBeTruthy();
    // Back to h1: its answer is remembered, not asked again.
    await user.selectOptions(screen.getByLabelText('Host'), 'h1');
    await user.click(next());
    await screen.findByRole('form', { name: 'Summary' });
    expect(check.mock.calls.map((c) => c[0])).toEqual(['h1', 'h2']);
  });

  it('skips a page that does not apply to what was entered, and shows it when it does', async () => {
    const { user } = setup();
    await user.type(nameBox(), 'web-01');
    await user.click(next());
    await screen.findByRole('form', { name: 'Destination' });
    expect(screen.getByRole('navigation', { name: 'Steps' }).textContent).not.toContain('Networking');
    await user.click(next());
    await screen.findByRole('form', { name: 'Summary' });
    await user.click(screen.getByRole('button', { name: '< Back' }));
    await user.click(screen.getByRole('button', { name: '< Back' }));
    await user.click(screen.getByLabelText(/To another pool/));
    await user.click(next());
    await screen.findByRole('form', { name: 'Destination' });
    await user.click(next());
    expect(await screen.findByRole('form', { name: 'Networking' })).toBeTruthy();
  });

  it('ends on a summary; Finish hands over the state once and nothing before', async () => {
    const { user, onFinish, onCancel } = setup();
    await user.type(nameBox(), 'web-01');
    await user.click(next());
    await screen.findByRole('form', { name: 'Destination' });
    await user.click(next());
    const summary = await screen.findByRole('form', { name: 'Summary' });
    expect(summary.textContent).toContain('web-01');
    expect(onFinish).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Finish' }));
    await user.click(screen.getByRole('button', { name: 'Finish' })).catch(() => undefined);
    expect(onFinish).toHaveBeenCalledTimes(1);
    expect(onFinish).toHaveBeenCalledWith({ name: 'web-01', crossPool: false, host: 'h1', network: '' });
    expect(onCancel).not.toHaveBeenCalled();
  });

  it('cancels with Esc, leaving nothing: checks still running are told to stop', async () => {
    let signal: AbortSignal | undefined;
    const check = vi.fn<Check>((_host, s) => {
      signal = s;
      return new Promise<string | undefined>(() => undefined);
    });
    const { user, onCancel, onFinish } = setup(check);
    await user.type(nameBox(), 'web-01');
    await user.click(next());
    await waitFor(() => expect(screen.getByTestId('verdict').textContent).toBe('Checking…'));
    await user.keyboard('{Escape}');
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onFinish).not.toHaveBeenCalled();
    expect(signal?.aborted).toBe(true);
  });
});

describe('wizard page order', () => {
  const p = (id: string, skip?: (s: { x: boolean }) => boolean) => ({ id, title: id, skip, render: () => null });
  const all = [p('a'), p('b', (s) => s.x), p('c')];
  it('leaves out skipped pages in both directions', () => {
    expect(visiblePages(all, { x: true }).map((x) => x.id)).toEqual(['a', 'c']);
    expect(pageAfter(all, { x: true }, 'a')?.id).toBe('c');
    expect(pageAfter(all, { x: false }, 'a')?.id).toBe('b');
    expect(pageAfter(all, { x: false }, 'c')).toBeUndefined();
    expect(pageBefore(all, { x: true }, 'c')?.id).toBe('a');
    expect(pageBefore(all, { x: true }, undefined)?.id).toBe('c');
  });
});
