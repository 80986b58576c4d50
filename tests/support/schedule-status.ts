/** A schedule as GET /api/schedules answers it: cigar's, ran ok 10 s before 05:40:00, next in 5 s; `extra` changes it. */
import type { ScheduleStatus } from '../../src/api/schedules.js';

export const scheduleStatus = (name: string, extra: Partial<ScheduleStatus> = {}): ScheduleStatus => ({
  app: 'cigar',
  name,
  unit: `cigar-${name}.service`,
  timer: `cigar-${name}.timer`,
  when: '*:*:0/5',
  timeoutSeconds: 60,
  overlap: false,
  result: 'ok',
  lastRun: '2026-12-07T05:39:50.000Z',
  durationMs: 2500,
  exitStatus: 0,
  failure: null,
  nextRun: '2026-12-07T05:40:05.000Z',
  timerActive: true,
  ...extra,
});
