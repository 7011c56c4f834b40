import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './support/api-server.js';
import { browserSkipReason, launchChromium, screenshotDir } from './support/browser.js';

// A pipeline whose second agent waits for a human; answers are streamed (the default is not to), and the
// simulator answers slowly enough to watch tokens arrive.
const YAML = `
stream: true
defaults:
  team: reviewed
teams:
  reviewed:
    pattern: pipeline
    description: A planner plans, a coder writes; a human approves the code.
    agents: [planner, coder]
    approval: [coder]
`;

const skipReason = browserSkipReason();

/** Page code (a string: this file is compiled without the DOM library) true when `condition` holds while the run header says running. */
function whileRunning(condition: string): string {
  const q = '(selector) => document.querySelector(selector)';
  return `((q) => (${condition}) && q('.run-title [data-status]')?.getAttribute('data-status') === 'running')(${q})`;
}

/** An init script that stores the API key before the dashboard loads, as the sign-in panel would. */
function signedInAs(key: string | undefined): { content: string } {
  return { content: `localStorage.setItem('agentmesh.apiKey', ${JSON.stringify(key ?? '')});` };
}
const VIEWPORT = { width: 1440, height: 900 };

describe.skipIf(skipReason !== null)(
  `dashboard in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let server: ApiServer;
    let browser: Browser;
    let shots: string;

    beforeAll(async () => {
      server = await startApiServer({ yaml: YAML, sim: { latencyMs: 600 }, keys: ['admin', 'viewer'] });
      browser = await launchChromium();
      shots = await screenshotDir();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function openPage(): Promise<Page> {
      const context = await browser.newContext({ viewport: VIEWPORT });
      return context.newPage();
    }

    async function shoot(page: Page, name: string): Promise<void> {
      await page.screenshot({ path: join(shots, `${name}.png`) });
    }

    it('signs in, starts a run, streams its messages, approves the coder and sees the run succeed', async () => {
      const page = await openPage();
      await page.goto(`${server.url}/`);

      // The server has keys: every API call is 401 until a key is given.
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await shoot(page, 'sign-in');
      await page.getByLabel('API key').fill(server.keys.admin ?? '');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Runs' }).waitFor();
      expect(await page.getByTestId('identity').innerText()).toContain('admin');

      await page.getByRole('button', { name: 'New run' }).click();
      const form = page.getByRole('form', { name: 'New run' });
      await expect.poll(() => form.locator('select[name=team]').inputValue()).toBe('reviewed');
      await form
        .locator('textarea[name=task]')
        .fill('Write a function that parses CSV lines with quoted fields');
      await shoot(page, 'runs-new-run');
      await form.getByRole('button', { name: 'Start run' }).click();

      await page.waitForURL(/#\/runs\/[^/]+$/);
      const runId = decodeURIComponent(page.url().split('#/runs/')[1] ?? '');
      expect(runId).not.toBe('');

      // Tokens appear as a typing message while the run is still running…
      await page.waitForFunction(
        whileRunning("(q('.message-typing .message-body')?.textContent ?? '').trim() !== ''"),
        undefined,
        {
          timeout: 20_000,
        },
      );
      await shoot(page, 'run-live');
      // …and the planner's stored message is shown while the coder still works.
      await page.waitForFunction(
        whileRunning(
          "(q('.message[data-agent=\"planner\"]:not(.message-typing) .message-body')?.textContent ?? '') !== ''",
        ),
        undefined,
        { timeout: 20_000 },
      );

      // The coder's output waits for a human.
      const approvals = page.getByRole('region', { name: 'Pending approvals' });
      await approvals.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 20_000 });
      expect(await page.locator('.run-title [data-status]').first().getAttribute('data-status')).toBe(
        'awaiting_approval',
      );
      expect(await approvals.innerText()).toContain('coder');
      await page.locator('.graph svg').first().waitFor();
      await shoot(page, 'run-approval');
      await approvals.getByRole('textbox', { name: 'Comment' }).fill('Looks right.');
      await approvals.getByRole('button', { name: 'Approve' }).click();

      await page.locator('.run-title [data-status="succeeded"]').waitFor({ timeout: 20_000 });
      await page.getByTestId('run-output').waitFor();
      expect(await page.locator('.message[data-agent="coder"]').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('timeline').innerText()).toContain('planner');
      const detail = (await (await server.request(`/api/runs/${runId}`, { as: 'admin' })).json()) as {
        summary: { status: string };
        approvals: { status: string; comment: string | null }[];
      };
      expect(detail.summary.status).toBe('succeeded');
      expect(detail.approvals).toMatchObject([{ status: 'approved', comment: 'Looks right.' }]);
      await page.locator('.graph svg').first().waitFor();
      await shoot(page, 'run');

      // The main pages, each with its content loaded; a second run waits for approval in the list.
      const second = await server.request('/api/runs', {
        as: 'admin',
        body: { task: 'Add a --verbose flag to the CLI' },
      });
      expect(second.status).toBe(202);
      await page.goto(`${server.url}/#/runs`);
      await page.locator('.runs-table [data-status="succeeded"]').first().waitFor();
      await page
        .locator('.runs-table [data-status="awaiting_approval"]')
        .first()
        .waitFor({ timeout: 20_000 });
      expect(await page.locator('.runs-table tbody tr').count()).toBe(2);
      await shoot(page, 'runs');
      await page.getByLabel('Filter by status').selectOption('succeeded');
      await expect.poll(() => page.locator('.runs-table tbody tr').count()).toBe(1);
      expect(await page.locator('.runs-table tbody').innerText()).toContain('parses CSV lines');

      await page.goto(`${server.url}/#/usage`);
      await page.getByRole('heading', { name: 'Usage' }).waitFor();
      await page.locator('[data-testid="chart-day"] .recharts-surface').first().waitFor();
      await page.getByRole('heading', { name: 'By agent' }).waitFor();
      await page.locator('td', { hasText: 'planner' }).first().waitFor();
      await shoot(page, 'usage');

      await page.goto(`${server.url}/#/agents`);
      await page.getByRole('heading', { name: 'Agents' }).waitFor();
      await page.locator('a.agent-name', { hasText: 'coder' }).waitFor();
      await shoot(page, 'agents');

      await page.goto(`${server.url}/#/agents/coder`);
      await page.getByRole('heading', { name: 'Agent coder' }).waitFor();
      await page.locator('textarea[name=systemPrompt]').waitFor();
      await shoot(page, 'agent-edit');
      // A bad value is refused by the server and the error shows next to its field.
      await page.locator('input[name=temperature]').fill('5');
      await page.getByRole('button', { name: 'Save changes' }).click();
      const fieldError = page.locator('.field-invalid .field-error');
      await fieldError.waitFor();
      expect(await page.locator('.field-invalid input').getAttribute('name')).toBe('temperature');
      await shoot(page, 'agent-edit-error');

      await page.goto(`${server.url}/#/teams`);
      await page.getByRole('heading', { name: 'Teams' }).waitFor();
      await page.locator('[data-team="reviewed"] .graph svg').waitFor();
      await shoot(page, 'teams');

      // The run page again in a browser that prefers dark.
      const dark = await (await browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark' })).newPage();
      await dark.addInitScript(signedInAs(server.keys.admin));
      await dark.goto(`${server.url}/#/runs/${encodeURIComponent(runId)}`);
      await dark.locator('.run-title [data-status="succeeded"]').waitFor();
      await dark.locator('.graph svg').first().waitFor();
      const background = await dark.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      expect(background).not.toBe('rgb(246, 247, 249)');
      await shoot(dark, 'run-dark');

      // A laptop screen: the run page and the runs list fit its width, with nothing scrolling sideways.
      const laptop = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
      await laptop.addInitScript(signedInAs(server.keys.admin));
      for (const [hash, name] of [
        [`#/runs/${encodeURIComponent(runId)}`, 'run-laptop'],
        ['#/runs', 'runs-laptop'],
      ] as const) {
        await laptop.goto(`${server.url}/${hash}`);
        await laptop.locator('[data-status="succeeded"]').first().waitFor();
        if (name === 'run-laptop') await laptop.locator('.graph svg').first().waitFor();
        const overflow = await laptop.evaluate<number>(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        expect(overflow, name).toBeLessThanOrEqual(0);
        await shoot(laptop, name);
      }
    }, 120_000);

    it('offers a viewer no New run button, and shows the role in the header', async () => {
      const page = await openPage();
      await page.addInitScript(signedInAs(server.keys.viewer));
      await page.goto(`${server.url}/#/runs`);
      await page.getByRole('heading', { name: 'Runs' }).waitFor();
      await page.getByTestId('identity').waitFor();
      expect(await page.getByTestId('identity').innerText()).toContain('viewer');
      await page.locator('.runs-table tbody tr, .empty').first().waitFor();
      expect(await page.getByRole('button', { name: 'New run' }).count()).toBe(0);
      await page.goto(`${server.url}/#/agents/coder`);
      await page.getByRole('heading', { name: 'Agent coder' }).waitFor();
      expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
      expect(await page.locator('textarea[name=systemPrompt]').isDisabled()).toBe(true);
    }, 60_000);
  },
);
