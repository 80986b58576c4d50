/** The one stylesheet: readable on a phone, no framework, nothing from other hosts. */
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1d1f21; --bg: #fafafa; --muted: #6b7280; \
--ok: #15803d; --bad: #b91c1c; --warn: #b45309; --line: #d4d4d8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e5e7eb; --bg: #111315; --muted: #9ca3af; --line: #3f3f46; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); }
header nav { display: flex; flex-wrap: wrap; gap: .75rem; flex: 1; }
main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
a { color: inherit; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.scroll { overflow-x: auto; }
pre, textarea, code { font: 13px/1.4 ui-monospace, monospace; }
pre { background: rgba(127,127,127,.08); padding: .5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
textarea { width: 100%; min-height: 24rem; }
ol.lines { font: 13px/1.4 ui-monospace, monospace; padding-left: 4em; white-space: pre-wrap; word-break: break-all; }
ol.lines li { min-height: 1.4em; } ol.lines li::marker { color: var(--muted); }
ol.lines li:target { background: rgba(127,127,127,.15); }
ol.lines li.rejected { background: rgba(185,28,28,.14); outline: 1px solid var(--bad); } \
ol.lines li.rejected::marker { color: var(--bad); font-weight: bold; }
.rejected-why { color: var(--bad); font: 600 12px system-ui, sans-serif; }
.nginx .hljs-comment { color: var(--muted); font-style: italic; } .nginx .hljs-attribute { color: #1d4ed8; }
.nginx .hljs-section, .nginx .hljs-punctuation { color: #7c3aed; font-weight: 600; } .nginx .hljs-string { color: #15803d; }
.nginx .hljs-variable { color: #b45309; } .nginx .hljs-number, .nginx .hljs-literal { color: #0e7490; } \
.nginx .hljs-regexp { color: #be185d; }
@media (prefers-color-scheme: dark) { .nginx .hljs-attribute { color: #93c5fd; } \
.nginx .hljs-section, .nginx .hljs-punctuation { color: #c4b5fd; } .nginx .hljs-string { color: #86efac; } \
.nginx .hljs-variable { color: #fcd34d; } .nginx .hljs-number, .nginx .hljs-literal { color: #67e8f9; } \
.nginx .hljs-regexp { color: #f9a8d4; } }
.tail { display: flex; flex-direction: column-reverse; max-height: 75vh; overflow: auto; }
.log .ts { color: var(--muted); } .log .ctx { opacity: .7; }
.diff .add { color: var(--ok); } .diff .del { color: var(--bad); } .diff .hunk { color: var(--muted); }
form.fields { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: end; }
form.fields label { margin: .25rem 0; } label.check { display: flex; gap: .3rem; align-items: center; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); } .muted { color: var(--muted); }
.error { border: 1px solid var(--bad); padding: .5rem; color: var(--bad); }
.notice { border: 1px solid var(--ok); padding: .5rem; }
form.inline { display: inline; }
button, input, select { font: inherit; padding: .3rem .6rem; max-width: 100%; }
label { display: block; margin: .5rem 0; }
.deploy-progress .step { margin: .15rem 0; font: 13px/1.4 ui-monospace, monospace; }
.deploy-progress pre.out { margin: .15rem 0 .4rem 1.2rem; border-left: 2px solid var(--line); }
tr.current { background: rgba(21,128,61,.08); }
`;
