/**
 * The Performance tab across pages, in Chromium, in the app (browser mode): after a reload the live graphs draw
 * and move again, and a second tab's live graphs keep moving when the first tab is closed (the backend ends
 * what a page started when its WebSocket closes, and only what that page started).
 */
import { expect, test, rowName } from './fixtures';
import type { Locator, Page } from '@playwright/test';

/** Opens `name`'s Performance tab and returns its CPU graph (the canvas the live rows are drawn on). */
async function cpuGraph(page: Page, name: string): Promise<Locator> {
  await page.getByRole('tree').first().getByRole('treeitem', { name: rowName(name) }).click();
  await page.getByRole('tab', { name: 'Performance' }).click();
  const chart = page.getByRole('region', { name: 'Performance' }).getByRole('figure', { name: 'CPU usage' });
  await expect(chart.locator('.u-legend')).toContainText('vCPU 0');
  return chart.locator('canvas');
}

/** Waits until the live graph has changed from what it showed when asked (a new 5-second row arrived). */
async function expectMoving(canvas: Locator): Promise<void> {
  const before = await canvas.screenshot();
  await expect.poll(async () => before.equals(await canvas.screenshot()), { message: 'the live graph moves', timeout: 30_000 }).toBe(false);
}

test('after a reload the live graphs draw and move again', async ({ appPage: page }) => {
  await expectMoving(await cpuGraph(page, 'web-01'));
  await page.reload();
  await expectMoving(await cpuGraph(page, 'web-01'));
});

test("a second tab's live graphs keep moving when the first tab is closed", async ({ appPage: first, app }) => {
  await expectMoving(await cpuGraph(first, 'web-01'));
  const second = await first.context().newPage();
  await second.goto(app.url);
  const graph = await cpuGraph(second, 'web-01');
  await expectMoving(graph);
  await first.close();
  await expectMoving(graph);
  await expectMoving(graph);
  await second.close();
});
