// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { layoutStorage } from './window-layout';

describe('remembered pane sizes', () => {
  afterEach(() => localStorage.clear());

  it('gives back a layout it stored', () => {
    layoutStorage.setItem('xendeck.layout.main', JSON.stringify({ tree: 22.5, detail: 77.5 }));
    expect(JSON.parse(layoutStorage.getItem('xendeck.layout.main')!)).toEqual({ tree: 22.5, detail: 77.5 });
  });

  it('reads a damaged or foreign value as no layout, so the panes take their defaults', () => {
    for (const raw of ['{"tree": 250, "detail": -3}', '{"tree": "wide"}', 'not json', '[1, 2]', '{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1}']) {
      localStorage.setItem('xendeck.layout.main', raw);
      expect(layoutStorage.getItem('xendeck.layout.main')).toBeNull();
    }
  });

  it('does not store a layout that would not be read back', () => {
    layoutStorage.setItem('xendeck.layout.main', JSON.stringify({ tree: 140 }));
    expect(localStorage.getItem('xendeck.layout.main')).toBeNull();
  });
});
