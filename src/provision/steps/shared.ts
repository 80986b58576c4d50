import path from 'node:path';
import { attributeReasons, changedPath, inspectFiles, sha256, withDiff } from '../files.js';
import type { Host } from '../host.js';
import { PATHS, type ProvisionInput } from '../input.js';
import { decide, readProvenance, writeProvenance, type SharedDecision } from '../provenance.js';
import { backupName, provenanceFile, sharedFilesFor, sharedRoot, type SharedFile } from '../shared-files.js';
import type { Step } from '../step.js';

const deploy = PATHS.deployUser;

interface Planned {
  file: SharedFile;
  absolute: string;
  hash: string;
  decision: SharedDecision;
}

/** A file's text for a diff; undefined for binary content. */
const textOf = (content: Buffer): string | undefined => (content.includes(0) ? undefined : content.toString('utf8'));

async function plan(
  host: Host,
  input: ProvisionInput,
): Promise<Array<{ app: string; recorded: Record<string, string>; files: Planned[] }>> {
  const result = [];
  for (const [name, app] of input.apps) {
    const files = sharedFilesFor(name, app, input.uploads?.[name]);
    const absolute = files.map((file) => `${sharedRoot(name)}/${file.path}`);
    const states = await inspectFiles(host, absolute);
    const recorded = await readProvenance(host, name);
    const planned = files.map((file, i): Planned => {
      const hash = sha256(file.content);
      const state = states.get(absolute[i]!);
      const attributes = state ? attributeReasons(state, { mode: file.mode, owner: deploy, group: deploy }) : [];
      return { file, absolute: absolute[i]!, hash, decision: decide(file, hash, state, recorded[file.path], attributes) };
    });
    result.push({ app: name, recorded, files: planned });
  }
  return result;
}

async function describeFile(host: Host, p: Planned): Promise<string> {
  const text = textOf(p.file.content);
  const diff = (summary: string) =>
    text === undefined
      ? Promise.resolve(`${summary}\n(binary content)`)
      : withDiff(host, { path: p.absolute, content: text, redact: p.file.redact }, summary);
  switch (p.decision.action) {
    case 'create':
      return `${p.absolute}: create`;
    case 'adopt':
      return `${p.absolute}: ${['record as written by hms (same content)', ...p.decision.reasons].join(', ')}`;
    case 'update':
      return diff(`${p.absolute}: content`);
    case 'replace':
      return diff(`${p.absolute}: content (the laptop file changed since the last upload; the server copy is kept as a .bak)`);
    default:
      return diff(`${p.absolute}: differs; kept (hms would write the version below; remove the file to let hms write it)`);
  }
}

export function sharedFilesStep(input: ProvisionInput): Step {
  return {
    id: 'shared-files',
    title: "Each app's shared files (database.yml, uploads)",
    doc: {
      why:
        "config/database.yml for the app's database " +
        '(apps.<app>.database: SQLite in shared/db, or PostgreSQL with DATABASE_PASSWORD from the env file) ' +
        'and the laptop files of apps.<app>.files, owned by deploy (0640; 0600 for keys, credentials and .env files). ' +
        'What hms wrote is recorded by sha256; a file changed on the server is never overwritten, only reported.',
      commands: input.apps.flatMap(([name, app]) => [
        `install -m 640 -o ${deploy} -g ${deploy} /dev/stdin ${sharedRoot(name)}/config/database.yml   # ${app.database.adapter}`,
        ...Object.keys(app.files).map(
          (file) => `install -m 640 -o ${deploy} -g ${deploy} <apps.${name}.files["${file}"]> ${sharedRoot(name)}/${file}`,
        ),
        `sha256sum ... > ${provenanceFile(name)}   # what hms wrote`,
      ]),
      verify: [`ls -l ${PATHS.appsRoot}/*/shared/config/database.yml`],
    },
    async check(host, note) {
      const changes: string[] = [];
      for (const app of await plan(host, input)) {
        for (const p of app.files) {
          if (p.decision.action === 'none') continue;
          if (p.decision.action === 'keep') note?.(await describeFile(host, p));
          else changes.push(await describeFile(host, p));
        }
      }
      return changes;
    },
    async apply(host, changes) {
      const targets = new Set(changes.map(changedPath));
      const now = new Date();
      for (const app of await plan(host, input)) {
        const record = { ...app.recorded };
        for (const p of app.files) {
          if (p.decision.action === 'keep' || p.decision.action === 'none') continue;
          if (!targets.has(p.absolute)) continue;
          if (p.decision.action === 'replace')
            await host.must(['cp', '-p', '--', p.absolute, backupName(p.absolute, now)], `back up ${p.absolute}`);
          if (p.decision.action !== 'adopt') {
            await host.must(
              ['install', '-d', '-m', '755', '-o', deploy, '-g', deploy, path.posix.dirname(p.absolute)],
              `create ${path.posix.dirname(p.absolute)}`,
            );
            await host.upload(p.file.content, p.absolute, p.file.mode);
          } else await host.must(['chmod', p.file.mode.toString(8), '--', p.absolute], `chmod ${p.absolute}`);
          await host.must(['chown', `${deploy}:${deploy}`, '--', p.absolute], `chown ${p.absolute}`);
          record[p.file.path] = p.hash;
        }
        await writeProvenance(host, app.app, record);
      }
    },
  };
}
