import { describe, expect, it } from 'vitest';
import { KEY_COMBOS, comboPresses, textPresses } from './key-sequences';

describe('console key sequences', () => {
  it('sends Ctrl+Alt+Del as three presses then three releases in reverse order', () => {
    const cad = KEY_COMBOS.find((c) => c.id === 'ctrl-alt-del')!;
    expect(comboPresses(cad).map((p) => `${p.down ? '+' : '-'}${p.code}`)).toEqual(['+ControlLeft', '+AltLeft', '+Delete', '-Delete', '-AltLeft', '-ControlLeft']);
  });

  it('offers Ctrl+Alt+F1 to F12, Alt+F4, Alt+Tab and the Windows key', () => {
    const labels = KEY_COMBOS.map((c) => c.label);
    for (let i = 1; i <= 12; i++) expect(labels).toContain(`Ctrl+Alt+F${i}`);
    expect(labels).toEqual(expect.arrayContaining(['Alt+F4', 'Alt+Tab', 'Windows key']));
  });

  it('types text as keysyms, holding Shift for capitals and symbols, Enter for new lines', () => {
    const presses = textPresses('aB!\n');
    expect(presses.map((p) => `${p.down ? '+' : '-'}${p.keysym.toString(16)}`)).toEqual([
      '+61', '-61', '+ffe1', '+42', '-42', '-ffe1', '+ffe1', '+21', '-21', '-ffe1', '+ff0d', '-ff0d',
    ]);
  });

  it('types characters beyond Latin-1 as Unicode keysyms', () => {
    expect(textPresses('€')[0].keysym).toBe(0x010020ac);
    expect(textPresses('é')[0].keysym).toBe(0xe9);
  });
});
