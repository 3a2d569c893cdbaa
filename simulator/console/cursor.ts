/** The mouse pointer the simulated guests show through the Cursor pseudo-encoding: a plain arrow. */
import type { RfbCursor } from './rfb-server';

const ARROW = [
  'X...........',
  'XX..........',
  'XOX.........',
  'XOOX........',
  'XOOOX.......',
  'XOOOOX......',
  'XOOOOOX.....',
  'XOOOOOOX....',
  'XOOOOOOOX...',
  'XOOOOOOOOX..',
  'XOOOOOOOOOX.',
  'XOOOOOOXXXXX',
  'XOOOXOOX....',
  'XOOXXOOX....',
  'XOX..XOOX...',
  'XX...XOOX...',
  'X.....XOOX..',
  '......XOOX..',
  '.......XX...',
];

export function arrowCursor(): RfbCursor {
  const width = ARROW[0].length;
  const height = ARROW.length;
  const pixels = new Uint32Array(width * height);
  const mask = new Uint8Array(width * height);
  ARROW.forEach((row, y) =>
    [...row].forEach((ch, x) => {
      if (ch === '.') return;
      mask[y * width + x] = 1;
      pixels[y * width + x] = ch === 'X' ? 0x000000 : 0xffffff;
    }),
  );
  return { width, height, hotX: 0, hotY: 0, pixels, mask };
}
