/** The default theme of the interaction pages, served as one immutable stylesheet. */
export const STYLESHEET = `
:root { --fg: #1c2430; --muted: #5b6676; --line: #d9dee5; --bg: #f4f6f9; --card: #fff;
  --accent: #2a5bd7; --accent-fg: #fff; --danger: #b42318; --radius: 10px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; background: var(--bg); display: flex; align-items: center; justify-content: center; padding: 1.5rem; }
main { width: 100%; max-width: 26rem; background: var(--card); border: 1px solid var(--line); border-radius: var(--radius);
  padding: 2rem; box-shadow: 0 8px 24px rgba(20, 30, 50, .06); }
header { text-align: center; margin-bottom: 1.5rem; }
header img { max-width: 4rem; max-height: 4rem; border-radius: 8px; margin-bottom: .75rem; }
h1 { font-size: 1.35rem; margin: 0 0 .35rem; }
p { margin: .25rem 0; line-height: 1.45; }
.muted { color: var(--muted); font-size: .92rem; }
label { display: block; font-weight: 600; font-size: .9rem; margin: 1rem 0 .35rem; }
input[type=text], input[type=password] { width: 100%; padding: .65rem .75rem; border: 1px solid var(--line);
  border-radius: 8px; font-size: 1rem; }
input:focus, button:focus { outline: 3px solid rgba(42, 91, 215, .35); outline-offset: 1px; }
button { font: inherit; font-weight: 600; padding: .7rem 1rem; border-radius: 8px; border: 1px solid var(--accent);
  background: var(--accent); color: var(--accent-fg); cursor: pointer; width: 100%; margin-top: 1.25rem; }
button.secondary { background: transparent; color: var(--fg); border-color: var(--line); }
.actions { display: flex; gap: .75rem; }
.actions button { margin-top: 1.25rem; }
.alert { border: 1px solid #f3c2bd; background: #fdf0ef; color: var(--danger); border-radius: 8px; padding: .65rem .75rem; margin-top: 1rem; }
ul.scopes { list-style: none; padding: 0; margin: 1rem 0 0; border-top: 1px solid var(--line); }
ul.scopes li { padding: .6rem 0; border-bottom: 1px solid var(--line); }
ul.scopes code { color: var(--muted); font-size: .8rem; margin-left: .35rem; }
.binding { font-family: ui-monospace, monospace; font-size: 1.1rem; text-align: center; padding: .6rem; border: 1px dashed var(--line); border-radius: 8px; }
.center { text-align: center; margin-top: 1rem; }
footer { margin-top: 1.5rem; text-align: center; font-size: .82rem; }
footer a { color: var(--muted); margin: 0 .5rem; }
`;
