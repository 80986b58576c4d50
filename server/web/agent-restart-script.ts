/**
 * The /agent page's one script while an update is in progress, sent inline with the
 * CSP nonce. The agent is down for a moment (longer when a broken release is tried
 * and rolled back), and a plain refresh landing in that gap would leave the browser
 * on nginx's 502 page: this polls the API instead (the session cookie authenticates
 * the GET), waits through failed requests, and reloads once the outcome is known.
 * Without JavaScript the page refreshes itself (a <noscript> meta refresh).
 */
export const RESTART_REFRESH_SECONDS = 2;

export const AGENT_RESTART_SCRIPT = `
(() => {
  const status = document.getElementById('restarting');
  if (!status || !window.fetch) return;
  const say = (text) => { status.textContent = text; };
  const poll = async () => {
    try {
      const response = await fetch('/api/agent/releases', { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (response.status === 401) return location.assign('/agent');
      if (response.ok) {
        const info = await response.json();
        if (!info.update || info.update.status !== 'activating') return location.assign('/agent');
        say('The agent answers again (release ' + info.running + '); waiting for the health check of ' + info.update.release + '…');
      } else {
        say('The agent is restarting (the gateway answers ' + response.status + ')…');
      }
    } catch {
      say('The agent is restarting (not answering yet)…');
    }
    setTimeout(poll, ${RESTART_REFRESH_SECONDS * 1000});
  };
  setTimeout(poll, ${RESTART_REFRESH_SECONDS * 1000});
})();
`;
