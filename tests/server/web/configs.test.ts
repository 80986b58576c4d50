/**
 * The /configs pages through the whole app, logged in as a browser, against a real
 * nginx tree and the REAL `nginx -t`. systemctl cannot manage services on this host
 * (no systemd as PID 1), so reload and is-active are answered by the recording
 * `hostExec` of nginx-fixture.ts, in systemctl's formats; the e2e suite does the
 * same against a real systemd and nginx.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AUTH, testAgent, type TestAgent } from '../../support/agent.js';
import { BrowserSession, inputValue, textareaValue } from '../../support/browser-session.js';
import { hostExec, nginxTree, serverBlock, type NginxTree } from '../../support/nginx-fixture.js';

const CIGAR = serverBlock(8081);
const HOSTILE = `# </textarea><script>alert(1)</script> "quoted" & 'single'\n${serverBlock(8082)}`;

let tree: NginxTree;
let agent: TestAgent;
let browser: BrowserSession;

beforeEach(async () => {
  tree = await nginxTree(['cigar', 'tobacco', 'ghost']);
  await tree.addSite('cigar', CIGAR);
  await tree.addSite('tobacco', HOSTILE);
  agent = await testAgent({ config: { nginx: tree.nginx }, exec: hostExec().exec });
  browser = new BrowserSession(agent);
  await browser.login();
});

const cigarFile = () => path.join(tree.sitesDir, 'cigar');

/** The plain text of each line of a numbered list on the page (`yours` picks the one whose anchors are yours-L…). */
function listedLines(page: string, id?: string): string[] {
  const prefix = id ? `${id}-` : '';
  const items = [...page.matchAll(/<li id="([^"]+)"[^>]*>([\s\S]*?)<\/li>/g)].filter(([, anchor]) =>
    new RegExp(`^${prefix}L\\d+$`).test(anchor!),
  );
  return items.map(([, , inner]) =>
    inner!
      .replace(/<strong class="rejected-why">[\s\S]*?<\/strong>/, '')
      .replace(/<[^>]+>/g, '')
      .replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

async function editForm(site = 'cigar') {
  const { text } = await browser.page(`/configs/${site}`);
  return { etag: inputValue(text, 'etag')!, content: textareaValue(text, 'content')! };
}

describe('GET /configs', () => {
  it(
    'Given allow-listed sites, When the list opens, ' + 'Then each existing site links to its page and a missing one is named as a problem',
    async () => {
      const { status, text } = await browser.page('/configs');
      expect(status).toBe(200);
      expect(text).toContain('<a href="/configs/cigar">cigar</a>');
      expect(text).toContain('<a href="/configs/tobacco">tobacco</a>');
      expect(text).toContain('ghost</strong>: Site &quot;ghost&quot; has no file');
    },
  );
});

describe('GET /configs/:site', () => {
  it('Given a site, When opened, Then its lines are numbered and the edit form carries the text, its etag and the CSRF token', async () => {
    const { text } = await browser.page('/configs/cigar');
    expect(listedLines(text)).toEqual(CIGAR.split('\n').slice(0, -1));
    expect(text).toContain('<li id="L1"><span class="hljs-section">server</span> <span class="hljs-punctuation">{</span></li>');
    expect(text).toContain(
      '<li id="L2">    <span class="hljs-attribute">listen</span> <span class="hljs-number">127.0.0.1:8081</span>;</li>',
    );
    const form = await editForm();
    expect(form.content).toBe(CIGAR);
    expect(form.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(inputValue(text, '_csrf')).toBe(await browser.csrf());
    expect(text).toContain('<form method="post" action="/configs/cigar" id="edit">');
  });

  it('Given a config with </textarea><script>, When shown, Then it is text in the list and in the textarea, never markup', async () => {
    const { text } = await browser.page('/configs/tobacco');
    expect(text).not.toContain('<script>alert(1)</script>');
    expect(text).not.toMatch(/<script/);
    expect(text).toContain('# &lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39;');
    expect((await editForm('tobacco')).content).toBe(HOSTILE);
  });

  it.each([
    ['an unknown site', '/configs/nope', 404, 'Unknown site &quot;nope&quot;'],
    ['an encoded traversal', '/configs/..%2f..%2fetc%2fpasswd', 404, 'Unknown site'],
    ['a double-encoded traversal', '/configs/%252e%252e%252fetc', 404, 'Unknown site'],
    ['an allow-listed site without a file', '/configs/ghost', 404, 'has no file'],
    ['a bad backup id', '/configs/cigar/history/..%2f..%2fsecrets', 400, 'id: must be a backup id'],
    ['a bad diff id', '/configs/cigar/diff?against=/etc/passwd', 400, 'against: must be a backup id'],
  ])('Given %s, When opened, Then a readable HTML error page keeps the status', async (_, url, status, message) => {
    const response = await browser.request(url);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await response.text();
    expect(text).toContain('class="error"');
    expect(text).toContain(message);
    expect(text).toContain('<a href="/configs">Back to Configs</a>');
  });

  it('Given an API client (no HTML asked for), When a page fails, Then it still gets the JSON error', async () => {
    const response = await agent.app.request('/configs/nope', { headers: AUTH });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'Unknown site "nope".' });
  });
});

describe('POST /configs/:site', () => {
  it(
    'Given a valid edit sent with CRLF lines as browsers do, When saved, ' +
      'Then nginx -t passes, the file has LF lines and the page says so',
    async () => {
      const { etag } = await editForm();
      const edited = CIGAR.replace('return 200 "ok";', 'return 200 "edited";');
      const response = await browser.submit('/configs/cigar', { content: edited.replace(/\n/g, '\r\n'), etag });
      expect(response.status).toBe(303);
      expect(await readFile(cigarFile(), 'utf8')).toBe(edited);
      const { text } = await browser.page(response.headers.get('location')!);
      expect(text).toMatch(/class="notice"[^>]*>Saved cigar: nginx accepted it and was reloaded/);
      expect(listedLines(text)).toContain('        return 200 "edited";');
    },
  );

  it(
    'Given an invalid directive, When saved, ' +
      "Then 422 shows nginx's words, the user's text is back in the form and the file is unchanged",
    async () => {
      const { etag } = await editForm();
      // proxy_foo passes the lint (the proxy_ family is allowed) and is unknown to nginx.
      const typed = `proxy_foo bar;\n${CIGAR}# <b>mine</b>\n`;
      const response = await browser.submit('/configs/cigar', { content: typed, etag });
      expect(response.status).toBe(422);
      const text = await response.text();
      expect(text).toMatch(/class="error"[\s\S]*nginx -t rejected the new cigar config: unknown directive &quot;proxy_foo&quot;/);
      expect(text).toContain(`${tree.sitesDir}/cigar:1`);
      expect(textareaValue(text, 'content')).toBe(typed);
      expect(inputValue(text, 'etag')).toBe(etag);
      expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
    },
  );

  it(
    'Given a directive nginx -t rejects on line 5, When saved, ' +
      'Then the page links to line 5 of the submitted text, highlighted and marked, next to the file now',
    async () => {
      const { etag } = await editForm();
      const typed = CIGAR.replace(
        '    location / {',
        '    # <script>alert(1)</script>\n    proxy_bogus_directive $host "x";\n    location / {',
      );
      const response = await browser.submit('/configs/cigar', { content: typed, etag });
      expect(response.status).toBe(422);
      const text = await response.text();
      expect(text).not.toMatch(/<script/);
      expect(text).toContain('<a href="#yours-L5">Go to line 5</a>, the one nginx -t rejected');
      expect(text).toMatch(
        new RegExp(
          [
            String.raw`<li id="yours-L5" class="rejected">    <span class="hljs-attribute">proxy_bogus_directive<\/span> `,
            String.raw`<span class="hljs-variable">\$host<\/span> <span class="hljs-string">&quot;x&quot;<\/span>;`,
            String.raw`<strong class="rejected-why"> ← nginx -t rejected this line<\/strong><\/li>`,
          ].join(''),
        ),
      );
      expect(text).toContain('<li id="yours-L4">    <span class="hljs-comment"># &lt;script&gt;alert(1)&lt;/script&gt;</span></li>');
      expect(listedLines(text, 'yours')).toEqual(typed.split('\n').slice(0, -1));
      expect(listedLines(text, 'now')).toEqual(CIGAR.split('\n').slice(0, -1));
      expect(text.match(/class="rejected"/g)).toHaveLength(1);
    },
  );

  it(
    'Given someone saved meanwhile, When the stale form is sent, ' +
      'Then 412 says so and shows both texts, with the current version in the form',
    async () => {
      const { etag } = await editForm();
      const theirs = CIGAR.replace('"ok"', '"theirs"');
      await writeFile(cigarFile(), theirs);
      const mine = CIGAR.replace('"ok"', '"mine"');
      const response = await browser.submit('/configs/cigar', { content: mine, etag });
      expect(response.status).toBe(412);
      const text = await response.text();
      expect(text).toContain('Someone changed cigar while you were editing');
      expect(textareaValue(text, 'content')).toBe(mine);
      expect(listedLines(text, 'now')).toContain('        return 200 "theirs";');
      expect(listedLines(text, 'yours')).toContain('        return 200 "mine";');
      expect(text).toContain(
        '<span class="del">-        return 200 &quot;theirs&quot;;\n' +
          '</span><span class="add">+        return 200 &quot;mine&quot;;\n</span>',
      );
      expect(inputValue(text, 'etag')).toBe((await editForm()).etag);
      expect(await readFile(cigarFile(), 'utf8')).toBe(theirs);
    },
  );

  it('Given a form without the CSRF token, When sent, Then 403 and the file is unchanged', async () => {
    const { etag } = await editForm();
    const response = await browser.submit('/configs/cigar', { content: 'foo;\n', etag }, { csrf: false });
    expect(response.status).toBe(403);
    expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
  });
});

describe('history, diff and revert', () => {
  async function saveEdit(): Promise<string> {
    const { etag } = await editForm();
    const response = await browser.submit('/configs/cigar', { content: CIGAR.replace('"ok"', '"v2"'), etag });
    expect(response.status).toBe(303);
    const { text } = await browser.page('/configs/cigar');
    return /\/configs\/cigar\/history\/([0-9TZ:.-]+)"/.exec(text)![1]!;
  }

  it('Given a saved change, When the history is used, Then View shows the old file and Diff shows what changed', async () => {
    const id = await saveEdit();
    const backup = await browser.page(`/configs/cigar/history/${id}`);
    expect(backup.status).toBe(200);
    expect(listedLines(backup.text)).toContain('        return 200 "ok";');
    const diff = await browser.page(`/configs/cigar/diff?against=${id}`);
    expect(diff.text).toContain(
      '<span class="del">-        return 200 &quot;ok&quot;;\n</span><span class="add">+        return 200 &quot;v2&quot;;\n</span>',
    );
  });

  it('Given a backup, When Revert is chosen, Then it asks first, and the confirmed POST puts the old file back', async () => {
    const id = await saveEdit();
    const confirm = await browser.page(`/configs/cigar/revert?id=${id}`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('<form method="post" action="/configs/cigar/revert">');
    expect(await readFile(cigarFile(), 'utf8')).toContain('"v2"');
    const response = await browser.submit('/configs/cigar/revert', {
      id: inputValue(confirm.text, 'id')!,
      etag: inputValue(confirm.text, 'etag')!,
    });
    expect(response.status).toBe(303);
    expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
    expect((await browser.page(response.headers.get('location')!)).text).toContain(`Reverted cigar`);
  });

  it(
    'Given a revert confirmation, When posted without the CSRF token or after another change, ' + 'Then 403 or 412 and nothing is reverted',
    async () => {
      const id = await saveEdit();
      const confirm = await browser.page(`/configs/cigar/revert?id=${id}`);
      const fields = { id, etag: inputValue(confirm.text, 'etag')! };
      expect((await browser.submit('/configs/cigar/revert', fields, { csrf: false })).status).toBe(403);
      await writeFile(cigarFile(), CIGAR.replace('"ok"', '"v3"'));
      const stale = await browser.submit('/configs/cigar/revert', fields);
      expect(stale.status).toBe(412);
      expect(await stale.text()).toContain('changed since you read it');
      expect(await readFile(cigarFile(), 'utf8')).toContain('"v3"');
    },
  );
});
