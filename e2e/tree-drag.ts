/**
 * Dragging rows of the resource tree with the mouse, for the specs that drop VMs on hosts: the drag is held
 * over its target, so the drop target's verdict shows in the tree's status line until the spec releases it
 * (`page.mouse.up()`).
 */
import type { Locator, Page } from '@playwright/test';

/** Drags `from` over `over` and holds it there. */
export async function dragOver(page: Page, from: Locator, over: Locator): Promise<void> {
  await from.hover();
  await page.mouse.down();
  // The drag starts on its row; the tree may then scroll to the target (and let the dragged row go).
  const start = (await from.boundingBox())!;
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2 + 4);
  await over.hover();
  // A second move: Chromium sends the first dragover with the drag's start.
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 2);
}
