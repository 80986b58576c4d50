import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../../../../server/config.js';
import { findScripts, listScripts } from '../../../../server/services/scripts/scripts.js';
import { commentDescription } from '../../../../server/services/scripts/describe.js';
import { commonAppRoot, scriptEnv } from '../../../../server/services/scripts/env.js';
import { testAgent } from '../../../support/agent.js';

async function script(dir: string, name: string, body: string, mode = 0o755): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, body);
  await chmod(file, mode);
  return file;
}

describe('findScripts', () => {
  it('Given a scripts folder, When read, Then only executable *.sh files directly in it (or linked within it) are allowed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-scripts-'));
    const outside = await mkdtemp(path.join(tmpdir(), 'hms-outside-'));
    await script(dir, 'check_one.sh', '#!/bin/sh\n');
    await script(dir, 'not_executable.sh', '#!/bin/sh\n', 0o644);
    await script(dir, 'README.md', '#!/bin/sh\n');
    await script(dir, 'bad name;id.sh', '#!/bin/sh\n');
    await mkdir(path.join(dir, 'nested.sh'));
    await mkdir(path.join(dir, 'sub'));
    await script(path.join(dir, 'sub'), 'deep.sh', '#!/bin/sh\n');
    await symlink('check_one.sh', path.join(dir, 'alias.sh'));
    await symlink(await script(outside, 'evil.sh', '#!/bin/sh\n'), path.join(dir, 'evil.sh'));
    await symlink('/bin/sh', path.join(dir, 'shell.sh'));

    expect(Object.keys(await findScripts(dir))).toEqual(['alias', 'check_one']);
    expect(await findScripts(path.join(dir, 'missing'))).toEqual({});
  });
});

describe('descriptions', () => {
  it('Given a header comment paragraph, When described, Then it is one line without the "name.sh - " prefix', () => {
    const head = '#!/usr/bin/env bash\n# check_x.sh - counts things\n# across lines.\n#\n# Exit codes: ...\nset -e\n';
    expect(commentDescription(head, 'check_x.sh')).toBe('counts things across lines.');
    expect(commentDescription('#!/bin/sh\necho hi\n', 'x.sh')).toBe('');
  });

  it('Given a script without a comment, When listed, Then it is listed without a description and not run', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-scripts-'));
    await script(dir, 'helpful.sh', `#!/bin/sh\ntouch ${dir}/ran\n`);
    const { deps } = await testAgent({ config: { scriptsDir: dir } });
    expect(await listScripts({ deps })).toEqual({ scripts: [{ name: 'helpful', description: '' }] });
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });

  it('Given the real remote-cli-tools, When listed, Then all five appear with their descriptions', async () => {
    const { deps } = await testAgent({ config: { scriptsDir: path.resolve('remote-cli-tools') } });
    const { scripts } = await listScripts({ deps });
    expect(scripts.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['check_disk_space', 'check_ssl_certs', 'check_status', 'parse_logs', 'restart_service']),
    );
    for (const entry of scripts) expect(entry.description, entry.name).not.toBe('');
    expect(scripts.find((entry) => entry.name === 'check_disk_space')!.description).toMatch(/^space and inode usage/);
  });
});

describe('scriptEnv', () => {
  const config = agentConfigSchema.parse({
    apps: {
      cigar: { unit: 'cigar.service', root: '/var/www/cigar' },
      tobacco: { unit: 'tobacco.service', root: '/var/www/tobacco' },
    },
    nginx: { accessLog: '/var/log/nginx/access.log' },
  });

  it('Given the agent config, When a script environment is built, Then it has PATH, LANG and the HMS_* values only', () => {
    const env = scriptEnv(config, { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HMS_SECRET: 'x', JWT_SECRET: 'y' });
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      HMS_APPS: 'cigar tobacco',
      HMS_APP_ROOT: '/var/www',
      HMS_NGINX_LOG_DIR: '/var/log/nginx',
      HMS_UNITS: 'cigar.service tobacco.service nginx.service hms-agent.service',
    });
  });

  it("Given apps that do not live side by side as <folder>/<name>, When built, Then HMS_APP_ROOT is left to the scripts' default", () => {
    expect(commonAppRoot({ ...config.apps, tobacco: { ...config.apps.tobacco!, root: '/srv/other' } })).toBeUndefined();
    expect(commonAppRoot({})).toBeUndefined();
  });
});
