/** The admin console's stylesheet: served from /admin/assets, no external resources, usable on phone-size screens. */
export const CONSOLE_STYLESHEET = `
:root { --fg: #1c2430; --muted: #5b6676; --line: #d9dee5; --bg: #f4f6f9; --card: #fff; --accent: #2a5bd7;
  --danger: #b42318; --ok: #1a7f37; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
.bar { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem;
  padding: .6rem 1rem; background: #1c2430; color: #fff; }
.bar a { color: #fff; text-decoration: none; font-weight: 700; }
.bar form { margin: 0; }
.bar button { margin: 0; width: auto; background: transparent; border-color: #5b6676; color: #fff; padding: .35rem .7rem; }
.who { font-size: .85rem; opacity: .8; margin-right: .5rem; }
nav.tenant { display: flex; flex-wrap: wrap; gap: .25rem .9rem; padding: .6rem 1rem; background: var(--card); border-bottom: 1px solid var(--line); }
nav.tenant a { color: var(--accent); text-decoration: none; font-size: .92rem; }
nav.tenant a[aria-current=page] { color: var(--fg); font-weight: 700; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.3rem; margin: .5rem 0 1rem; word-break: break-word; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
section, .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem; margin-bottom: 1rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; word-break: break-word; }
th { color: var(--muted); font-weight: 600; font-size: .82rem; }
td a { color: var(--accent); }
code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
pre { white-space: pre-wrap; word-break: break-all; background: var(--bg); padding: .6rem; border-radius: 6px; }
label { display: block; font-weight: 600; font-size: .88rem; margin: .75rem 0 .3rem; }
input[type=text], input[type=password], input[type=number], select, textarea { width: 100%; max-width: 40rem; padding: .5rem .6rem;
  border: 1px solid var(--line); border-radius: 8px; font: inherit; }
textarea { min-height: 6rem; font-family: ui-monospace, monospace; font-size: .85rem; }
input:focus, button:focus, select:focus, textarea:focus, a:focus { outline: 3px solid rgba(42, 91, 215, .35); outline-offset: 1px; }
button { font: inherit; font-weight: 600; padding: .5rem .9rem; border-radius: 8px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; margin-top: .75rem; }
button.danger { background: var(--danger); border-color: var(--danger); }
button.small { padding: .25rem .6rem; margin: 0; font-size: .85rem; }
form.inline { display: inline; margin: 0; }
.filter { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; }
.filter label { margin: 0 0 .3rem; }
.filter button { margin: 0; }
.pager { display: flex; gap: 1rem; margin-top: .75rem; }
.pager a { color: var(--accent); }
.notice { border: 1px solid #b7dfc2; background: #eef8f1; color: var(--ok); border-radius: 8px; padding: .6rem .75rem; margin-bottom: 1rem; }
.alert { border: 1px solid #f3c2bd; background: #fdf0ef; color: var(--danger); border-radius: 8px; padding: .6rem .75rem; margin-bottom: 1rem; }
.secret { font-family: ui-monospace, monospace; font-size: 1rem; word-break: break-all; padding: .6rem; border: 1px dashed var(--line); border-radius: 8px; background: #fff; }
.muted { color: var(--muted); }
@media (max-width: 40rem) {
  main { padding: .6rem; }
  section, .card { padding: .75rem; }
  th, td { padding: .35rem .3rem; }
  .hide-narrow { display: none; }
}
`;
