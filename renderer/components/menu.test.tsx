// @vitest-environment jsdom
import '../test/dom-polyfills';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContextMenu, DropdownMenu, openContextMenuFromKeyboard } from './Menu';
import { joinGroups, type MenuEntry } from './menu-model';
import { TooltipProvider } from './Tooltip';

afterEach(cleanup);

const item = (id: string, onSelect = vi.fn(), extra: Partial<Extract<MenuEntry, { kind: 'item' }>> = {}): MenuEntry => ({ kind: 'item', id, label: id, onSelect, ...extra });

function dropdown(entries: MenuEntry[]) {
  render(
    <TooltipProvider>
      <DropdownMenu label="VM" entries={entries} trigger={<button type="button">Actions</button>} />
    </TooltipProvider>,
  );
  return userEvent.setup();
}

/** Opens the toolbar menu from the keyboard (Enter on its button), as a keyboard user does. */
async function open(user: ReturnType<typeof userEvent.setup>) {
  screen.getByRole('button', { name: 'Actions' }).focus();
  await user.keyboard('{Enter}');
  // A menu behind a button is named by the button (aria-labelledby).
  return screen.findByRole('menu', { name: 'Actions' });
}

describe('menus', () => {
  it('keeps a disabled item visible and focusable, says why, and does not run it', async () => {
    const start = vi.fn();
    const reboot = vi.fn();
    const user = dropdown([item('Start', start, { disabledReason: 'web-01 is already running.' }), item('Reboot', reboot)]);
    const menu = await open(user);
    const disabled = within(menu).getByRole('menuitem', { name: 'Start' });
    expect(disabled.getAttribute('aria-disabled')).toBe('true');
    // Described by its reason once: by the tooltip while it shows (it does: the item has focus), else by its own text.
    const description = () => disabled.getAttribute('aria-describedby')!.split(' ').map((id) => document.getElementById(id)?.textContent).join(' ');
    expect(description()).toBe('web-01 is already running.');
    await user.click(disabled);
    expect(start).not.toHaveBeenCalled();
    // Still open: the user can read the reason and pick something else.
    await user.click(within(menu).getByRole('menuitem', { name: 'Reboot' }));
    expect(reboot).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
  });

  it('opens a submenu from the keyboard and checks its items in the background', async () => {
    let answer!: (reason: string | undefined) => void;
    const slow = vi.fn(() => new Promise<string | undefined>((resolve) => (answer = resolve)));
    const go = vi.fn();
    const user = dropdown([
      item('Copy'),
      {
        kind: 'submenu',
        id: 'start-on',
        label: 'Start on Server',
        entries: [
          item('xcp-01', go, { check: async () => undefined }),
          item('xcp-02', vi.fn(), { check: slow }),
          item('xcp-03', vi.fn(), { disabledReason: 'xcp-03 is in maintenance mode.' }),
        ],
      },
    ]);
    const menu = await open(user);
    within(menu).getByRole('menuitem', { name: 'Start on Server' }).focus();
    await user.keyboard('{ArrowRight}');
    const sub = await screen.findByRole('menu', { name: 'Start on Server' });
    const two = within(sub).getByRole('menuitem', { name: 'xcp-02' });
    // Checking: disabled with the words saying so, until the pool answers.
    expect(two.getAttribute('aria-disabled')).toBe('true');
    expect(two.getAttribute('aria-busy')).toBe('true');
    await act(async () => answer('Not enough memory: 12 GiB needed, 3 GiB free.'));
    // The refusal shows beside the host's name and describes the item.
    const refused = await within(sub).findByRole('menuitem', { name: 'xcp-02, Not enough memory: 12 GiB needed, 3 GiB free.' });
    expect(refused.textContent).toContain('Not enough memory: 12 GiB needed, 3 GiB free.');
    expect(document.getElementById(refused.getAttribute('aria-describedby')!)?.textContent).toBe('Not enough memory: 12 GiB needed, 3 GiB free.');
    await waitFor(() => expect(within(sub).getByRole('menuitem', { name: 'xcp-01' }).getAttribute('aria-disabled')).toBeNull());
    await user.click(within(sub).getByRole('menuitem', { name: 'xcp-01' }));
    expect(go).toHaveBeenCalledTimes(1);
    expect(slow).toHaveBeenCalledTimes(1);
  });

  it('loads a submenu\u2019s items when it opens, and tells a check to stop when the menu closes', async () => {
    let signal: AbortSignal | undefined;
    const user = dropdown([
      {
        kind: 'submenu',
        id: 'hosts',
        label: 'Migrate to Server',
        entries: async () => [item('xcp-lab-02', vi.fn(), { check: (s) => ((signal = s), new Promise(() => undefined)) })],
      },
    ]);
    const menu = await open(user);
    within(menu).getByRole('menuitem', { name: 'Migrate to Server' }).focus();
    await user.keyboard('{ArrowRight}');
    const sub = await screen.findByRole('menu', { name: 'Migrate to Server' });
    expect(await within(sub).findByRole('menuitem', { name: 'xcp-lab-02' })).toBeTruthy();
    expect(signal?.aborted).toBe(false);
    await user.keyboard('{Escape}{Escape}{Escape}');
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
    expect(signal?.aborted).toBe(true);
  });

  it('opens a context menu computed when it opens, from a right-click or the keyboard, and none when empty', async () => {
    let entries: MenuEntry[] = [];
    render(
      <TooltipProvider>
        <ContextMenu label="Actions" entries={() => entries}>
          <div data-testid="area">
            <span data-testid="row">web-01</span>
          </div>
        </ContextMenu>
      </TooltipProvider>,
    );
    fireEvent.contextMenu(screen.getByTestId('row'));
    expect(screen.queryByRole('menu')).toBeNull();
    entries = [item('Shut down', vi.fn(), { disabledReason: 'not now' }), item('Reboot')];
    act(() => openContextMenuFromKeyboard(screen.getByTestId('row')));
    const menu = await screen.findByRole('menu', { name: 'Actions' });
    // From the keyboard, focus goes to the first item that can run.
    await waitFor(() => expect(document.activeElement).toBe(within(menu).getByRole('menuitem', { name: 'Reboot' })));
  });
});

describe('menu groups', () => {
  it('puts one separator between non-empty groups and none at the ends', () => {
    const joined = joinGroups([[], [item('a')], [], [item('b'), item('c')], []]);
    expect(joined.map((e) => e.kind)).toEqual(['item', 'separator', 'item', 'item']);
  });
});
