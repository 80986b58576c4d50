import { Box, Text } from 'ink';
import type { ScriptSummary } from '../../src/api/scripts.js';
import type { ScriptRun } from '../hooks/use-scripts.js';
import { visibleRange } from '../state/scroll.js';
import { exitMeaning, outputLines } from '../state/script-run.js';

export interface ScriptsScreenProps {
  server: string;
  scripts: ScriptSummary[];
  loaded: boolean;
  error?: string | undefined;
  selected: number;
  /** The run shown (the scripts screen is in its run view). */
  run?: ScriptRun | undefined;
  /** Output lines scrolled up from the end. */
  scroll: number;
  height: number;
}

const levelColor = { ok: 'green', warning: 'yellow', critical: 'red', unknown: 'magenta' } as const;

/** Troubleshooting scripts: the list, or a run's live output and what its exit means. */
export function ScriptsScreen(props: ScriptsScreenProps) {
  const { run, height } = props;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {run ? <RunView run={run} scroll={props.scroll} height={height} /> : <ScriptList {...props} />}
    </Box>
  );
}

function ScriptList({ server, scripts, loaded, error, selected, height }: ScriptsScreenProps) {
  const { start, end } = visibleRange(scripts.length, selected, height - 1);
  const width = Math.max(8, ...scripts.map((s) => s.name.length));
  return (
    <>
      <Text bold>
        Scripts on {server}
        <Text dimColor> (enter runs, asks for arguments)</Text>
      </Text>
      {error ? <Text color="red">{error}</Text> : !loaded ? <Text dimColor>Loading…</Text> : null}
      {scripts.slice(start, end).map((s, i) => (
        <Text key={s.name} wrap="truncate" inverse={start + i === selected}>
          {`${start + i === selected ? '▶' : ' '} ${s.name.padEnd(width)}  `}
          <Text dimColor>{s.description}</Text>
        </Text>
      ))}
    </>
  );
}

function RunView({ run, scroll, height }: { run: ScriptRun; scroll: number; height: number }) {
  const lines = outputLines(run.output);
  const room = height - 2;
  const end = Math.max(Math.min(lines.length, room), lines.length - scroll);
  const meaning = run.exit ? exitMeaning(run.exit) : undefined;
  return (
    <>
      <Text bold wrap="truncate">
        {run.name} {run.args.join(' ')}
        {'  '}
        {meaning ? (
          <Text color={levelColor[meaning.level]}>{meaning.label}</Text>
        ) : run.running ? (
          <Text color="yellow">running… (x stops it)</Text>
        ) : null}
      </Text>
      {lines.slice(Math.max(0, end - room), end).map((line, i) => (
        <Text key={i} wrap="truncate" color={line.stream === 'stderr' ? 'red' : undefined}>
          {line.text}
        </Text>
      ))}
      {run.error ? (
        <Text color="red" wrap="truncate">
          {run.error.text}
          {run.error.hint ? <Text dimColor> {run.error.hint}</Text> : null}
        </Text>
      ) : null}
    </>
  );
}
