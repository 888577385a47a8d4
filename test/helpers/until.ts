/** Polls `check` every 50 ms until it holds; a safety net with a generous limit, not a timing assertion. */
export async function until(check: () => Promise<boolean> | boolean, what: string, ms = 30000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
