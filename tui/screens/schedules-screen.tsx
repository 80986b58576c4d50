import { Box, Text } from 'ink';
import type { ScheduleStatus } from '../../src/api/schedules.js';
import { SCHEDULE_HEADERS, scheduleRow } from '../../src/core/schedule-status.js';
import type { ScheduleRun } from '../hooks/use-schedules.js';
import { visibleRange } from '../state/scroll.js';

export interface SchedulesScreenProps {
  server: string;
  schedules: ScheduleStatus[];
  loaded: boolean;
  error?: string | undefined;
  selected: number;
  height: number;
  now: number;
  run?: ScheduleRun | undefined;
}

const WIDTHS = [10, 12, 14, 12, 16, 9, 10];
const pad = (cells: string[], from = 0) => cells.map((cell, i) => cell.slice(0, WIDTHS[from + i]).padEnd(WIDTHS[from + i]!)).join(' ');
const resultColor = { ok: 'green', failed: 'red', running: 'yellow', never: undefined } as const;

function runTitle(run: ScheduleRun): string {
  if (run.error) return `${run.app} ${run.name}: ${run.error}`;
  if (!run.exit) return `${run.app} ${run.name}: running…`;
  const how = run.exit.code !== null ? `exit ${run.exit.code}` : run.exit.timedOut ? 'ran out of time' : `killed (${run.exit.signal})`;
  return `${run.app} ${run.name}: ${how} after ${(run.exit.durationMs / 1000).toFixed(1)} s`;
}

/** The current server's scheduled tasks, the columns of `hms schedules`, a failed one red; below, the run started from here. */
export function SchedulesScreen({ server, schedules, loaded, error, selected, height, now, run }: SchedulesScreenProps) {
  const output = run ? Math.min(run.lines.length + 1, Math.floor(height / 2)) : 0;
  const { start, end } = visibleRange(schedules.length, selected, height - 3 - output);
  const at = new Date(now);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>
        Scheduled tasks on {server}
        <Text dimColor> enter runs the selected one now · output: hms logs journal:&lt;app&gt;-&lt;name&gt;</Text>
      </Text>
      {error ? <Text color="red">{error}</Text> : !loaded ? <Text dimColor>Loading…</Text> : null}
      {loaded && schedules.length === 0 ? (
        <Text dimColor>No scheduled tasks (apps.&lt;name&gt;.schedules, then hms provision).</Text>
      ) : null}
      {schedules.length > 0 ? <Text dimColor>{`  ${pad(SCHEDULE_HEADERS)}`}</Text> : null}
      {schedules.slice(start, end).map((s, i) => {
        const row = scheduleRow(s, at);
        return (
          <Text
            key={`${s.app} ${s.name}`}
            wrap="truncate"
            inverse={start + i === selected}
            color={s.result === 'failed' ? 'red' : undefined}
          >
            {`${start + i === selected ? '▶' : ' '} ${pad(row.slice(0, 4))} `}
            <Text color={resultColor[s.result]}>{pad(row.slice(4, 5), 4)}</Text>
            {` ${pad(row.slice(5), 5)}`}
          </Text>
        );
      })}
      {run ? (
        <Box flexDirection="column">
          <Text bold color={run.error || (run.exit && run.exit.code !== 0) ? 'red' : run.exit ? 'green' : 'yellow'}>
            {runTitle(run)}
          </Text>
          {run.lines.slice(-(output - 1) || run.lines.length).map((line, i) => (
            <Text key={i} wrap="truncate">
              {line}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
