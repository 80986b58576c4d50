/**
 * The whole control center in ink-testing-library, in local mode: the in-process
 * agent on loopback (connectLocal), real keys in, frames out.
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../tui/app.js';
import { ServerConnections } from '../../tui/connections.js';
import type { TuiSession } from '../../tui/session.js';
import { TuiStats } from '../../tui/stats.js';
import { testContext } from '../support/test-context.js';
import { waitFor } from '../support/wait-for.js';

const plan = { names: ['local'], current: 'local', local: true };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function start(readonly = false) {
  const context = testContext();
  const connections = new ServerConnections(context, undefined, plan);
  const session: TuiSession = {
    connections,
    terminal: { stdin: process.stdin, stdout: process.stdout, suspend: (task) => task(), handOver: (task) => task() },
    stats: new TuiStats(),
    readonly,
    keptEdits: new Set(),
    env: context.env,
  };
  const app = render(<App session={session} plan={plan} />);
  cleanups.push(
    () => connections.closeAll(),
    () => app.unmount(),
  );
  const frame = () => app.lastFrame() ?? '';
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      app.stdin.write(key);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  };
  return { frame, press };
}

describe('the control center (local mode)', () => {
  it(
    'Given hms starts, When the first answer comes, ' + 'Then the overview shows the agent and nginx with the connection in the status bar',
    async () => {
      const { frame } = start();
      await waitFor(() => /│ agent/.test(frame()), frame);
      expect(frame()).toMatch(/● local connected · agent \S+ · updated \d+s ago/);
      expect(frame()).toMatch(/<r> restart\s+<s> stop/);
    },
  );

  it('Given ? then Esc, When pressed, Then the help opens listing keys and closes again', async () => {
    const { frame, press } = start();
    await waitFor(() => /│ agent/.test(frame()), frame);
    await press('?');
    await waitFor(() => frame().includes('Keys (Esc or ? closes)'), frame);
    expect(frame()).toContain('command palette');
    await press('\u001b');
    await waitFor(() => !frame().includes('Keys (Esc'), frame);
  });

  it('Given `:audit` typed in the palette, When entered, Then the audit screen opens', async () => {
    const { frame, press } = start();
    await press(':', 'a', 'u', 'd', '\t');
    await waitFor(() => frame().includes(':audit'), frame);
    await press('\r');
    await waitFor(() => frame().includes('Audit on local'), frame);
  });

  it('Given --readonly, When r is pressed on the overview, Then nothing is asked and the status line says why', async () => {
    const { frame, press } = start(true);
    await waitFor(() => /│ agent/.test(frame()), frame);
    expect(frame()).not.toContain('<r> restart');
    await press('r');
    await waitFor(() => frame().includes('read-only session (--readonly): cannot restart'), frame);
    expect(frame()).not.toContain('y yes');
  });

  it('Given s on the overview, When n is answered, Then nothing is done', async () => {
    const { frame, press } = start();
    await waitFor(() => /│ agent/.test(frame()), frame);
    await press('s');
    await waitFor(() => frame().includes('Stop nginx on local?'), frame);
    await press('n');
    await waitFor(() => frame().includes('Nothing done.'), frame);
  });

  it('Given D and then A, When pressed, Then the deploys screen and the agent screen open, each with its keys in the footer', async () => {
    const { frame, press } = start();
    await waitFor(() => /│ agent/.test(frame()), frame);
    await press('D');
    await waitFor(() => frame().includes('Deploys on local'), frame);
    expect(frame()).toContain('No apps to deploy on local');
    expect(frame()).toMatch(/<⏎> releases\s+<d> deploy\s+<w> watch/);
    await press('A');
    await waitFor(() => frame().includes('Agent on local'), frame);
    await waitFor(() => /This hms carries (agent \S+\.|no agent)/.test(frame()), frame);
    expect(frame()).toMatch(/<u> update\s+<⏎> restore/);
  });

  it('Given --readonly on the agent screen, When u is pressed, Then nothing is sent and the status line says why', async () => {
    const { frame, press } = start(true);
    await press(':', ...'agent', '\r');
    await waitFor(() => frame().includes('Agent on local'), frame);
    expect(frame()).not.toContain('<u> update');
    await press('u');
    await waitFor(() => frame().includes('read-only session (--readonly): cannot update the agent on local'), frame);
    expect(frame()).not.toContain('y yes');
  });

  it(
    'Given ! on the overview, When pressed, Then the incidents screen opens with m, u and t in the footer; ' +
      '--readonly hides them and refuses t with the reason',
    async () => {
      const { frame, press } = start();
      await waitFor(() => /│ agent/.test(frame()), frame);
      await press('!');
      await waitFor(() => frame().includes('Incidents on local'), frame);
      expect(frame()).toMatch(/<m> mute\s+<u> unmute\s+<t> test/);
      const readonly = start(true);
      await readonly.press(':', ...'incidents', '\r');
      await waitFor(() => readonly.frame().includes('Incidents on local'), readonly.frame);
      expect(readonly.frame()).not.toContain('<t> test');
      await readonly.press('t');
      await waitFor(() => readonly.frame().includes('read-only session (--readonly): cannot send a test alert'), readonly.frame);
    },
  );
});
