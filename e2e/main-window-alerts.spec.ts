/**
 * Alerts in the main window, on the demo scenario: the XAPI messages of both pools with priority, object
 * and pool; filtering by priority, pool and text; dismissing one (message.destroy) removes it for good.
 * Changes the demo pools: the clock-skew alert of xcp-prod-03 is dismissed.
 */
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, test } from './fixtures';

async function openAlerts(page: Page) {
  const tab = page.getByRole('tablist', { name: 'Tasks and alerts' }).getByRole('tab', { name: /^Alerts/ });
  await tab.click();
  const table = page.getByRole('table', { name: 'Alerts' });
  await expect(table).toBeVisible();
  return table;
}

test('lists the alerts of every pool and filters them by priority, pool and text', async ({ appPage: page }) => {
  const table = await openAlerts(page);
  // Alarms read as the measured value against the trigger level, on the object by name.
  await expect(table.getByRole('row', { name: /CPU usage is 93% \(alarm at 90%\), db-primary/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Storage use is 85% \(alarm at 80%\), Lab iSCSI/ })).toBeVisible();
  await saveScreenshot(page, 'main-window-alerts--all');

  const filters = page.getByRole('search', { name: 'Filter alerts' });
  await filters.getByLabel('Pool').selectOption({ label: 'Lab' });
  await expect(table.getByRole('row', { name: /Lab iSCSI/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /db-primary/ })).toHaveCount(0);
  await filters.getByLabel('Pool').selectOption({ label: 'All pools' });

  await filters.getByLabel('Priority').selectOption({ label: 'Major and above' });
  await expect(table.getByRole('row', { name: /^Major: / }).first()).toBeVisible();
  await expect(table.getByRole('row', { name: /^(Warning|Minor|Information): / })).toHaveCount(0);
  await filters.getByLabel('Priority').selectOption({ label: 'All' });

  await filters.getByRole('searchbox', { name: 'Search alerts' }).fill('NTP');
  await expect(table.getByRole('row', { name: /Host clock skew detected, xcp-prod-03/ })).toBeVisible();
  await expect(filters.getByRole('status')).toHaveText(/^1 of \d+ alerts$/);
  await saveScreenshot(page, 'main-window-alerts--filtered');
});

test('dismisses an alert: it is deleted from the pool and leaves the list', async ({ appPage: page }) => {
  const table = await openAlerts(page);
  const tab = page.getByRole('tab', { name: /^Alerts/ });
  const before = Number(/\((\d+)\)/.exec((await tab.textContent()) ?? '')?.[1]);
  const alert = table.getByRole('row', { name: /Host clock skew detected, xcp-prod-03/ });
  await expect(alert).toBeVisible();
  await alert.getByRole('button', { name: /^Dismiss/ }).click();
  await expect(alert).toHaveCount(0);
  await expect(tab).toHaveText(`Alerts (${before - 1})`);
  await saveScreenshot(page, 'main-window-alerts--dismissed');

  // Gone from the pool itself, not only from this window: a fresh window does not list it.
  await page.reload();
  const again = await openAlerts(page);
  await expect(again.getByRole('row', { name: /CPU usage is 93%/ })).toBeVisible();
  await expect(again.getByRole('row', { name: /Host clock skew detected/ })).toHaveCount(0);
});
