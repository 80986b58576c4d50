import { html } from 'hono/html';
import type { CertRecord } from '../../src/core/certificates.js';

const GRADE_CLASS: Record<CertRecord['grade'], string> = { ok: 'ok', warning: 'warn', critical: 'bad' };

/** Each site's certificate on the dashboard: days left graded as everywhere (warning under 21, critical under 7 or a failed renewal). */
export function certificatesTable(certificates: CertRecord[]) {
  if (certificates.length === 0) return '';
  return html`<h2>Certificates</h2>
<div class="scroll"><table>
<tr><th>Site</th><th>Names</th><th>Issuer</th><th>Days left</th><th>Last renewal</th><th>Next</th></tr>
${certificates.map(
  (c) => html`<tr>
<td>${c.site}</td>
<td>${c.names.join(' ') || '–'}</td>
<td>${c.issuer}${c.selfSigned ? html` <span class="muted">self-signed</span>` : ''}</td>
<td class="${GRADE_CLASS[c.grade]}">${c.daysLeft}</td>
<td class="${c.lastAttempt ? (c.lastAttempt.ok ? 'ok' : 'bad') : 'muted'}">${
    c.lastAttempt
      ? `${c.lastAttempt.ok ? 'ok' : 'failed'} ${c.lastAttempt.at}${c.lastAttempt.message ? `: ${c.lastAttempt.message}` : ''}`
      : c.installedByHand
        ? 'installed by hand'
        : '–'
  }</td>
<td>${c.nextAttempt ?? '–'}</td>
</tr>`,
)}
</table></div>`;
}
