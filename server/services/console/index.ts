/** console = a Rails console on an app's release, opened through a one-use ticket the deploy user's SSH session redeems. */
export { openConsole, TICKET_SECONDS } from './ticket.js';
