/**
 * Reading a console the way its viewer sees it: noVNC's canvas pixels in the page, read back cell by
 * cell with the console font (simulator/console/screen-text.ts). Used by e2e/console.spec.ts.
 */
import { expect, type Locator } from '@playwright/test';
import { readScreenText } from '../simulator/console/screen-text';

/** The text on the canvas inside `screen` (the Console tab's `console-screen`), '' before the first frame. */
export async function screenText(screen: Locator): Promise<string> {
  const shot = await screen.evaluate((el) => {
    const canvas = el.querySelector('canvas');
    if (!canvas || canvas.width === 0) return undefined;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let bin = '';
    for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, rgba: btoa(bin) };
  });
  if (!shot) return '';
  const rgba = Buffer.from(shot.rgba, 'base64');
  const pixels = new Uint32Array(shot.width * shot.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (rgba[i * 4] << 16) | (rgba[i * 4 + 1] << 8) | rgba[i * 4 + 2];
  return readScreenText(pixels, shot.width, shot.height).join('\n');
}

/** Waits until the canvas shows what `predicate` looks for; on failure, the message carries the last text read. */
export async function expectScreen(screen: Locator, predicate: (text: string) => boolean, what: string, timeout = 30_000): Promise<void> {
  let last = '';
  try {
    await expect
      .poll(
        async () => {
          last = await screenText(screen);
          return predicate(last);
        },
        { message: what, timeout },
      )
      .toBe(true);
  } catch (err) {
    // What the canvas showed last says more than "expected true".
    if (err instanceof Error) err.message += `\n\nThe canvas read:\n${last.replace(/\n+$/, '')}`;
    throw err;
  }
}

/** A Linux guest's login prompt on the last written row, as `name login: `. */
export const loginPrompt = (vmName: string) => (text: string) => new RegExp(`^${vmName} login:\\s*$`, 'm').test(text);
