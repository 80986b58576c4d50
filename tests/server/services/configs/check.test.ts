import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageFile } from '../../../../server/services/configs/files.js';
import { resolveSite } from '../../../../server/services/configs/sites.js';
import { firstNginxError, quoteForNginx, testStagedSite, withExplicitSites } from '../../../../server/services/configs/check.js';
import { testAgent } from '../../../support/agent.js';
import { hostExec, nginxTree, serverBlock } from '../../../support/nginx-fixture.js';

describe('withExplicitSites', () => {
  const debianMain = [
    'user www-data;',
    'http {',
    '\tinclude /etc/nginx/conf.d/*.conf;',
    '\tinclude /etc/nginx/sites-enabled/*;',
    '}',
    '',
  ].join('\n');

  it("Given Debian's nginx.conf, When rewritten, Then only the sites-enabled include is replaced, keeping its indent", () => {
    expect(withExplicitSites(debianMain, ['/etc/nginx/sites-enabled/tobacco', '/etc/nginx/sites-available/.cigar.hms-staged'])).toBe(
      [
        'user www-data;',
        'http {',
        '\tinclude /etc/nginx/conf.d/*.conf;',
        '\tinclude "/etc/nginx/sites-enabled/tobacco";',
        '\tinclude "/etc/nginx/sites-available/.cigar.hms-staged";',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('Given a relative or quoted include with a comment after it, When rewritten, Then the comment stays', () => {
    expect(withExplicitSites('  include "sites-enabled/*"; # sites\n', ['/a'])).toBe('  include "/a"; # sites\n');
  });

  it('Given no sites-enabled include (or only a commented one), When rewritten, Then null: it cannot be tested alone', () => {
    expect(withExplicitSites('http {\n  # include /etc/nginx/sites-enabled/*;\n}\n', ['/a'])).toBeNull();
  });

  it('Given a path with quotes or backslashes, When quoted, Then nginx reads it back unchanged', () => {
    expect(quoteForNginx('/a "b"\\c')).toBe('"/a \\"b\\"\\\\c"');
  });
});

describe('firstNginxError', () => {
  it('Given nginx -t stderr, When summarised, Then the first emerg line is kept without time and pid', () => {
    const stderr =
      '2025/01/31 10:02:03 [warn] 7#7: conflicting server name\n' +
      '2025/01/31 10:02:03 [emerg] 7#7: unknown directive "foo" in /x:3\nnginx: configuration file /y test failed\n';
    expect(firstNginxError(stderr)).toBe('unknown directive "foo" in /x:3');
    expect(firstNginxError('nginx: [emerg] open() "/z" failed (2: No such file or directory)\n')).toBe(
      'open() "/z" failed (2: No such file or directory)',
    );
  });
});

describe('testStagedSite (real nginx -t)', () => {
  it('Given a staged copy with an error, When tested, Then the error names the site file and the temp main config is gone', async () => {
    const tree = await nginxTree(['cigar']);
    const live = await tree.addSite('cigar', serverBlock(8081));
    const { deps } = await testAgent({ config: { nginx: tree.nginx }, exec: hostExec().exec });
    const site = await resolveSite(deps.config.nginx, 'cigar');
    const staged = await stageFile(live, 'server { listen 127.0.0.1:8081; proxy_pass; }\n');

    const error = await testStagedSite({ deps, site, staged }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 422, details: { stderr: expect.stringContaining(`in ${live}:1`) } });
    expect((await readdir(tree.root)).filter((name) => name.startsWith('.hms-test-'))).toEqual([]);
    expect(await readFile(live, 'utf8')).toBe(serverBlock(8081));
  });

  it('Given a main config without a sites-enabled include, When tested, Then it refuses and says how to fix the config', async () => {
    const tree = await nginxTree(['cigar']);
    const live = await tree.addSite('cigar', serverBlock(8081));
    await writeFile(tree.mainConfig, 'events {}\nhttp {}\n');
    const { deps } = await testAgent({ config: { nginx: tree.nginx }, exec: hostExec().exec });
    const site = await resolveSite(deps.config.nginx, 'cigar');
    const staged = await stageFile(live, serverBlock(8082));
    await expect(testStagedSite({ deps, site, staged })).rejects.toThrow(/no `include …\/sites-enabled\/\*;` line/);
    expect(path.basename(staged)).toBe('.cigar.hms-staged');
  });
});
