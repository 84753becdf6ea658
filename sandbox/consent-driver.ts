/**
 * Plays the person at the sandbox's consent page, for tests and benchmarks: loads the authorize
 * URL, reads the form the page really serves (so a broken page fails the caller), posts the chosen
 * button and returns the redirect's Location without following it. Plain fetch over loopback.
 */

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
}

interface ConsentForm {
  action: string;
  fields: Record<string, string>;
}

function readConsentForm(html: string): ConsentForm {
  const formTag = /<form\b[^>]*>/i.exec(html)?.[0];
  const action = formTag ? attribute(formTag, 'action') : undefined;
  if (!formTag || !action || (attribute(formTag, 'method') ?? '').toLowerCase() !== 'post') {
    throw new Error('The consent page has no POST form');
  }
  const fields: Record<string, string> = {};
  for (const input of html.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attribute(input, 'name');
    if (name && attribute(input, 'type')?.toLowerCase() === 'hidden') fields[name] = attribute(input, 'value') ?? '';
  }
  return { action, fields };
}

/**
 * Loads `authorizeUrl`, presses Allow or Deny, and returns the callback URL from the redirect's
 * Location header. Throws if the page or the decision does not answer as a consent flow should.
 */
export async function followConsent(authorizeUrl: string, decision: 'allow' | 'deny'): Promise<string> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`The authorize page answered HTTP ${page.status}`);
  const form = readConsentForm(html);
  const buttons = html.match(/<button\b[^>]*>/gi) ?? [];
  const button = buttons.find((tag) => attribute(tag, 'value') === decision);
  const buttonName = button ? attribute(button, 'name') : undefined;
  if (!buttonName) throw new Error(`The consent page has no ${decision} button`);

  const body = new URLSearchParams({ ...form.fields, [buttonName]: decision });
  const answer = await fetch(new URL(form.action, authorizeUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
    redirect: 'manual',
  });
  await answer.arrayBuffer();
  const location = answer.headers.get('location');
  if (answer.status < 300 || answer.status >= 400 || !location) {
    throw new Error(`The consent decision answered HTTP ${answer.status} without a redirect`);
  }
  return location;
}
