import { UsageError } from '../core/errors.js';
import { checkSecrets, initSecrets, secretsPathFor } from '../secrets/service.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { secretsHelp } from './help/index.js';

export const secretsCommand: Command = {
  ...secretsHelp,
  async run(context) {
    const [action] = context.args;
    if (action === 'init') return init(context);
    if (action === 'check') return check(context);
    throw new UsageError(`Unknown secrets action "${action ?? ''}".`, 'Use `hms secrets init` or `hms secrets check`.');
  },
};

async function init(context: CommandContext): Promise<CommandOutput> {
  const config = await context.loadConfig();
  const file = secretsPathFor(config, context.flags.secrets, context.cwd);
  const report = await initSecrets({ file, config, rotate: context.flags.rotate });
  const lines = [`${report.created ? 'Created' : 'Updated'} ${file} (mode 600)`];
  if (report.added.length > 0) lines.push(`  added:   ${report.added.join(', ')}`);
  if (report.rotated.length > 0) lines.push(`  rotated: ${report.rotated.join(', ')}`);
  lines.push(`  kept:    ${report.kept.length} existing value(s)`);
  if (report.added.length === 0 && report.rotated.length === 0) lines[0] = `${file} already has every key; nothing changed.`;
  if (!config)
    lines.push(
      'No hms.config.json found: only the hosting section was written. Run `hms init` to describe servers and apps, then run this again.',
    );
  return { data: report, human: lines.join('\n') };
}

async function check(context: CommandContext): Promise<CommandOutput> {
  const config = await context.loadConfig();
  const file = secretsPathFor(config, context.flags.secrets, context.cwd);
  const report = await checkSecrets(file, config);
  const lines: string[] = [];
  if (!report.exists) lines.push(`No secrets file at ${file}.`);
  else {
    lines.push(`${file} (mode ${report.mode})`);
    if (report.tooOpen) lines.push(`  ✗ readable by group or others`);
    for (const problem of report.problems) lines.push(`  ✗ ${problem.key}: ${problem.problem}`);
    if (report.ok) lines.push('  ✓ every key present, no placeholder, mode 600');
  }
  if (report.fixes.length > 0) lines.push('To fix:', ...report.fixes.map((fix) => `  ${fix}`));
  return { data: report, human: lines.join('\n'), exitCode: report.ok ? 0 : 1 };
}
