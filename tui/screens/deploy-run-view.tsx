import { Text } from 'ink';
import { runOutcome, stepStrip, testsNote, type DeployRun } from '../state/deploy-run.js';

const outcomeColor = { ok: 'green', failed: 'red', stopped: 'yellow', running: undefined } as const;

/** A deploy as it runs: where each step stands, the transcript's end (scrolled up by `scroll`), how it ended. */
export function DeployRunView({ run, scroll, height }: { run: DeployRun; scroll: number; height: number }) {
  const outcome = runOutcome(run);
  const note = testsNote(run);
  const room = Math.max(1, height - 2 - (note ? 1 : 0) - outcome.lines.length);
  const end = Math.max(Math.min(run.lines.length, room), run.lines.length - scroll);
  const activity = run.cancelled ? 'cancelling…' : 'running… (x cancels; Esc leaves it running)';
  return (
    <>
      <Text bold wrap="truncate">
        Deploy {run.app} on {run.server} <Text dimColor>(ref {run.ref})</Text>
        {'  '}
        {run.running ? <Text color="yellow">{activity}</Text> : null}
      </Text>
      <Text wrap="truncate" dimColor>
        {stepStrip(run) || 'waiting for the agent…'}
      </Text>
      {note ? (
        <Text wrap="truncate" color="yellow">
          {note}
        </Text>
      ) : null}
      {run.lines.slice(Math.max(0, end - room), end).map((line, i) => (
        <Text
          key={i}
          wrap="truncate"
          color={line.startsWith('✗') ? 'red' : line.startsWith('✓') ? 'green' : undefined}
          dimColor={line.startsWith('  │')}
        >
          {line}
        </Text>
      ))}
      {outcome.lines.map((line, i) => (
        <Text
          key={`outcome-${i}`}
          wrap="truncate"
          color={i === 0 ? outcomeColor[outcome.level] : undefined}
          dimColor={i > 0}
          bold={i === 0}
        >
          {line}
        </Text>
      ))}
    </>
  );
}
