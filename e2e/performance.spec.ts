/**
 * Performance tab e2e (issue 6) in Chromium, in the app (browser mode) on the demo pools: a running VM's live
 * graphs draw and move, the week range shows a week, a drag zooms in, hovering shows values, legends toggle lines,
 * alerts appear on the timeline, a halted VM says it has no data while halted, and a host has its own graphs.
 * Screenshots go to e2e/screenshots/.
 */
import { expect, saveScreenshot, test, rowName } from './fixtures';
import type { Locator, Page } from '@playwright/test';

/** The Performance tab as a user sees it. */
class PerformancePage {
  constructor(readonly page: Page) {}

  /** Selects `name` in the resource tree and opens its Performance tab. */
  static async open(page: Page, name: string): Promise<PerformancePage> {
    await page.getByRole('tree').first().getByRole('treeitem', { name: rowName(name) }).click();
    await page.getByRole('tab', { name: 'Performance' }).click();
    const p = new PerformancePage(page);
    await expect(p.tab).toBeVisible();
    return p;
  }

  get tab(): Locator {
    return this.page.getByRole('region', { name: 'Performance' });
  }
  range(name: string): Locator {
    return this.tab.getByRole('radiogroup', { name: 'Time range' }).getByRole('radio', { name });
  }
  chart(title: string): Locator {
    return this.tab.getByRole('figure', { name: title });
  }
  /** The plot area of a chart, where the lines are drawn (uPlot's overlay sits on the canvas). */
  plot(title: string): Locator {
    return this.chart(title).locator('.u-over');
  }
  legendValue(title: string, series: string): Locator {
    return this.chart(title).locator('.u-legend .u-series', { hasText: series }).locator('.u-value');
  }
  get navigator(): Locator {
    return this.tab.getByRole('slider', { name: 'Shown time span' });
  }
  /** Seconds of time the graphs show (the navigator window's width in time). */
  async span(): Promise<number> {
    return Number((await this.navigator.getAttribute('data-span')) ?? 0);
  }
  async shot(name: string): Promise<void> {
    await saveScreenshot(this.page, `performance--${name}`);
  }
}

test('a running VM: live graphs draw and move, the week range, drag to zoom, values on hover', async ({ appPage: page }) => {
  const perf = await PerformancePage.open(page, 'web-01');
  await expect(perf.range('Last 10 minutes')).toHaveAttribute('aria-checked', 'true');
  const cpu = perf.plot('CPU usage');
  await expect(cpu).toBeVisible();
  for (const title of ['Memory', 'Network', 'Disk throughput', 'Disk IOPS', 'Disk latency']) await expect(perf.chart(title)).toBeVisible();
  await expect(perf.chart('CPU usage').locator('.u-legend')).toContainText('vCPU 0');

  // Live: the plot area changes as new 5-second rows arrive.
  const chartCanvas = perf.chart('CPU usage').locator('canvas');
  const first = await chartCanvas.screenshot();
  await page.waitForTimeout(10_000);
  const second = await chartCanvas.screenshot();
  expect(first.equals(second), 'the live graph moved in 10 s').toBe(false);
  await perf.shot('live');

  // A week: the navigator spans the whole week archive (168 hourly rows).
  await perf.range('Last week').click();
  await expect(perf.range('Last week')).toHaveAttribute('aria-checked', 'true');
  await expect.poll(() => perf.span(), { message: 'navigator spans a week' }).toBeGreaterThan(6.9 * 86400);
  const week = await perf.span();

  // Drag across the middle of the CPU graph: every graph zooms to that span; Reset zoom comes back.
  const box = (await cpu.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2, { steps: 8 });
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect(perf.tab.getByRole('button', { name: 'Reset zoom' })).toBeEnabled();
  const zoomed = await perf.span();
  expect(zoomed).toBeLessThan(week * 0.3);
  expect(zoomed).toBeGreaterThan(week * 0.1);
  await expect(perf.tab.getByRole('button', { name: 'Pan back in time' })).toBeEnabled();

  // Hover: the legend shows the values under the cursor, with units.
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await expect(perf.legendValue('CPU usage', 'Average')).toHaveText(/^\d+(\.\d+)? %$/);
  await expect(perf.legendValue('Memory', 'Total')).toHaveText(/GiB|MiB/);
  await perf.shot('week-zoomed-hover');

  // The legend turns a line off and on again.
  const vcpu1 = perf.chart('CPU usage').locator('.u-legend .u-series', { hasText: 'vCPU 1' });
  await vcpu1.locator('.u-label').click();
  await expect(vcpu1).toHaveClass(/u-off/);
  await vcpu1.locator('.u-label').click();
  await expect(vcpu1).not.toHaveClass(/u-off/);

  await perf.tab.getByRole('button', { name: 'Reset zoom' }).click();
  await expect.poll(() => perf.span()).toBe(week);
});

test('alerts about the VM are marked on its timeline', async ({ appPage: page }) => {
  // db-primary has a CPU alarm from two hours ago in the demo scenario.
  const perf = await PerformancePage.open(page, 'db-primary');
  await perf.range('Last week').click();
  const alerts = perf.tab.getByRole('list', { name: 'Alerts on this timeline' });
  await expect(alerts).toContainText('Alarm');
  await perf.shot('alerts');
});

test('graphs chosen once are the graphs of every VM; the navigator window pans; arrows change the range', async ({ appPage: page }) => {
  let perf = await PerformancePage.open(page, 'web-01');
  await expect(perf.chart('Disk latency')).toBeVisible();
  await perf.tab.getByText('Graphs…').click();
  await perf.tab.getByRole('checkbox', { name: 'Disk latency' }).uncheck();
  await expect(perf.chart('Disk latency')).toHaveCount(0);
  perf = await PerformancePage.open(page, 'db-primary');
  await expect(perf.chart('CPU usage')).toBeVisible();
  await expect(perf.chart('Disk latency')).toHaveCount(0);
  perf = await PerformancePage.open(page, 'xcp-prod-01');
  await expect(perf.chart('Disk latency')).toBeVisible(); // hosts have their own choice
  perf = await PerformancePage.open(page, 'web-01');
  await perf.tab.getByText('Graphs…').click();
  await perf.tab.getByRole('checkbox', { name: 'Disk latency' }).check();
  await expect(perf.chart('Disk latency')).toBeVisible();
  await perf.tab.getByText('Graphs…').click();

  // Arrow keys move through the ranges.
  await perf.range('Last 10 minutes').focus();
  await page.keyboard.press('ArrowRight');
  await expect(perf.range('Last 2 hours')).toHaveAttribute('aria-checked', 'true');
  await expect(perf.range('Last 2 hours')).toBeFocused();

  // Zoom in on the navigator, then drag its window back in time: same width, earlier start.
  await expect.poll(() => perf.span()).toBeGreaterThan(1.9 * 3600);
  const strip = (await perf.tab.locator('.perf-navigator-plot .u-over').boundingBox())!;
  await page.mouse.move(strip.x + strip.width * 0.7, strip.y + strip.height / 2);
  await page.mouse.down();
  await page.mouse.move(strip.x + strip.width * 0.9, strip.y + strip.height / 2, { steps: 8 });
  await page.mouse.up();
  const span = await perf.span();
  expect(span).toBeLessThan(0.3 * 7200);
  const start = Number(await perf.navigator.getAttribute('aria-valuenow'));
  const win = (await perf.navigator.boundingBox())!;
  await page.mouse.move(win.x + win.width / 2, win.y + win.height / 2);
  await page.mouse.down();
  await page.mouse.move(win.x + win.width / 2 - strip.width * 0.3, win.y + win.height / 2, { steps: 8 });
  await page.mouse.up();
  expect(Number(await perf.navigator.getAttribute('aria-valuenow'))).toBeLessThan(start - 0.2 * 7200);
  expect(await perf.span()).toBeCloseTo(span, 0);
  await perf.shot('panned');
});

test('a halted VM says there is no data while halted', async ({ appPage: page }) => {
  const perf = await PerformancePage.open(page, 'backup-proxy');
  await expect(perf.tab.getByText(/no data while halted/i)).toBeVisible();
  await expect(perf.tab.getByRole('figure')).toHaveCount(0);
  await perf.shot('halted');
});

test("a host's graphs: CPU per core, load, memory, network per PIF, storage per SR", async ({ appPage: page }) => {
  const perf = await PerformancePage.open(page, 'xcp-prod-01');
  for (const title of ['CPU usage', 'Load average', 'Memory', 'Network', 'Disk throughput', 'Disk IOPS', 'Disk latency']) await expect(perf.chart(title)).toBeVisible();
  await expect(perf.chart('Network').locator('.u-legend')).toContainText('eth0 receive');
  await perf.range('Last 2 hours').click();
  await expect.poll(() => perf.span(), { message: 'two hours of minute rows' }).toBeGreaterThan(1.9 * 3600);
  await perf.range('Last year').click();
  await expect.poll(() => perf.span(), { message: 'a year of daily rows' }).toBeGreaterThan(360 * 86400);
  await perf.shot('host');
});

test('a host that stops answering: its graphs keep the last data and say why', async ({ appPage: page, app }) => {
  const perf = await PerformancePage.open(page, 'xcp-prod-02');
  await expect(perf.plot('CPU usage')).toBeVisible();
  await app.sim.control('kill-host', { host: 'xcp-prod-02' });
  await expect(perf.tab.getByRole('alert')).toContainText('CONNECTION_FAILED', { timeout: 30_000 });
  await expect(perf.tab).toContainText('The graphs show the last data received');
  await expect(perf.plot('CPU usage')).toBeVisible();
  await perf.shot('host-down');
});
