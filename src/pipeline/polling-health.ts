// judgePolling: is polling alive? Stalled when some source has been due for longer than STALL_MS and no
// poll at all was recorded in that time: the workers are not running, or the schedules are gone. A few slow
// sources while others are polled is a source problem (shown on the sources page), not a stall.
export const STALL_MS = 10 * 60_000;

export type PollingHealth = { status: 'up' | 'stalled'; detail: string };

export function judgePolling(lag: { overdue: number; oldestDue: Date | null; lastPoll: Date | null }, now: Date): PollingHealth {
  const quiet = !lag.lastPoll || now.getTime() - lag.lastPoll.getTime() > STALL_MS;
  if (lag.overdue === 0 || !quiet) {
    return { status: 'up', detail: lag.lastPoll ? `last poll ${Math.round((now.getTime() - lag.lastPoll.getTime()) / 1000)} s ago` : 'no source due yet' };
  }
  const late = Math.round((now.getTime() - (lag.oldestDue ?? now).getTime()) / 60_000);
  return {
    status: 'stalled',
    detail:
      `${lag.overdue} source${lag.overdue === 1 ? ' is' : 's are'} overdue (the oldest by ${late} min) and nothing was polled ` +
      `${lag.lastPoll ? `since ${lag.lastPoll.toISOString()}` : 'yet'}: start the workers (\`pressdesk start\` or \`pressdesk worker\`) and check that Redis is up`,
  };
}
