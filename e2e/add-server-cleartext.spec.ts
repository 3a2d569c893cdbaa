/**
 * Adding a server by a plain http:// address: XenDeck asks before the password crosses the network
 * unencrypted. "Use https instead" goes back to the form with the https address; "Connect unencrypted"
 * goes on. An http:// address of this computer (127.0.0.1, ::1, localhost) is not asked about: nothing
 * leaves the machine.
 */
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, test } from './fixtures';

async function fillAddServer(page: Page, address: string) {
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Add server' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add server' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Server').fill(address);
  await dialog.getByLabel('User name').fill('root');
  await dialog.getByLabel('Password').fill('not-for-the-wire');
  await dialog.getByRole('checkbox', { name: /Remember me/ }).uncheck();
  return dialog;
}

const warning = (page: Page) => page.getByRole('alertdialog', { name: 'Send the password unencrypted?' });

test('asks before sending a password over http, and offers https instead', async ({ appPage: page }) => {
  const dialog = await fillAddServer(page, 'http://xcp-01.example.com');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(warning(page)).toBeVisible();
  await expect(warning(page)).toContainText('http://xcp-01.example.com is a plain HTTP address');
  await expect(warning(page)).toContainText('unencrypted');
  // The safe answer has the focus.
  await expect(warning(page).getByRole('button', { name: 'Use https instead' })).toBeFocused();
  await saveScreenshot(page, 'add-server-cleartext--warning');

  await warning(page).getByRole('button', { name: 'Use https instead' }).click();
  await expect(warning(page)).toBeHidden();
  await expect(dialog.getByLabel('Server')).toHaveValue('https://xcp-01.example.com');
  await expect(dialog.getByLabel('Password')).toHaveValue('not-for-the-wire');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
});

test('connects over http once the user agrees', async ({ appPage: page }) => {
  // 0.0.0.0 is not a loopback name, so it is asked about; nothing listens there on port 9, so the attempt fails at once.
  const dialog = await fillAddServer(page, 'http://0.0.0.0:9');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await warning(page).getByRole('button', { name: 'Connect unencrypted' }).click();
  await expect(warning(page)).toBeHidden();
  await expect(dialog.getByRole('alert')).toContainText('CONNECTION_FAILED', { timeout: 30_000 });
  // Trying again with the same address does not ask again.
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('CONNECTION_FAILED', { timeout: 30_000 });
  await expect(warning(page)).toBeHidden();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test('does not ask for an http address of this computer', async ({ appPage: page }) => {
  const dialog = await fillAddServer(page, 'http://127.0.0.1:9');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText(/Nothing answers at .*127\.0\.0\.1:9/, { timeout: 30_000 });
  await expect(warning(page)).toBeHidden();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});
