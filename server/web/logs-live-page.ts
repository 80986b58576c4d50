/**
 * The live log's one script, sent inline with the CSP nonce: it follows the API's SSE
 * stream (the session cookie authenticates the GET) and appends each line as text,
 * never as HTML. Pause holds new lines back (bounded) and Resume shows them.
 * Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
 * The event names it listens to are checked against the contract (`satisfies` keeps
 * the bare literal: nothing is added to the agent).
 */
import type { EventName, LogFollowEvents } from '../../src/api/streams.js';

type FollowEvent = EventName<LogFollowEvents>;

export const LIVE_LOG_SCRIPT = `
(() => {
  const log = document.getElementById('log');
  const url = log && log.dataset.follow;
  if (!url || !window.EventSource) return;
  const status = document.getElementById('live-status');
  const pause = document.getElementById('pause');
  const MAX_LINES = 5000;
  let paused = false;
  let held = [];
  const say = (text) => { status.textContent = text; };
  const visible = (text) => text.replace(/[\\u0000-\\u0008\\u000b-\\u001f\\u007f]/g, (c) => \
String.fromCharCode(c === '\\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
  const show = (line) => {
    const row = document.createElement('span');
    row.className = 'line';
    if (line.ts) {
      const ts = document.createElement('span');
      ts.className = 'ts';
      ts.textContent = line.ts;
      row.append(ts, ' ');
    }
    row.append(visible(line.text) + '\\n');
    log.append(row);
    while (log.childElementCount > MAX_LINES) log.firstElementChild.remove();
  };
  const stream = new EventSource(url);
  say('connecting…');
  stream.onopen = () => say('following new lines as they are written');
  stream.addEventListener('${'line' satisfies FollowEvent}', (event) => {
    const line = JSON.parse(event.data);
    if (!paused) return show(line);
    held.push(line);
    if (held.length > MAX_LINES) held.shift();
  });
  stream.addEventListener('${'dropped' satisfies FollowEvent}', (event) => {
    say(JSON.parse(event.data).count + ' lines skipped (the page could not keep up)');
  });
  stream.addEventListener('${'end' satisfies FollowEvent}', (event) => {
    stream.close();
    say('stopped: ' + JSON.parse(event.data).reason + '. Reload to follow again');
  });
  stream.onerror = () => say(stream.readyState === EventSource.CLOSED ? 'disconnected. Reload to follow again' : 'reconnecting…');
  pause.hidden = false;
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (paused) return say('paused; new lines are held');
    held.forEach(show);
    held = [];
    say('following new lines as they are written');
  });
})();
`;
