// Page helpers shared by the browser tests.

/** The text of the first element matching the selector ("" when it has none). */
export async function textOf(page, selector) {
  return (await page.locator(selector).textContent()) ?? "";
}

/** Waits until the element's text matches the pattern; the timeout is generous, never a measure of speed. */
export async function waitForText(page, selector, pattern, timeout = 90_000) {
  await page.waitForFunction(
    ([s, source, flags]) => new RegExp(source, flags).test(document.querySelector(s)?.textContent ?? ""),
    [selector, pattern.source, pattern.flags],
    { timeout },
  );
}
