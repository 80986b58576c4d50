/**
 * Who is at the keyboard behind the API token: `user@host` of the laptop, sent by the
 * CLI and TUI in this header and recorded beside the credential ("alice@laptop (api-token)").
 * It names, it does not authenticate: the token does. (No zod here: the laptop sends it on
 * every request, before any schema is needed.)
 */
export const ACTOR_HEADER = 'x-hms-actor';
export const ACTOR_PART = /[A-Za-z0-9._-]/;
export const ACTOR_PATTERN = /^[A-Za-z0-9._-]{1,32}(?:@[A-Za-z0-9._-]{1,64})?$/;
