/** Temporary: GET /api/backups answer time and agent CPU per request on the test server. */
import { startTestServer } from '../support/test-server.js';
import { API_TOKEN, AGENT_PORT } from '../support/server-kit.js';
import { addFillerApps, mustExec } from './agent-server.js';

const N = 50;
const server = await startTestServer({ aptCache: true });
try {
  await addFillerApps(server);
  const route = process.argv[2] ?? '/api/backups';
  const url = `http://127.0.0.1:${AGENT_PORT}${route}`;
  const curl = `curl -fsS -o /dev/null -w '%{time_total}\\n' -H 'authorization: Bearer ${API_TOKEN}' ${url}`;
  await mustExec(server, ['sh', '-c', `${curl}; ${curl}`]);
  const script = `P=$(systemctl show -p MainPID --value hms-agent.service); a=$(cut -d' ' -f14,15 /proc/$P/stat);
for i in $(seq ${N}); do ${curl}; done; b=$(cut -d' ' -f14,15 /proc/$P/stat); echo "cpu $a $b $(getconf CLK_TCK)"`;
  const out = await mustExec(server, ['sh', '-c', script]);
  const lines = out.trim().split('\n');
  const times = lines
    .filter((l) => !l.startsWith('cpu'))
    .map((l) => Number(l) * 1000)
    .sort((x, y) => x - y);
  const [, u0, s0, u1, s1, tck] = lines
    .find((l) => l.startsWith('cpu'))!
    .split(' ')
    .map(Number);
  const cpuMs = (((u1! + s1! - u0! - s0!) / tck!) * 1000) / N;
  console.log(
    `${route}: median ${times[N >> 1]!.toFixed(1)} ms, p10 ${times[5]!.toFixed(1)}, p90 ${times[45]!.toFixed(1)},`,
    `agent CPU ${cpuMs.toFixed(1)} ms/request, n=${N}`,
  );
  const body = await mustExec(server, ['curl', '-fsS', '-H', `authorization: Bearer ${API_TOKEN}`, url]);
  console.log(body.slice(0, 600));
} finally {
  await server.stop();
}
